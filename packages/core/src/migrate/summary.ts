/**
 * The migrate-dry-run job summary: the verdict and counts first, the round trip, then one table
 * per revision (errors and warnings; notices folded) with the revision's SQL folded below it, and
 * what to do next. A pure function of the report.
 */
import { code, codeBlock, details, raw, table } from '../summary/markdown.ts';
import type { MigrateFinding, MigrateReport, RoundTrip, MigrateUnitReport } from './types.ts';

const ICON = { error: '❌', warning: '⚠️', notice: 'ℹ️' } as const;
const ROWS_PER_UNIT = 25;
/** GitHub keeps at most 1 MiB of summary per step: the folded SQL gets this much of it in all. */
const SQL_BUDGET = 400_000;

export function renderMigrateSummary(
  report: MigrateReport,
  findings: readonly MigrateFinding[],
  sql: Readonly<Record<string, string>>
): string {
  const parts: string[] = [];
  const pass = report.verdict === 'pass';
  parts.push(`## ${pass ? '✅' : '❌'} migrate-dry-run: ${pass ? 'passed' : 'failed'}`);
  const scope =
    report.mode === 'alembic' && report.range
      ? `revisions after ${code(report.range.from)} up to ${code(report.range.to)}`
      : `${report.units.length} SQL file${report.units.length === 1 ? '' : 's'}`;
  parts.push(
    `${capitalize(report.headline)}. Checked ${scope} with PostgreSQL ${report.pgVersion} rules${report.pgVersionFrom === 'database' ? " (the scratch database's version)" : ''}; fails on ${report.failOn === 'never' ? 'nothing (report only)' : `${report.failOn}s${report.failOn === 'warning' ? ' and errors' : ''}`}.`
  );
  if (report.destructive) {
    parts.push(
      '> [!CAUTION]\n> This migration **destroys data or breaks the version still running** during the deploy (see the ❌ rows).'
    );
  }
  parts.push(
    table(
      ['', 'errors', 'warnings', 'notices', 'allowed', 'round trip'],
      [
        [
          'total',
          report.counts.error,
          report.counts.warning,
          report.counts.notice,
          report.counts.allowed,
          raw(roundTripBadge(report.roundtrip))
        ]
      ]
    )
  );
  parts.push(renderRoundTrip(report.roundtrip));
  parts.push(`### ${report.mode === 'alembic' ? 'Revisions' : 'Files'}`);
  let budget = SQL_BUDGET;
  for (const unit of report.units) {
    const text = sql[unit.revision];
    const fits = text !== undefined && text.length <= budget;
    if (fits) budget -= text.length;
    const own = findings.filter((finding) => finding.revision === unit.revision);
    parts.push(renderUnit(unit, own, fits ? text : undefined, text !== undefined && !fits));
  }
  if (report.allowed.length > 0) {
    parts.push(
      details(
        `Allowed (${report.counts.allowed})`,
        table(
          ['revision', 'rule', 'line', 'reason'],
          report.allowed.map((finding) => [
            raw(code(finding.revision)),
            raw(code(finding.rule)),
            finding.line,
            finding.allowed?.reason
          ])
        )
      )
    );
  }
  parts.push(renderNextSteps(report, findings));
  parts.push(
    `<sub>Offline SQL: ${code(report.sqlFile)} · report schema ${code(report.schema)} · ${(report.durationMs / 1000).toFixed(1)} s${report.tools ? ` · alembic ${report.tools.alembic}, Python ${report.tools.python}` : ''}</sub>`
  );
  return `${parts.join('\n\n')}\n`;
}

function roundTripBadge(roundtrip: RoundTrip): string {
  return roundtrip.status === 'passed'
    ? '✅ passed'
    : roundtrip.status === 'failed'
      ? '❌ failed'
      : '⏭️ skipped';
}

function renderRoundTrip(roundtrip: RoundTrip): string {
  const lines = [`### Round trip: ${roundTripBadge(roundtrip)}`, roundtrip.reason];
  if (roundtrip.status === 'skipped') return lines.join('\n\n');
  const facts = [
    roundtrip.database
      ? `scratch database ${code(roundtrip.database.name)} (PostgreSQL ${roundtrip.database.serverVersion})`
      : undefined,
    `${roundtrip.rows} row${roundtrip.rows === 1 ? '' : 's'} in ${roundtrip.tables} table${roundtrip.tables === 1 ? '' : 's'} before the upgrade`,
    roundtrip.settings
      ? `lock_timeout ${code(roundtrip.settings.lockTimeout)}, statement_timeout ${code(roundtrip.settings.statementTimeout)}`
      : undefined
  ].filter(Boolean);
  lines.push(facts.join(' · '));
  if (roundtrip.dataLoss.length > 0) {
    lines.push(
      table(
        ['table', 'column', 'before', 'after', 'revision', 'what happened'],
        roundtrip.dataLoss.map((loss) => [
          raw(code(loss.table)),
          loss.column ? raw(code(loss.column)) : '–',
          loss.before,
          loss.after,
          loss.revision ? raw(code(loss.revision)) : '–',
          loss.detail
        ])
      )
    );
  }
  if (roundtrip.schemaDiff.length > 0) {
    lines.push(
      `Schema after upgrading again, against the first upgrade:\n${roundtrip.schemaDiff.map((diff) => `- ${diff}`).join('\n')}`
    );
  }
  if (roundtrip.downgradeSchemaDiff.length > 0) {
    lines.push(
      details(
        `The downgrade did not restore the schema exactly (${roundtrip.downgradeSchemaDiff.length})`,
        roundtrip.downgradeSchemaDiff.map((diff) => `- ${diff}`).join('\n')
      )
    );
  }
  if (roundtrip.steps.length > 0) {
    lines.push(
      details(
        `Steps (${roundtrip.steps.length})`,
        table(
          ['step', 'result', 'time'],
          roundtrip.steps.map((step) => [
            step.name,
            step.ok ? '✅' : `❌ ${step.error ?? ''}`,
            `${step.ms} ms`
          ])
        )
      )
    );
  }
  return lines.join('\n\n');
}

