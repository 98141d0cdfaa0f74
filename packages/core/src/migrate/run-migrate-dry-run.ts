/**
 * migrate-dry-run from validated inputs to a report: the revisions to check, their offline SQL one
 * revision at a time, the analysis, the round-trip rehearsal, allowances and the verdict. Every
 * effect (Python, files, the clock) comes in through `deps`.
 */
import path from 'node:path';
import type { Clock } from '../clock.ts';
import { ConfigurationError, errorMessage } from '../errors.ts';
import { neutralise, type Logger } from '../logger.ts';
import { SqlAnalyzer, type SqlFinding, type SqlUnitAnalysis } from '../sql/analyzer.ts';
import type { PgParser } from '../sql/parser.ts';
import { isDestructiveCategory, migrationRule } from '../sql/rules.ts';
import { readSqlStatements } from '../sql/statements.ts';
import {
  AlembicDriverError,
  PythonNotRunnable,
  type AlembicClient,
  type RevisionInfo,
  type RevisionPlan
} from './alembic.ts';
import { allowanceFor, type AllowEntry } from './allow.ts';
import { analyzeRevisionSql, buildRevisionSql, countLineBreaks, originRangeAt } from './offline.ts';
import { assessRehearsal, skippedRoundTrip, type RehearsalFindingDraft } from './rehearsal.ts';
import type { MigrateFailOn, MigrateFinding, MigrateReport, RoundTrip, MigrateUnitReport } from './types.ts';

export interface MigrateDryRunConfig {
  mode: 'alembic' | 'sql-files';
  /** Absolute: where alembic.ini lives, and what sql-files and allow-file paths are relative to. */
  workingDirectory: string;
  /** Absolute: the checkout; annotation paths are relative to it. */
  repositoryRoot: string;
  /** alembic-config as given (for messages). */
  alembicConfig: string;
  /** python as given (for messages). */
  python: string;
  fromRevision?: string;
  toRevision: string;
  /** sql-files mode: the matched files, absolute, in the order they run. */
  sqlFiles: string[];
  /** The rules' PostgreSQL major version; unset: the scratch database's (databaseUrl), else 16. */
  pgVersion?: number;
  include: string[];
  databaseUrl?: string;
  seedSql?: string;
  allow: string[];
  allowEntries: AllowEntry[];
  /** The allow file relative to the repository root, to annotate unused entries. */
  allowFile?: string;
  failOn: MigrateFailOn;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

/** Where the combined offline SQL goes (the `sql-file` output). */
export interface SqlFileSink {
  readonly path: string;
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

export interface MigrateDryRunDeps {
  /** Needed in alembic mode. */
  alembic?: AlembicClient;
  loadParser: () => Promise<PgParser>;
  /** Reads a .sql file in chunks (sql-files mode). */
  readFile: (file: string) => AsyncIterable<Uint8Array>;
  sqlFile: SqlFileSink;
  logger: Logger;
  clock: Clock;
}

export interface MigrateDryRunResult {
  report: MigrateReport;
  /** Every active finding (the report keeps at most MIGRATE_REPORT_FINDINGS_LIMIT). */
  findings: MigrateFinding[];
  /** The start of each unit's SQL, for the summary (at most MIGRATE_SQL_EXCERPT_LIMIT characters each). */
  sql: Record<string, string>;
}

/** The rules' PostgreSQL major version when neither pg-version nor a database says. */
export const DEFAULT_PG_VERSION = 16;
/** The oldest version the rules know; an older server is checked with its rules. */
const OLDEST_PG_VERSION = 10;

export const MIGRATE_REPORT_FINDINGS_LIMIT = 500;
export const MIGRATE_SQL_EXCERPT_LIMIT = 12_000;
/** Findings kept in detail per unit; a machine-generated 5 MB file could otherwise hold 100,000. */
const UNIT_FINDINGS_LIMIT = 2_000;
/** Findings kept in detail in all; the rest are counted by revision and rule. */
const FINDINGS_LIMIT = 20_000;

/** The findings of the run: in detail up to a limit, then counted, so memory stays bounded. */
class FindingStore {
  readonly kept: MigrateFinding[] = [];
  /** Findings counted but not kept, by revision and rule. */
  readonly overflow = new Map<string, { revision: string; rule: string; count: number }>();

