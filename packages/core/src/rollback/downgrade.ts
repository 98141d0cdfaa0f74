/**
 * rollback's database step: `alembic downgrade` of the database from its current head down to the
 * alembic head of the release being restored (its deploy record says which), or by one revision
 * (`alembic downgrade -1`) when no head was recorded. Every revision on the way is analysed with
 * migrate-dry-run's rules first. A downgrade that loses data or breaks the version still running
 * is refused unless the user allows it, and even then only after `backup-command` succeeded; a
 * downgrade whose SQL cannot be produced offline is treated the same way, because nobody has seen
 * what it runs. The analysed revision range is the one that runs: the driver refuses when the
 * database moved in between. Afterwards every table the downgrade kept must hold as many rows as
 * before.
 */
import { describeExecResult, succeeded, type Exec } from '../exec/exec.ts';
import type { Logger } from '../logger.ts';
import type { AlembicClient, OfflineStep, RevisionInfo } from '../migrate/alembic.ts';
import { analyzeRevisionSql, buildRevisionSql, originRangeAt } from '../migrate/offline.ts';
import { SqlAnalyzer } from '../sql/analyzer.ts';
import type { PgParser } from '../sql/parser.ts';
import { isDestructiveCategory, type MigrationRuleCategory, type MigrationSeverity } from '../sql/rules.ts';
import type { RollbackTarget } from './target.ts';