function renderUnit(
  unit: MigrateUnitReport,
  findings: MigrateFinding[],
  sql: string | undefined,
  sqlLeftOut: boolean
): string {
  const status =
    unit.status === 'online-only'
      ? '❌ online-only'
      : unit.counts.error > 0
        ? `❌ ${count(unit.counts.error, 'error')}`
        : unit.counts.warning > 0
          ? `⚠️ ${count(unit.counts.warning, 'warning')}`
          : '✅ clean';
  const extra = [
    unit.counts.error > 0 && unit.counts.warning > 0 ? count(unit.counts.warning, 'warning') : undefined,
    unit.counts.notice > 0 ? count(unit.counts.notice, 'notice') : undefined,
    unit.counts.allowed > 0 ? `${unit.counts.allowed} allowed` : undefined
  ].filter(Boolean);
  const lines = [
    `#### ${code(unit.revision)}${unit.doc ? ` ${unit.doc}` : ''} · ${status}${extra.length ? ` (${extra.join(', ')})` : ''}`,
    `${code(unit.file)} · ${count(unit.statements, 'statement')}${unit.sqlLines ? ` · sql-file lines ${unit.sqlLines[0]}–${unit.sqlLines[1]}` : ''}`
  ];
  if (unit.onlineOnly) lines.push(`Not checked: ${unit.onlineOnly.reason}.`);
  const serious = findings.filter((finding) => finding.severity !== 'notice');
  if (serious.length > 0) {
    lines.push(findingTable(serious.slice(0, ROWS_PER_UNIT)));
    if (serious.length > ROWS_PER_UNIT)
      lines.push(`… and ${serious.length - ROWS_PER_UNIT} more in the report.`);
  }
  const notices = findings.filter((finding) => finding.severity === 'notice');
  if (notices.length > 0) {
    lines.push(details(`Notices (${notices.length})`, findingTable(notices.slice(0, ROWS_PER_UNIT))));
  }
  if (sql !== undefined && sql.trim() !== '')
    lines.push(details(`SQL of ${unit.revision}`, codeBlock(sql.trimEnd(), 'sql')));
  if (sqlLeftOut) lines.push('Its SQL is left out of this summary for length; it is in sql-file.');
  if (unit.truncated) lines.push('Findings beyond 2,000 in this unit were counted but not listed.');
  return lines.join('\n\n');
}

function findingTable(findings: MigrateFinding[]): string {
  return table(
    ['', 'rule', 'line', 'finding', 'safe way'],
    findings.map((finding) => [
      ICON[finding.severity],
      raw(code(finding.rule)),
      finding.line,
      finding.message,
      finding.fix
    ])
  );
}

function renderNextSteps(report: MigrateReport, findings: readonly MigrateFinding[]): string {
  const steps: string[] = [];
  const errors = findings.filter((finding) => finding.severity === 'error');
  if (errors.some((finding) => finding.destructive)) {
    steps.push(
      'Split destructive or breaking changes with **expand and contract**: ship the code that no longer needs the old column or table first, and drop or rename in a later release.'
    );
  }
  if (report.units.some((unit) => unit.status === 'online-only')) {
    steps.push(
      'Review each online-only revision by hand, then allow it with a reason in `allow-file` (`rule: online-only-revision`).'
    );
  }
  if (report.roundtrip.dataLoss.length > 0) {
    steps.push('Make the named downgrades copy the data back before they drop what the upgrade added.');
  }
  // Skipped for want of a database, not for want of revisions: nothing to rehearse needs no advice.
  if (report.roundtrip.status === 'skipped' && report.mode === 'alembic' && report.units.length > 0) {
    steps.push(
      'Give `database-url` (a scratch PostgreSQL) and `seed-sql` to prove the downgrade keeps the data.'
    );
  }
  if (findings.some((finding) => finding.rule === 'require-lock-timeout')) {
    steps.push(
      'Set a `lock_timeout` at the top of each revision (`op.execute("SET lock_timeout = \'5s\'")`) so a blocked lock fails fast instead of queueing traffic.'
    );
  }
  if (errors.length > 0 || findings.some((finding) => finding.severity === 'warning')) {
    steps.push(
      'A finding you have reviewed and accept goes into `allow-file` as `{revision, rule, reason}`; the reason shows in the report.'
    );
  }
  if (steps.length === 0) steps.push('Nothing: the migration is safe to deploy as checked.');
  return `### What to do next\n${steps.map((step) => `- ${step}`).join('\n')}`;
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