  add(finding: MigrateFinding): void {
    if (this.kept.length < FINDINGS_LIMIT) this.kept.push(finding);
    else this.count(finding.revision, finding.rule, 1);
  }

  count(revision: string, rule: string, count: number): void {
    const key = `${revision}\u0000${rule}`;
    const entry = this.overflow.get(key);
    if (entry) entry.count += count;
    else this.overflow.set(key, { revision, rule, count });
  }
}

export async function runMigrateDryRun(
  given: MigrateDryRunConfig,
  deps: MigrateDryRunDeps
): Promise<MigrateDryRunResult> {
  const started = deps.clock.now();
  let pgVersionFrom: MigrateReport['pgVersionFrom'] = given.pgVersion !== undefined ? 'input' : 'default';
  const config: MigrateDryRunConfig & { pgVersion: number } = {
    ...given,
    pgVersion: given.pgVersion ?? DEFAULT_PG_VERSION
  };
  const store = new FindingStore();
  const units: MigrateUnitReport[] = [];
  const sql: Record<string, string> = {};
  let tools: MigrateReport['tools'];
  let range: MigrateReport['range'];
  let roundtrip: RoundTrip = skippedRoundTrip(
    config.mode === 'sql-files'
      ? 'sql-files mode: the rehearsal needs alembic revisions with downgrades.'
      : 'No database-url: give a scratch PostgreSQL database to rehearse upgrade, downgrade and upgrade again.'
  );
  const writer = new SqlFileWriter(deps.sqlFile);
  try {
    if (config.mode === 'alembic') {
      const alembic = deps.alembic;
      if (!alembic) throw new Error('alembic mode needs an alembic client');
      const probe = await guard(config, () => alembic.probe());
      tools = { python: probe.python, alembic: probe.alembic, sqlalchemy: probe.sqlalchemy };
      deps.logger.info(
        `Python ${probe.python} (${probe.executable}), alembic ${probe.alembic}, SQLAlchemy ${probe.sqlalchemy}`
      );
      let database: RoundTrip['database'];
      if (config.databaseUrl) {
        const ping = await guard(config, () => alembic.ping(config.databaseUrl!));
        database = { name: ping.database, serverVersion: formatServerVersion(ping.serverVersionNum) };
        deps.logger.info(`Scratch database ${ping.database} answers (PostgreSQL ${database.serverVersion}).`);
        if (given.pgVersion === undefined) {
          // The rules should match the server the migrations will meet, not an assumed one.
          config.pgVersion = Math.max(OLDEST_PG_VERSION, Math.floor(ping.serverVersionNum / 10_000));
          pgVersionFrom = 'database';
          deps.logger.info(`pg-version: ${config.pgVersion} (the scratch database's).`);
        }
      }
      let from = config.fromRevision;
      if (from === undefined && config.databaseUrl) {
        const heads = await guard(config, () => alembic.current(config.databaseUrl!));
        if (heads.length > 1) {
          throw new ConfigurationError(`the scratch database is at ${heads.length} heads`, [
            {
              input: 'from-revision',
              shownValue: 'nothing',
              expected: `a revision: database-url is at several heads (${heads.join(', ')}), so name the one production runs`
            }
          ]);
        }
        from = heads[0] ?? 'base';
        deps.logger.info(`from-revision: ${from} (the current revision of database-url).`);
      }
      const plan = await guard(config, () => alembic.plan(from, config.toRevision));
      range = { from: plan.from, to: plan.to };
      deps.logger.info(
        `Checking ${plan.revisions.length} revision${plan.revisions.length === 1 ? '' : 's'} after ${plan.from} up to ${plan.to}.`
      );
      await writer.write(
        `-- migrate-dry-run: offline SQL of each alembic revision after ${plan.from} up to ${plan.to},\n` +
          `-- generated one revision at a time (alembic upgrade <previous>:<revision> --sql).\n`
      );
      await checkRevisions(config, deps, alembic, plan, { store, units, sql, writer });
      if (config.databaseUrl) {
        roundtrip = await rehearse(config, deps, alembic, plan, store);
        if (database) roundtrip.database = database;
      }
    } else {
      await writer.write(
        `-- migrate-dry-run: the ${config.sqlFiles.length} SQL file(s) checked, in order.\n`
      );
      await checkSqlFiles(config, deps, { store, units, sql, writer });
    }
  } finally {
    await writer.close();
  }

  // Allowances, then the allow-file entries that matched nothing in the revisions checked.
  const allow = new Set(config.allow);
  const used = new Set<AllowEntry>();
  for (const finding of store.kept) {
    const { allowance, entry } = allowanceFor(finding, allow, config.allowEntries);
    if (allowance) finding.allowed = allowance;
    if (entry) used.add(entry);
  }
  const overflow = [...store.overflow.values()].map((entry) => {
    const { allowance, entry: allowEntry } = allowanceFor(entry, allow, config.allowEntries);
    if (allowEntry) used.add(allowEntry);
    const info = migrationRule(entry.rule);
    return {
      ...entry,
      severity: info.severity,
      destructive: isDestructiveCategory(info.category),
      allowed: allowance !== undefined
    };
  });
  const checked = new Set(units.map((unit) => unit.revision));
  for (const entry of config.allowEntries) {
    if (used.has(entry) || !checked.has(entry.revision)) continue;
    store.add(
      makeFinding('unused-allow', {
        revision: entry.revision,
        file: config.allowFile ?? '',
        line: entry.line,
        statement: '',
        message: `The allow-file entry for ${entry.rule} on ${entry.revision} ("${entry.reason}") matched no finding.`
      })
    );
  }

  const all = store.kept;
  const active = all.filter((finding) => !finding.allowed);
  const allowed = all.filter((finding) => finding.allowed);
  for (const unit of units) {
    unit.counts = { error: 0, warning: 0, notice: 0, allowed: 0 };
    for (const finding of all) {
      if (finding.revision !== unit.revision) continue;
      if (finding.allowed) unit.counts.allowed++;
      else unit.counts[finding.severity]++;
    }
    for (const entry of overflow) {
      if (entry.revision !== unit.revision) continue;
      if (entry.allowed) unit.counts.allowed += entry.count;
      else unit.counts[entry.severity] += entry.count;
    }
  }
  const counts = { error: 0, warning: 0, notice: 0, allowed: allowed.length };
  const rules: Record<string, number> = {};
  for (const finding of active) {
    counts[finding.severity]++;
    rules[finding.rule] = (rules[finding.rule] ?? 0) + 1;
  }
  const activeOverflow = overflow.filter((entry) => !entry.allowed);
  for (const entry of overflow) {
    if (entry.allowed) counts.allowed += entry.count;
    else {
      counts[entry.severity] += entry.count;
      rules[entry.rule] = (rules[entry.rule] ?? 0) + entry.count;
    }
  }
  const verdict = decideMigrateVerdict([...active, ...activeOverflow], config.failOn);
  const report: MigrateReport = {
    schema: 'migrate-dry-run/v1',
    verdict,
    headline: headline(verdict, counts, units, config.mode, roundtrip),
    mode: config.mode,
    pgVersion: config.pgVersion,
    pgVersionFrom,
    failOn: config.failOn,
    ...(range ? { range } : {}),
    destructive:
      active.some((finding) => finding.destructive) || activeOverflow.some((entry) => entry.destructive),
    counts,
    rules,
    units,
    findings: sortMigrateFindings(active).slice(0, MIGRATE_REPORT_FINDINGS_LIMIT),
    allowed: allowed.slice(0, MIGRATE_REPORT_FINDINGS_LIMIT),
    findingsTruncated: active.length > MIGRATE_REPORT_FINDINGS_LIMIT || overflow.length > 0,
    roundtrip,
    sqlFile: deps.sqlFile.path,
    ...(tools ? { tools } : {}),
    durationMs: Math.round(deps.clock.now() - started)
  };
  return { report, findings: sortMigrateFindings(active), sql };
}

interface Collectors {
  store: FindingStore;
  units: MigrateUnitReport[];
  sql: Record<string, string>;
  writer: SqlFileWriter;
}

async function checkRevisions(
  config: MigrateDryRunConfig & { pgVersion: number },
  deps: MigrateDryRunDeps,
  alembic: AlembicClient,
  plan: RevisionPlan,
  out: Collectors
): Promise<void> {
  const step = (info: RevisionInfo) => ({ revision: info.revision, start: info.parents[0] ?? 'base' });
  const steps = await guard(config, () => alembic.offline([...plan.history, ...plan.revisions].map(step)));
  const byRevision = new Map(steps.map((result) => [result.revision, result]));
  const parser = await deps.loadParser();
  const analyzer = new SqlAnalyzer({
    pgVersion: config.pgVersion,
    include: config.include,
    parser,
    maxFindingsPerUnit: UNIT_FINDINGS_LIMIT
  });

  // Earlier revisions only teach the catalog what exists (a table from 0001 is not new in 0005).
  for (const info of plan.history) {
    const result = byRevision.get(info.revision);
    if (!result?.ok) continue;
    await analyzeRevisionSql(analyzer, parser, buildRevisionSql(result.chunks), { report: false });
  }

  for (const info of plan.revisions) {
    const result = byRevision.get(info.revision);
    const file = relativePath(config.repositoryRoot, info.path);
    const unit: MigrateUnitReport = {
      revision: info.revision,
      file,
      ...(info.doc ? { doc: info.doc } : {}),
      status: 'checked',
      statements: 0,
      counts: { error: 0, warning: 0, notice: 0, allowed: 0 },
      truncated: false
    };
    out.units.push(unit);
    const command = `alembic upgrade ${step(info).start}:${info.revision} --sql`;
    if (!result || !result.ok) {
      const error = result?.error;
      const bindLine = error?.getBindLines[0];
      const reason = error
        ? `${bindLine !== undefined ? `it calls op.get_bind() (line ${bindLine}) and ` : ''}it fails offline with ${error.type}: ${error.message}`
        : 'alembic produced nothing for it';
      const line = error?.line ?? bindLine ?? info.upgradeLine ?? 1;
      unit.status = 'online-only';
      unit.onlineOnly = { reason, line };
      const start = out.writer.line + 1;
      await out.writer.write(
        `\n-- ==== revision ${info.revision} (${file}): ONLINE-ONLY, no offline SQL\n-- ${command}: ${oneLine(reason)}\n`
      );
      unit.sqlLines = [start, out.writer.line];
      out.store.add(
        makeFinding('online-only-revision', {
          revision: info.revision,
          file,
          line,
          statement: '',
          message: `Revision ${info.revision} cannot produce its SQL offline, so none of its statements were checked: ${reason}.`
        })
      );
      deps.logger.warning(`${neutralise(info.revision)}: online-only (${oneLine(reason)})`);
      continue;
    }
    const revisionSql = buildRevisionSql(result.chunks);
    await out.writer.write(
      `\n-- ==== revision ${info.revision}${info.doc ? `: ${oneLine(info.doc)}` : ''} (${file})\n-- ${command}\n`
    );
    const firstLine = out.writer.line + 1;
    await out.writer.write(revisionSql.text);
    unit.sqlLines = [firstLine, out.writer.line];
    out.sql[info.revision] = excerpt(revisionSql.text);
    const analysis = await analyzeRevisionSql(analyzer, parser, revisionSql);
    unit.statements = analysis.statements;
    unit.truncated = analysis.truncated;
    for (const finding of analysis.findings) {
      const origin = originRangeAt(revisionSql, finding.statementOffset);
      out.store.add(
        fromSqlFinding(finding, {
          revision: info.revision,
          file,
          line: origin?.line ?? info.upgradeLine ?? 1,
          sqlLine: firstLine + finding.line - 1
        })
      );
    }
    countBeyondDetail(out.store, info.revision, analysis);
    deps.logger.info(
      `${neutralise(info.revision)}: ${analysis.statements} statement${analysis.statements === 1 ? '' : 's'}, ${analysis.findings.length} finding${analysis.findings.length === 1 ? '' : 's'}`
    );
  }
}

async function checkSqlFiles(
  config: MigrateDryRunConfig & { pgVersion: number },
  deps: MigrateDryRunDeps,
  out: Collectors
): Promise<void> {
  const parser = await deps.loadParser();
  const analyzer = new SqlAnalyzer({
    pgVersion: config.pgVersion,
    include: config.include,
    parser,
    maxFindingsPerUnit: UNIT_FINDINGS_LIMIT
  });
  for (const absolute of config.sqlFiles) {
    const revision = relativePath(config.workingDirectory, absolute);
    const file = relativePath(config.repositoryRoot, absolute);
    await out.writer.write(`\n-- ==== file ${file}\n`);
    const firstLine = out.writer.line + 1;
    let head = '';
    const writer = out.writer;
    // Tee: the file goes to the sql-file as the analysis reads it, a chunk at a time.
    async function* tee(): AsyncGenerator<Uint8Array> {
      let endsWithNewline = true;
      for await (const chunk of deps.readFile(absolute)) {
        const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
        if (head.length < MIGRATE_SQL_EXCERPT_LIMIT)
          head += text.slice(0, MIGRATE_SQL_EXCERPT_LIMIT - head.length);
        await writer.write(text);
        if (chunk.byteLength > 0) endsWithNewline = chunk[chunk.byteLength - 1] === 0x0a;
        yield chunk;
      }
      if (!endsWithNewline) await writer.write('\n');
    }
    const analysis = await analyzer.analyzeUnit({ statements: readSqlStatements(tee(), parser) });
    out.sql[revision] =
      head.length >= MIGRATE_SQL_EXCERPT_LIMIT
        ? `${head}\n-- … (cut here; the whole file is in sql-file)`
        : head;
    out.units.push({
      revision,
      file,
      status: 'checked',
      statements: analysis.statements,
      counts: { error: 0, warning: 0, notice: 0, allowed: 0 },
      truncated: analysis.truncated,
      sqlLines: [firstLine, out.writer.line]
    });
    for (const finding of analysis.findings) {
      out.store.add(
        fromSqlFinding(finding, {
          revision,
          file,
          line: finding.line,
          column: finding.column,
          sqlLine: firstLine + finding.line - 1
        })
      );
    }
    countBeyondDetail(out.store, revision, analysis);
    deps.logger.info(
      `${neutralise(revision)}: ${analysis.statements} statements, ${analysis.findings.length} findings`
    );
  }
}

async function rehearse(
  config: MigrateDryRunConfig,
  deps: MigrateDryRunDeps,
  alembic: AlembicClient,
  plan: RevisionPlan,
  store: FindingStore
): Promise<RoundTrip> {
  if (plan.revisions.length === 0) {
    return skippedRoundTrip(`No revision after ${plan.from}: nothing to rehearse.`);
  }
  deps.logger.info(
    `Rehearsing on the scratch database: upgrade, downgrade step by step, upgrade again (lock_timeout ${config.lockTimeoutMs} ms, statement_timeout ${config.statementTimeoutMs} ms).`
  );
  let result;
  try {
    result = await guard(config, () =>
      alembic.rehearse(config.databaseUrl!, {
        from: plan.from,
        plan: plan.revisions,
        ...(config.seedSql !== undefined ? { seed: config.seedSql } : {}),
        lockTimeoutMs: config.lockTimeoutMs,
        statementTimeoutMs: config.statementTimeoutMs,
        timeoutMs: rehearsalTimeLimit(config.statementTimeoutMs, plan.revisions.length)
      })
    );
  } catch (error) {
    if (!(error instanceof AlembicDriverError)) throw error;
    // The driver itself failed (killed at the time limit, crashed): the rehearsal proves nothing.
    const last = plan.revisions[plan.revisions.length - 1]!;
    const reason = `The rehearsal did not finish: ${errorMessage(error)}`;
    store.add(
      rehearsalFinding(
        config,
        { rule: 'roundtrip-step-failed', revision: last.revision, lineOf: 'upgrade', message: `${reason}.` },
        new Map([[last.revision, last]])
      )
    );
    return { ...skippedRoundTrip(reason), status: 'failed' };
  }
  const assessment = assessRehearsal(result, plan.revisions, plan.from);
  const infos = new Map([...plan.history, ...plan.revisions].map((info) => [info.revision, info]));
  for (const draft of assessment.findings) store.add(rehearsalFinding(config, draft, infos));
  deps.logger.info(`Round trip: ${assessment.roundtrip.status}. ${assessment.roundtrip.reason}`);
  return assessment.roundtrip;
}

/**
 * A bound for the whole rehearsal: every step (3 per revision, plus preparing and seeding) may use
 * its statement_timeout, plus a minute for Python and the snapshots; at most 6 hours.
 */
export function rehearsalTimeLimit(statementTimeoutMs: number, revisions: number): number {
  return Math.min(6 * 3_600_000, statementTimeoutMs * (3 * revisions + 2) + 60_000);
}

function rehearsalFinding(
  config: MigrateDryRunConfig,
  draft: RehearsalFindingDraft,
  infos: Map<string, RevisionInfo>
): MigrateFinding {
  const info = infos.get(draft.revision);
  const line = draft.line ?? (draft.lineOf === 'downgrade' ? info?.downgradeLine : info?.upgradeLine) ?? 1;
  return makeFinding(draft.rule, {
    revision: draft.revision,
    file: info
      ? relativePath(config.repositoryRoot, info.path)
      : relativePath(config.repositoryRoot, path.resolve(config.workingDirectory, config.alembicConfig)),
    line,
    statement: '',
    message: draft.message
  });
}

/** The findings a unit only counted (beyond its detail limit) go into the store as counts. */
function countBeyondDetail(store: FindingStore, revision: string, analysis: SqlUnitAnalysis): void {
  if (!analysis.truncated) return;
  const detailed = new Map<string, number>();
  for (const finding of analysis.findings) detailed.set(finding.rule, (detailed.get(finding.rule) ?? 0) + 1);
  for (const [rule, count] of Object.entries(analysis.counts)) {
    const extra = count - (detailed.get(rule) ?? 0);
    if (extra > 0) store.count(revision, rule, extra);
  }
}

function fromSqlFinding(
  finding: SqlFinding,
  where: { revision: string; file: string; line: number; column?: number; sqlLine: number }
): MigrateFinding {
  return {
    rule: finding.rule,
    severity: finding.severity,
    revision: where.revision,
    file: where.file,
    line: where.line,
    statement: finding.statement,
    message: finding.message,
    fix: finding.fix,
    category: finding.category,
    destructive: isDestructiveCategory(finding.category),
    ...(where.column !== undefined ? { column: where.column } : {}),
    sqlLine: where.sqlLine
  };
}

function makeFinding(
  rule: string,
  where: { revision: string; file: string; line: number; statement: string; message: string }
): MigrateFinding {
  const info = migrationRule(rule);
  return {
    rule,
    severity: info.severity,
    revision: where.revision,
    file: where.file,
    line: where.line,
    statement: where.statement,
    message: where.message,
    fix: info.fix,
    category: info.category,
    destructive: isDestructiveCategory(info.category)
  };
}

/** `error`: fail on any error; `warning`: on any error or warning; `never`: report only. */
export function decideMigrateVerdict(
  active: readonly Pick<MigrateFinding, 'severity'>[],
  failOn: MigrateFailOn
): 'pass' | 'fail' {
  if (failOn === 'never') return 'pass';
  const failing = failOn === 'error' ? ['error'] : ['error', 'warning'];
  return active.some((finding) => failing.includes(finding.severity)) ? 'fail' : 'pass';
}

const SEVERITY_ORDER = { error: 0, warning: 1, notice: 2 } as const;

/** Errors first, then warnings, then notices; within a level in the order they were found. */
export function sortMigrateFindings(findings: readonly MigrateFinding[]): MigrateFinding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort(
      (a, b) => SEVERITY_ORDER[a.finding.severity] - SEVERITY_ORDER[b.finding.severity] || a.index - b.index
    )
    .map((entry) => entry.finding);
}

function headline(
  verdict: 'pass' | 'fail',
  counts: MigrateReport['counts'],
  units: MigrateUnitReport[],
  mode: 'alembic' | 'sql-files',
  roundtrip: RoundTrip
): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const what = mode === 'alembic' ? plural(units.length, 'revision') : plural(units.length, 'file');
  const found =
    counts.error + counts.warning + counts.notice === 0
      ? 'no findings'
      : [
          plural(counts.error, 'error'),
          plural(counts.warning, 'warning'),
          plural(counts.notice, 'notice')
        ].join(', ');
  return `${verdict === 'pass' ? 'passed' : 'failed'}: ${found} in ${what}${counts.allowed ? ` (${counts.allowed} allowed)` : ''}; round trip ${roundtrip.status}`;
}