export interface DowngradeConfig {
  databaseUrl: string;
  allowDestructive: boolean;
  /**
   * Run before a destructive downgrade (with DATABASE_URL, ENVIRONMENT, ROLLBACK_ALEMBIC_FROM and
   * ROLLBACK_ALEMBIC_TO set); without it, or when it fails, a destructive downgrade is refused even
   * when allowed.
   */
  backup?: { argv: string[]; timeoutMs: number };
  /** Set on the downgrade's connections, so a blocked lock or a long rewrite fails instead of waiting. */
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

/** What the rollback knows when the database step runs. */
export interface DowngradeOptions {
  /** The release being restored; its deploy record's alembic head is where the database goes. */
  target: RollbackTarget | undefined;
  environment: string;
}

export interface DowngradeDeps {
  alembic: AlembicClient;
  loadParser: () => Promise<PgParser>;
  /** Runs backup-command. */
  exec: Exec;
  logger: Logger;
}

export interface DowngradeFinding {
  /** The revision whose downgrade runs the statement. */
  revision: string;
  rule: string;
  severity: MigrationSeverity;
  category: MigrationRuleCategory;
  destructive: boolean;
  message: string;
  fix: string;
  statement: string;
  /** Line in the revision file (the op call), when known. */
  line?: number;
}

/** One revision the downgrade undoes. */
export interface DowngradeRevision {
  revision: string;
  /** Its parents (what undoing it leaves), `base` for the first revision. */
  parents: string[];
  /** The revision file's name. */
  file: string;
  doc?: string;
  /** Statements in its offline downgrade SQL, and its start (at most DOWNGRADE_SQL_EXCERPT characters). */
  statements: number;
  sql: string;
  /** False when alembic could not produce the SQL offline (e.g. the revision reads the database). */
  analysed: boolean;
  notAnalysedWhy?: string;
}

/** Rows of a table just before and just after the downgrade. */
export interface TableRows {
  table: string;
  before: number;
  after: number;
}

/** What the downgrade step saw and did; part of the rollback report. */
export interface DowngradeReport {
  /** The revision the database was at, and the one it goes down to (`base` below the first). */
  from: string;
  to: string;
  /** `recorded`: the restored release's alembic head; `one-step`: none was recorded, so -1. */
  toSource: 'recorded' | 'one-step';
  /** How `to` was chosen, in words. */
  toReason: string;
  /** The revisions undone, in the order alembic undoes them. */
  revisions: DowngradeRevision[];
  /** Statements of all of them; false when one could not be produced offline. */
  statements: number;
  analysed: boolean;
  findings: DowngradeFinding[];
  destructive: boolean;
  /** backup-command, when a destructive downgrade asked for it. */
  backup?: { ok: boolean; detail: string; durationMs?: number };
  decision: 'ran' | 'refused' | 'failed';
  /** Why it was refused or failed. */
  problem?: string;
  /** The database's revisions after the step. */
  after?: string[];
  /** Every table the downgrade kept, with its rows before and after; `rowsLost` those with fewer. */
  rows?: TableRows[];
  rowsLost?: TableRows[];
  durationMs?: number;
}

export const DOWNGRADE_SQL_EXCERPT = 4_000;

/** Whether the analysed downgrade may run, and why not: pure. */
export function judgeDowngrade(
  analysis: Pick<DowngradeReport, 'from' | 'to' | 'revisions' | 'findings'>,
  allowDestructive: boolean
): { run: boolean; destructive: boolean; problem?: string } {
  const destructive = analysis.findings.filter((f) => f.destructive);
  const why = [
    ...destructive.map((f) => `${f.rule} in ${f.revision} (${f.statement.split('\n')[0]!.slice(0, 80)})`),
    ...analysis.revisions
      .filter((r) => !r.analysed)
      .map(
        (r) =>
          `the SQL of ${r.revision} cannot be produced offline, so it was not checked (${r.notAnalysedWhy ?? 'unknown'})`
      )
  ];
  if (why.length === 0) return { run: true, destructive: false };
  if (allowDestructive) return { run: true, destructive: true };
  return {
    run: false,
    destructive: true,
    problem: `refused: downgrading ${analysis.from} to ${analysis.to} is destructive: ${why.join('; ')}. Set allow-destructive-downgrade: true (with a backup-command) to run it anyway`
  };
}

/** The tables present before and after, with their rows; pure. */
export function compareRowCounts(
  before: Record<string, number>,
  after: Record<string, number>
): { kept: TableRows[]; lost: TableRows[] } {
  const kept = Object.keys(before)
    .filter((table) => table in after)
    .sort()
    .map((table) => ({ table, before: before[table]!, after: after[table]! }));
  return { kept, lost: kept.filter((rows) => rows.after < rows.before) };
}

/** Where the database goes: the restored release's recorded head, else one revision down. */
export function chooseDowngradeTarget(target: RollbackTarget | undefined): {
  head?: string;
  reason: string;
} {
  const head = target?.record?.alembic_head ?? undefined;
  if (head !== undefined && target)
    return { head, reason: `the alembic head ${target.version} ran, from its deploy record` };
  const why = !target
    ? 'no release to restore was found'
    : !target.record
      ? `${target.version} has no deploy record`
      : `the deploy record of ${target.version} holds no alembic head`;
  return { reason: `${why}, so its revision is unknown: one revision down (alembic downgrade -1)` };
}

/** Analyses, judges and (when allowed) runs the downgrade. Throws when it cannot even start. */
export async function downgradeDatabase(
  config: DowngradeConfig,
  options: DowngradeOptions,
  deps: DowngradeDeps
): Promise<DowngradeReport> {
  const { alembic, logger } = deps;
  const destination = chooseDowngradeTarget(options.target);
  if (destination.head === undefined) logger.warning(`Database downgrade: ${destination.reason}`);
  const inspection = await alembic.inspectDowngrade(config.databaseUrl, destination.head);
  const { ping, heads, plan, path, offline } = inspection;
  if (heads.length === 0) throw new Error('the database is at base: there is no revision to downgrade');
  if (heads.length > 1)
    throw new Error(
      `the database is at ${heads.length} heads (${heads.join(', ')}): downgrade by hand, naming one`
    );
  const from = heads[0]!;
  const head = plan?.revisions.at(-1);
  if (!plan || !head || head.revision !== from)
    throw new Error(`alembic does not know the database's revision ${from}`);
  if (!path || !offline)
    throw new Error(
      `${from} is a merge of ${head.parents.join(' and ')} and no alembic head was recorded for the restored release: downgrade by hand, naming the revision`
    );

  const analysis = await analyseDowngrade(
    path.revisions,
    offline.slice(0, plan.revisions.length),
    offline.slice(plan.revisions.length),
    Math.floor(ping.serverVersionNum / 10_000),
    deps
  );
  const report: DowngradeReport = {
    from,
    to: path.to,
    toSource: destination.head !== undefined ? 'recorded' : 'one-step',
    toReason: destination.reason,
    ...analysis,
    destructive: false,
    decision: 'refused'
  };
  if (path.revisions.length === 0) {
    report.decision = 'ran';
    report.toReason += `; the database is already at ${from}, nothing to undo`;
    report.after = heads;
    return report;
  }
  const verdict = judgeDowngrade(report, config.allowDestructive);
  report.destructive = verdict.destructive;
  if (!verdict.run) {
    report.problem = verdict.problem!;
    report.after = heads;
    return report;
  }
  if (verdict.destructive) {
    report.backup = await backUp(config, options, report, deps);
    if (!report.backup.ok) {
      report.problem = `refused: downgrading ${from} to ${path.to} is destructive and allow-destructive-downgrade needs a backup first: ${report.backup.detail}`;
      report.after = heads;
      return report;
    }
    logger.warning(
      `Downgrading ${from} to ${path.to} is destructive; allow-destructive-downgrade is true and the backup succeeded`
    );
  }

  logger.info(`alembic downgrade ${from} -> ${path.to} on ${ping.database}`);
  const result = await alembic.downgrade(config.databaseUrl, {
    from,
    to: path.to,
    lockTimeoutMs: config.lockTimeoutMs,
    statementTimeoutMs: config.statementTimeoutMs,
    // Every statement may use its statement_timeout, plus a minute for Python, env.py and the counts.
    timeoutMs: Math.min(6 * 3_600_000, config.statementTimeoutMs * Math.max(1, report.statements) + 60_000)
  });
  report.after = result.after;
  report.durationMs = result.ms;
  const rows = compareRowCounts(result.rows.before, result.rows.after);
  report.rows = rows.kept;
  report.rowsLost = rows.lost;
  const now = result.after.join(', ') || 'base';
  if (result.error !== null) {
    report.decision = 'failed';
    report.problem = `alembic downgrade failed: ${result.error}; the database is at ${now}`;
  } else if (rows.lost.length > 0) {
    report.decision = 'failed';
    report.problem = `the downgrade ran (the database is at ${now}) but lost rows in tables it keeps: ${rows.lost.map((r) => `${r.table} ${r.before} -> ${r.after}`).join(', ')}; restore them from the backup`;
  } else report.decision = 'ran';
  return report;
}

/** Runs backup-command; a missing command is a failed backup. */
async function backUp(
  config: DowngradeConfig,
  options: DowngradeOptions,
  report: Pick<DowngradeReport, 'from' | 'to'>,
  deps: DowngradeDeps
): Promise<NonNullable<DowngradeReport['backup']>> {
  const backup = config.backup;
  if (!backup) return { ok: false, detail: 'no backup-command was given' };
  deps.logger.info(`Backing the database up before the destructive downgrade: ${backup.argv[0]}`);
  try {
    const result = await deps.exec.run(backup.argv, {
      env: {
        DATABASE_URL: config.databaseUrl,
        ENVIRONMENT: options.environment,
        ROLLBACK_ALEMBIC_FROM: report.from,
        ROLLBACK_ALEMBIC_TO: report.to
      },
      timeoutMs: backup.timeoutMs
    });
    const detail = succeeded(result)
      ? `backup-command exited 0 in ${(result.durationMs / 1000).toFixed(1)} s`
      : `backup-command failed: ${describeExecResult(backup.argv, result)}`;
    return { ok: succeeded(result), detail, durationMs: result.durationMs };
  } catch (error) {
    return { ok: false, detail: `backup-command cannot be started: ${(error as Error).message}` };
  }
}

/**
 * Each downgrade's offline SQL, analysed in the order it runs, after the upgrades up to the head
 * taught the analyser the schema (so dropping a column made by an earlier revision is known to
 * lose its data).
 */
async function analyseDowngrade(
  revisions: RevisionInfo[],
  upgrades: OfflineStep[],
  downgrades: OfflineStep[],
  pgVersion: number,
  deps: Pick<DowngradeDeps, 'loadParser' | 'logger'>
): Promise<Pick<DowngradeReport, 'revisions' | 'statements' | 'analysed' | 'findings'>> {
  const parser = await deps.loadParser();
  const analyzer = new SqlAnalyzer({ pgVersion, parser });
  for (const result of upgrades) {
    if (!result.ok) continue;
    await analyzeRevisionSql(analyzer, parser, buildRevisionSql(result.chunks), { report: false });
  }
  const analysed: DowngradeRevision[] = [];
  const findings: DowngradeFinding[] = [];
  for (const [index, info] of revisions.entries()) {
    const downgrade = downgrades[index];
    const base = {
      revision: info.revision,
      parents: info.parents.length > 0 ? info.parents : ['base'],
      file: info.path.split(/[\\/]/).at(-1) ?? info.path,
      ...(info.doc ? { doc: info.doc } : {})
    };
    if (!downgrade?.ok) {
      const error = downgrade?.error;
      analysed.push({
        ...base,
        statements: 0,
        sql: '',
        analysed: false,
        notAnalysedWhy: error ? `${error.type}: ${error.message}` : 'alembic produced no SQL for it'
      });
      continue;
    }
    const revisionSql = buildRevisionSql(downgrade.chunks);
    const analysis = await analyzeRevisionSql(analyzer, parser, revisionSql);
    for (const finding of analysis.findings) {
      const line =
        originRangeAt(revisionSql, finding.statementOffset)?.line ?? info.downgradeLine ?? undefined;
      findings.push({
        revision: info.revision,
        rule: finding.rule,
        severity: finding.severity,
        category: finding.category,
        destructive: isDestructiveCategory(finding.category),
        message: finding.message,
        fix: finding.fix,
        statement: finding.statement,
        ...(line !== undefined ? { line } : {})
      });
    }
    const mine = findings.filter((f) => f.revision === info.revision);
    deps.logger.info(
      `downgrade of ${info.revision}: ${analysis.statements} statement(s), ${mine.length} finding(s), ${mine.filter((f) => f.destructive).length} destructive`
    );
    analysed.push({
      ...base,
      statements: analysis.statements,
      sql: revisionSql.text.slice(0, DOWNGRADE_SQL_EXCERPT),
      analysed: true
    });
  }
  return {
    revisions: analysed,
    statements: analysed.reduce((sum, r) => sum + r.statements, 0),
    analysed: analysed.every((r) => r.analysed),
    findings
  };
}
