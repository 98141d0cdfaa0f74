import type { DowngradeReport } from './downgrade.ts';
import type { RollbackReport } from './run-rollback.ts';
import type { RecoveryReport } from './recovery.ts';
import type { CheckOutcome, RollbackVerification } from './verification.ts';
import { formatDuration } from '../inputs/duration.ts';
import { bar, cell, codeBlock, details, escapeHtml, sparkline, table } from '../summary/markdown.ts';

/** What the rollback summary reads of the rollback report (tests give just that). */
export type RollbackSummarySource = Pick<
  RollbackReport,
  | 'environment'
  | 'succeeded'
  | 'verdict'
  | 'from'
  | 'target'
  | 'reason'
  | 'triggeredBy'
  | 'durationMs'
  | 'healthy'
  | 'incidentUrl'
  | 'verification'
  | 'steps'
  | 'downgrade'
  | 'recovery'
  | 'nextSteps'
>;

const STEP_ICON = { done: '✅', failed: '❌', skipped: '⏭' } as const;

/** The rollback job summary: verdict, versions, every step with its time, what to do next. */
export function renderRollbackSummary(input: RollbackSummarySource): string {
  const parts: string[] = [];
  parts.push(
    `## ${input.succeeded ? '⏪' : '🚨'} rollback of ${cell(input.environment)}: ${input.succeeded ? 'done' : 'FAILED'}`
  );
  parts.push(`> ${cell(input.verdict)}`);
  parts.push(
    table(
      ['from', 'to', 'why', 'triggered by', 'took', 'health after', 'incident'],
      [
        [
          input.from?.version,
          `${input.target?.version ?? 'unknown'}${input.target?.sha ? ` (${input.target.sha.slice(0, 7)})` : ''}`,
          input.reason,
          input.triggeredBy,
          formatDuration(input.durationMs),
          input.healthy === undefined ? 'not checked' : input.healthy ? '✅ healthy' : '❌ unhealthy',
          input.incidentUrl
        ]
      ]
    )
  );
  parts.push(renderVerification(input.verification));
  const longest = Math.max(1, ...input.steps.map((s) => s.durationMs));
  parts.push('### Steps');
  parts.push(
    table(
      ['step', 'result', 'started', 'took', '', 'detail'],
      input.steps.map((s) => [
        s.name,
        `${STEP_ICON[s.status]} ${s.status}${s.status === 'failed' && s.warningOnly ? ' (warning)' : ''}`,
        `+${formatDuration(s.startedMs)}`,
        formatDuration(s.durationMs),
        bar(s.durationMs, longest, 12),
        s.detail
      ])
    )
  );
  if (input.downgrade) parts.push(renderDowngrade(input.downgrade));
  if (input.recovery) parts.push(renderRecovery(input.recovery));
  if (input.nextSteps.length) {
    parts.push('### What to do next');
    parts.push(input.nextSteps.map((step) => `- ${escapeHtml(step)}`).join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

const DOWNGRADE_DECISION = { ran: '✅ ran', refused: '⛔ refused', failed: '❌ failed' } as const;

/**
 * The database step: where it goes and why, each revision undone, what the analysis found, the
 * backup, the rows of the tables kept, the SQL.
 */
function renderDowngrade(report: DowngradeReport): string {
  const parts = ['### Database downgrade'];
  parts.push(
    table(
      ['from', 'down to', 'revisions', 'statements', 'destructive', 'decision', 'database now'],
      [
        [
          report.from,
          report.to,
          report.revisions.length,
          report.analysed ? report.statements : 'not all analysed',
          report.destructive ? '⚠️ yes' : 'no',
          DOWNGRADE_DECISION[report.decision],
          report.after ? report.after.join(', ') || 'base' : undefined
        ]
      ]
    )
  );
  parts.push(
    `${report.toSource === 'recorded' ? 'Down to' : '⚠️ Down to'} ${cell(report.to)}: ${cell(report.toReason)}.`
  );
  if (report.problem) parts.push(`> ${cell(report.problem)}`);
  if (report.revisions.length > 0) {
    parts.push(
      table(
        ['revision undone', 'leaves', 'statements', 'findings'],
        report.revisions.map((r) => [
          `${r.revision}${r.doc ? ` (${r.doc})` : ''}`,
          r.parents.join(', '),
          r.analysed ? r.statements : `not analysed: ${r.notAnalysedWhy ?? 'unknown'}`,
          report.findings.filter((f) => f.revision === r.revision).length
        ])
      )
    );
  }
  const fileOf = (revision: string) =>
    report.revisions.find((r) => r.revision === revision)?.file ?? revision;
  if (report.findings.length > 0) {
    parts.push(
      table(
        ['rule', 'severity', 'destructive', 'line', 'statement', 'why'],
        report.findings.map((f) => [
          f.rule,
          f.severity,
          f.destructive ? '⚠️ yes' : 'no',
          f.line !== undefined ? `${fileOf(f.revision)}:${f.line}` : fileOf(f.revision),
          f.statement.split('\n')[0]!.slice(0, 100),
          f.message
        ])
      )
    );
  }
  if (report.backup) parts.push(`${report.backup.ok ? '✅' : '❌'} Backup: ${cell(report.backup.detail)}`);
  if (report.rows && report.rows.length > 0) {
    const lost = new Set(report.rowsLost?.map((r) => r.table));
    parts.push(
      table(
        ['table kept', 'rows before', 'rows after', ''],
        report.rows.map((r) => [r.table, r.before, r.after, lost.has(r.table) ? '❌ rows lost' : '✅'])
      )
    );
  }
  for (const r of report.revisions) {
    if (r.sql) parts.push(details(`the downgrade SQL of ${r.revision} (${r.file})`, codeBlock(r.sql, 'sql')));
  }
  return parts.join('\n\n');
}

const OUTCOME_ICON: Record<CheckOutcome, string> = { held: '✅', failed: '❌', 'not checked': '⏭' };

/** What proves the rollback: each check held, failed or not checked. */
function renderVerification(v: RollbackVerification): string {
  const expected = v.expected
    ? ` (${v.expected.version ?? v.expected.sha?.slice(0, 12)}, ${v.expected.source === 'given' ? 'as given' : 'the restored version'})`
    : '';
  return [
    `**${v.verified ? '✅ verified' : '⚠️ not verified'}**`,
    table(
      ['health', 'version', 'smoke', 'recovery'],
      [
        [
          `${OUTCOME_ICON[v.health]} ${v.health}`,
          `${OUTCOME_ICON[v.version]} ${v.version}${expected}`,
          `${OUTCOME_ICON[v.smoke]} ${v.smoke}`,
          `${OUTCOME_ICON[v.recovery]} ${v.recovery}`
        ]
      ]
    )
  ].join('\n\n');
}

const RECOVERY_ICON = { recovered: '✅', above: '❌', 'too-few': '❔', error: '⚠️' } as const;

const BASELINE_SOURCE = {
  history: "canary-step's history",
  measured: 'measured on the stable track',
  unknown: 'unknown'
} as const;

/** The recovery watch: the error rate of each window against the baseline. */
function renderRecovery(report: RecoveryReport): string {
  const rates = report.measurements.map((m) => m.errorRatePercent);
  const highest = Math.max(report.thresholdPercent, ...rates.map((r) => r ?? 0), 0.01);
  const parts = [
    `### Error rate after the rollback ${sparkline(rates)}`,
    `${report.recovered ? '✅' : '❌'} ${cell(report.verdict)}`,
    `Baseline (${BASELINE_SOURCE[report.baseline.source]}): ${cell(report.baseline.detail)}; a window counts as recovered at ≤ ${report.thresholdPercent.toFixed(2)}%.`,
    table(
      ['window end', 'requests', 'error rate', '', 'baseline', 'recovered at', 'result'],
      report.measurements.map((m) => [
        `+${formatDuration(m.atMs)}`,
        m.requests,
        m.errorRatePercent !== undefined ? `${m.errorRatePercent.toFixed(2)}%` : undefined,
        m.errorRatePercent !== undefined ? bar(m.errorRatePercent, highest, 12) : '',
        `${report.baselinePercent.toFixed(2)}%`,
        `≤ ${report.thresholdPercent.toFixed(2)}%`,
        `${RECOVERY_ICON[m.status]} ${m.status === 'too-few' || m.status === 'error' ? m.detail : m.status}`
      ])
    )
  ];
  return parts.join('\n\n');
}