/**
 * Runs a driver call and turns the failures a user can fix into ConfigurationErrors naming the
 * input to blame, before anything has been run against the database.
 */
async function guard<T>(config: MigrateDryRunConfig, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toConfigurationError(config, error) ?? error;
  }
}

function toConfigurationError(config: MigrateDryRunConfig, error: unknown): ConfigurationError | undefined {
  const problem = (input: string, shownValue: string, expected: string) =>
    new ConfigurationError(`${input}: ${expected}`, [{ input, shownValue, expected }]);
  const shown = (value: string | undefined) => (value === undefined ? 'nothing' : JSON.stringify(value));
  if (error instanceof PythonNotRunnable) {
    return problem(
      'python',
      shown(config.python),
      `a Python interpreter that can be started (${error.message})`
    );
  }
  if (!(error instanceof AlembicDriverError)) return undefined;
  switch (error.kind) {
    // The first call only asks for versions: an interpreter that ends without answering it is
    // not one with alembic (`python: /bin/false`), whatever it printed.
    case 'no-result':
      if (error.details.command !== 'probe') return undefined;
      return problem(
        'python',
        shown(config.python),
        `an interpreter with alembic installed: it ${error.details.exitCode === null ? 'was stopped' : `exited with status ${String(error.details.exitCode)}`} when asked for alembic's version`
      );
    case 'no-alembic':
      return problem(
        'python',
        shown(config.python),
        `an interpreter with alembic installed (${error.message})`
      );
    case 'driver':
      return problem(
        'python',
        shown(config.python),
        `an interpreter with a PostgreSQL driver such as psycopg2 (${error.message})`
      );
    case 'config':
      return problem(
        'alembic-config',
        shown(config.alembicConfig),
        `an alembic config file in working-directory (${error.message})`
      );
    case 'unknown-revision':
    case 'multiple-heads': {
      const which = error.details.which === 'from' ? 'from-revision' : 'to-revision';
      const value = which === 'from-revision' ? config.fromRevision : config.toRevision;
      return problem(which, shown(value ?? 'base'), `a revision of this alembic project (${error.message})`);
    }
    case 'unreachable':
      return problem(
        'database-url',
        '***',
        `a PostgreSQL database that accepts connections (${error.message}); nothing was run against it`
      );
    case 'foreign-database':
      return problem(
        'database-url',
        '***',
        `the database env.py migrates (${error.message}); nothing was run against it`
      );
    default:
      return undefined;
  }
}

function formatServerVersion(number: number): string {
  const major = Math.floor(number / 10_000);
  return major >= 10
    ? `${major}.${number % 10_000}`
    : `${Math.floor(number / 10_000)}.${Math.floor(number / 100) % 100}`;
}

/** `a/b/c.py` relative to root, with forward slashes (GitHub annotation paths). */
function relativePath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

const excerpt = (text: string) =>
  text.length > MIGRATE_SQL_EXCERPT_LIMIT
    ? `${text.slice(0, MIGRATE_SQL_EXCERPT_LIMIT)}\n-- … (cut here; the whole text is in sql-file)`
    : text;

/** Writes the sql-file and counts its lines, so findings can point into it. */
class SqlFileWriter {
  line = 0;
  private open = true;
  constructor(private readonly sink: SqlFileSink) {}

  async write(text: string): Promise<void> {
    if (!this.open) return;
    this.line += countLineBreaks(text);
    await this.sink.write(text);
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.sink.close();
  }
}
