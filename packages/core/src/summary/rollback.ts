import type { StepRecord } from '../rollback/sequence.ts';
import { formatDuration } from '../inputs/duration.ts';
import { bar, cell, escapeHtml, table } from './markdown.ts';

/** What the rollback summary shows; a subset of the rollback report. */
export interface RollbackSummaryInput {
  environment: string;
  succeeded: boolean;
  verdict: string;
  fromVersion?: string;
  toVersion?: string;
  toSha?: string;
  reason: string;
  triggeredBy: string;
  durationMs: number;
  healthy?: boolean;
  incidentUrl?: string;
  steps: StepRecord[];
  nextSteps: string[];
}

const STEP_ICON = { done: '✅', failed: '❌', skipped: '⏭' } as const;

/** The rollback job summary: verdict, versions, every step with its time, what to do next. */
export function renderRollbackSummary(input: RollbackSummaryInput): string {
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
          input.fromVersion,
          `${input.toVersion ?? 'unknown'}${input.toSha ? ` (${input.toSha.slice(0, 7)})` : ''}`,
          input.reason,
          input.triggeredBy,
          formatDuration(input.durationMs),
          input.healthy === undefined ? 'not checked' : input.healthy ? '✅ healthy' : '❌ unhealthy',
          input.incidentUrl
        ]
      ]
    )
  );
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
  if (input.nextSteps.length) {
    parts.push('### What to do next');
    parts.push(input.nextSteps.map((step) => `- ${escapeHtml(step)}`).join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}
