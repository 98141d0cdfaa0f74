/** The shapes migrate-dry-run reports: findings, units (revisions or files), the rehearsal. */
import type { MigrationRuleCategory, MigrationSeverity } from '../sql/rules.ts';
import type { Allowance } from './allow.ts';

/** `error` fails on errors, `warning` on warnings too, `never` only reports. */
export type MigrateFailOn = 'error' | 'warning' | 'never';

/** One finding, as the `findings` output and the report carry it. */
export interface MigrateFinding {
  rule: string;
  severity: MigrationSeverity;
  /** Alembic revision id, or the .sql file's path relative to the working directory. */
  revision: string;
  /** The file to annotate, relative to the repository root (forward slashes). */
  file: string;
  /** 1-based line in `file`: the `op.` call for alembic revisions, the statement for .sql files. */
  line: number;
  statement: string;
  message: string;
  fix: string;
  category: MigrationRuleCategory;
  /** True for data loss or a change that breaks the version still running. */
  destructive: boolean;
  /** Column in `file`, when known (.sql files). */
  column?: number;
  /** Line in the generated sql-file where the statement is, when it is there. */
  sqlLine?: number;
  allowed?: Allowance;
}

export type MigrateUnitStatus = 'checked' | 'online-only';

/** One revision (alembic) or file (sql-files). */
export interface MigrateUnitReport {
  revision: string;
  file: string;
  /** First line of the revision's docstring. */
  doc?: string;
  status: MigrateUnitStatus;
  /** Why the revision could not produce its SQL offline. */
  onlineOnly?: { reason: string; line?: number };
  statements: number;
  counts: { error: number; warning: number; notice: number; allowed: number };
  /** Findings beyond the per-unit detail limit were only counted. */
  truncated: boolean;
  /** Lines of this unit in the sql-file (inclusive), when written there. */
  sqlLines?: [number, number];
}

export interface DataLoss {
  table: string;
  column?: string;
  kind: 'table-dropped' | 'rows-lost' | 'column-dropped' | 'values-lost' | 'values-changed';
  /** Rows (table) or non-NULL values (column) before the upgrade and after the downgrade. */
  before: number;
  after: number;
  /** The revision whose downgrade left it so, when the step snapshots tell. */
  revision?: string;
  /** What happened, in words. */
  detail: string;
}

export interface RoundTripStep {
  name: string;
  kind: 'prepare' | 'seed' | 'upgrade' | 'downgrade' | 'reupgrade';
  revision?: string;
  ok: boolean;
  ms: number;
  error?: string;
}

export type RoundTripStatus = 'passed' | 'failed' | 'skipped';

export interface RoundTrip {
  status: RoundTripStatus;
  /** One sentence: why it passed, failed or was skipped. */
  reason: string;
  steps: RoundTripStep[];
  /** lock_timeout and statement_timeout as the scratch database reported them during the rehearsal. */
  settings?: { lockTimeout: string; statementTimeout: string };
  dataLoss: DataLoss[];
  /** Schema after downgrade and upgrade again, against the first upgrade. */
  schemaDiff: string[];
  /** Schema after the downgrade, against before the upgrade (for information). */
  downgradeSchemaDiff: string[];
  /** Tables and rows there were before the upgrade. */
  tables: number;
  rows: number;
  database?: { name: string; serverVersion: string };
}

export interface MigrateReport {
  schema: 'migrate-dry-run/v1';
  verdict: 'pass' | 'fail';
  /** One line for people. */
  headline: string;
  mode: 'alembic' | 'sql-files';
  pgVersion: number;
  /** Where pgVersion came from: the pg-version input, the scratch database, or the default (16). */
  pgVersionFrom: 'input' | 'database' | 'default';
  failOn: MigrateFailOn;
  range?: { from: string; to: string };
  destructive: boolean;
  counts: { error: number; warning: number; notice: number; allowed: number };
  /** Active findings per rule. */
  rules: Record<string, number>;
  units: MigrateUnitReport[];
  /** Active (not allowed) findings, at most MIGRATE_REPORT_FINDINGS_LIMIT. */
  findings: MigrateFinding[];
  allowed: MigrateFinding[];
  findingsTruncated: boolean;
  roundtrip: RoundTrip;
  sqlFile: string;
  tools?: { python?: string; alembic?: string; sqlalchemy?: string };
  durationMs: number;
}
