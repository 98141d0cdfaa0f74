/**
 * The terminal rendering of a rehearsal: one line per job and per step with its result and
 * time, then each job's step summaries rendered from Markdown (demo/terminal-markdown.ts), then
 * the deployments GitHub recorded and the refusal, if any. Pure: result in, text out.
 */
import { renderMarkdownForTerminal, type TerminalOptions } from '../../demo/terminal-markdown.ts';
import type { Outcome, RehearsalResult } from './types.ts';

const MARK: Record<Outcome, string> = { success: '✔', failure: '✖', cancelled: '⊘', skipped: '○' };

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export function renderRehearsal(result: RehearsalResult, options: TerminalOptions): string {
  const lines: string[] = [`Rehearsal of ${result.workflow} (${result.event}): ${result.conclusion}`, ''];
  for (const job of result.jobs) {
    const name = job.name === job.id.split(' / ').at(-1) ? '' : ` (${job.name})`;
    const extra = [
      job.environment ? `environment ${job.environment}` : '',
      job.continueOnError && job.result === 'failure' ? 'continue-on-error' : '',
      job.error ?? ''
    ].filter(Boolean);
    lines.push(
      `${MARK[job.result]} ${job.id}${name}  ${job.result}  ${seconds(job.durationMs)}${extra.length ? `  [${extra.join('; ')}]` : ''}`
    );
    for (const step of job.steps) {
      const note =
        step.outcome !== step.conclusion ? ' (continue-on-error)' : step.error ? ` (${step.error})` : '';
      lines.push(
        `    ${MARK[step.conclusion]} ${step.name}  ${step.outcome}${note}  ${seconds(step.durationMs)}`
      );
    }
  }
  for (const job of result.jobs.filter((j) => j.summaries.length > 0)) {
    lines.push('', `── Summary of ${job.id} ──`);
    for (const summary of job.summaries) lines.push(renderMarkdownForTerminal(summary, options));
  }
  if (result.deployments.length > 0) {
    lines.push('', 'Deployments recorded on GitHub:');
    for (const d of result.deployments) {
      lines.push(
        `  #${d.id} ${d.environment} ref=${d.ref} sha=${d.sha.slice(0, 7)}: ${d.statuses.map((s) => s.state).join(' → ')}`
      );
    }
  }
  if (result.refusal) lines.push('', `Refused: ${result.refusal}`);
  return `${lines.join('\n')}\n`;
}
