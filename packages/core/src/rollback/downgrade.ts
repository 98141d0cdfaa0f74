/**
 * rollback's database step: `alembic downgrade` of the database's current head to its parent (what
 * `alembic downgrade -1` does), after analysing that downgrade's SQL with migrate-dry-run's rules.
 * A downgrade that loses data or breaks the version still running is refused unless the user
 * allows it; a downgrade whose SQL cannot be produced offline is refused the same way, because
 * nobody has seen what it runs. The analysed revision range is the one that runs: the driver
 * refuses when the database moved in between.
 */
import type { Logger } from '../logger.ts';
import type { AlembicClient, OfflineStep, RevisionInfo } from '../migrate/alembic.ts';
import { analyzeRevisionSql, buildRevisionSql, originRangeAt } from '../migrate/offline.ts';
import { SqlAnalyzer } from '../sql/analyzer.ts';
import type { PgParser } from '../sql/parser.ts';
import { isDestructiveCategory, type MigrationRuleCategory, type MigrationSeverity } from '../sql/rules.ts';

export interface DowngradeConfig {
  databaseUrl: string;
  allowDestructive: boolean;
  /** Set on the downgrade's connections, so a blocked lock or a long rewrite fails instead of waiting. */
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

export interface DowngradeDeps {
  alembic: AlembicClient;
  loadParser: () => Promise<PgParser>;
  logger: Logger;
}

export interface DowngradeFinding {
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

/** What the downgrade step saw and did; part of the rollback report. */
export interface DowngradeReport {
  /** The revision the database was at, and the one it goes down to (`base` for the first). */
  from: string;
  to: string;
  /** The revision file's name. */
  file: string;
  doc?: string;
  /** Statements in the downgrade's offline SQL, and its start (at most DOWNGRADE_SQL_EXCERPT characters). */
  statements: number;
  sql: string;
  /** False when alembic could not produce the SQL offline (e.g. the revision reads the database). */
  analysed: boolean;
  notAnalysedWhy?: string;
  findings: DowngradeFinding[];
  destructive: boolean;
  decision: 'ran' | 'refused' | 'failed';
  /** Why it was refused or failed. */
  problem?: string;
  /** The database's revisions after the step. */
  after?: string[];
  durationMs?: number;
}

export const DOWNGRADE_SQL_EXCERPT = 4_000;

/** Whether the analysed downgrade may run, and why not: pure. */
export function judgeDowngrade(
  analysis: Pick<DowngradeReport, 'from' | 'to' | 'analysed' | 'notAnalysedWhy' | 'findings'>,
  allowDestructive: boolean
): { run: boolean; destructive: boolean; problem?: string } {
  const destructive = analysis.findings.filter((f) => f.destructive);
  const why = analysis.analysed
    ? destructive.map((f) => `${f.rule} (${f.statement.split('\n')[0]!.slice(0, 80)})`)
    : [`its SQL cannot be produced offline, so it was not checked (${analysis.notAnalysedWhy ?? 'unknown'})`];
  if (why.length === 0) return { run: true, destructive: false };
  if (allowDestructive) return { run: true, destructive: true };
  return {
    run: false,
    destructive: true,
    problem: `refused: downgrading ${analysis.from} to ${analysis.to} is destructive: ${why.join('; ')}. Set allow-destructive-downgrade: true to run it anyway`
  };
}

/** Analyses, judges and (when allowed) runs the downgrade. Throws when it cannot even start. */
export async function downgradeDatabase(
  config: DowngradeConfig,
  deps: DowngradeDeps
): Promise<DowngradeReport> {
  const { alembic, logger } = deps;
  const inspection = await alembic.inspectDowngrade(config.databaseUrl);
  const { ping, heads, plan, offline } = inspection;
  if (heads.length === 0) throw new Error('the database is at base: there is no revision to downgrade');
  if (heads.length > 1)
    throw new Error(
      `the database is at ${heads.length} heads (${heads.join(', ')}): downgrade by hand, naming one`
    );
  const from = heads[0]!;
  const head = plan?.revisions.at(-1);
  if (!head || head.revision !== from)
    throw new Error(`alembic does not know the database's revision ${from}`);
  if (head.parents.length > 1 || !offline)
    throw new Error(
      `${from} is a merge of ${head.parents.join(' and ')}: downgrade by hand, naming the branch`
    );
  const to = head.parents[0] ?? 'base';

  const analysis = await analyseDowngrade(head, offline, Math.floor(ping.serverVersionNum / 10_000), deps);
  const report: DowngradeReport = { from, to, ...analysis, destructive: false, decision: 'refused' };
  const verdict = judgeDowngrade(report, config.allowDestructive);
  report.destructive = verdict.destructive;
  if (!verdict.run) {
    report.problem = verdict.problem!;
    report.after = heads;
    return report;
  }
  if (verdict.destructive)
    logger.warning(`Downgrading ${from} to ${to} is destructive; allow-destructive-downgrade is true`);

  logger.info(`alembic downgrade ${from} -> ${to} on ${ping.database}`);
  const result = await alembic.downgrade(config.databaseUrl, {
    from,
    to,
    lockTimeoutMs: config.lockTimeoutMs,
    statementTimeoutMs: config.statementTimeoutMs,
    // Every statement may use its statement_timeout, plus a minute for Python and env.py.
    timeoutMs: Math.min(6 * 3_600_000, config.statementTimeoutMs * Math.max(1, report.statements) + 60_000)
  });
  report.after = result.after;
  report.durationMs = result.ms;
  if (result.error !== null) {
    report.decision = 'failed';
    report.problem = `alembic downgrade failed: ${result.error}; the database is at ${result.after.join(', ') || 'base'}`;
  } else report.decision = 'ran';
  return report;
}

/**
 * The downgrade's offline SQL (the last of `results`), analysed after the upgrades up to the head
 * taught the analyser the schema (so dropping a column made by an earlier revision is known to lose
 * its data).
 */
async function analyseDowngrade(
  head: RevisionInfo,
  results: OfflineStep[],
  pgVersion: number,
  deps: DowngradeDeps
): Promise<
  Pick<DowngradeReport, 'file' | 'doc' | 'statements' | 'sql' | 'analysed' | 'notAnalysedWhy' | 'findings'>
> {
  const downgrade = results.at(-1);
  const file = head.path.split(/[\\/]/).at(-1) ?? head.path;
  const base = { file, ...(head.doc ? { doc: head.doc } : {}) };
  if (!downgrade?.ok) {
    const error = downgrade?.error;
    return {
      ...base,
      statements: 0,
      sql: '',
      analysed: false,
      notAnalysedWhy: error ? `${error.type}: ${error.message}` : 'alembic produced no SQL for it',
      findings: []
    };
  }
  const parser = await deps.loadParser();
  const analyzer = new SqlAnalyzer({ pgVersion, parser });
  for (const result of results.slice(0, -1)) {
    if (!result.ok) continue;
    await analyzeRevisionSql(analyzer, parser, buildRevisionSql(result.chunks), { report: false });
  }
  const revisionSql = buildRevisionSql(downgrade.chunks);
  const analysis = await analyzeRevisionSql(analyzer, parser, revisionSql);
  const findings = analysis.findings.map((finding): DowngradeFinding => {
    const line = originRangeAt(revisionSql, finding.statementOffset)?.line ?? head.downgradeLine ?? undefined;
    return {
      rule: finding.rule,
      severity: finding.severity,
      category: finding.category,
      destructive: isDestructiveCategory(finding.category),
      message: finding.message,
      fix: finding.fix,
      statement: finding.statement,
      ...(line !== undefined ? { line } : {})
    };
  });
  deps.logger.info(
    `downgrade of ${head.revision}: ${analysis.statements} statement(s), ${findings.length} finding(s), ${findings.filter((f) => f.destructive).length} destructive`
  );
  return {
    ...base,
    statements: analysis.statements,
    sql: revisionSql.text.slice(0, DOWNGRADE_SQL_EXCERPT),
    analysed: true,
    findings
  };
}
