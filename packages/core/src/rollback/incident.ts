/**
 * The incident issue a rollback opens: title, body, labels and assignees. Pure.
 */
import { shorten } from '../text.ts';
import type { RollbackEvent } from './notify.ts';

export interface IncidentDraft {
  title: string;
  body: string;
  labels: string[];
  assignees: string[];
}

export interface IncidentContext {
  event: RollbackEvent;
  /** What the rollback saw failing: checks, metrics, step problems. */
  symptoms: string[];
  /** Steps of the rollback with their outcome and time, as `name: status (detail)`. */
  timeline: string[];
  /** Commits between the restored and the rolled-back version, with their GitHub authors. */
  commits: { sha: string; message: string; author?: string }[];
}

/** At most this many assignees: GitHub accepts ten, and a crowd is nobody's. */
const MAX_ASSIGNEES = 5;

export function draftIncident(context: IncidentContext): IncidentDraft {
  const { event } = context;
  const lines: string[] = [];
  lines.push(
    `## ${event.outcome === 'rolled-back' ? 'Rolled back' : 'Rollback failed'}: ${event.environment}`
  );
  lines.push('');
  lines.push('| | |');
  lines.push('| --- | --- |');
  lines.push(`| from | ${event.fromVersion ?? 'unknown'} |`);
  lines.push(
    `| to | ${event.toVersion ?? 'unknown'}${event.toSha ? ` (\`${event.toSha.slice(0, 12)}\`)` : ''} |`
  );
  lines.push(`| reason | ${oneLine(event.reason)} |`);
  lines.push(`| triggered by | @${event.triggeredBy} |`);
  lines.push(`| started | ${event.startedAt} |`);
  lines.push(`| rollback took | ${event.durationSeconds.toFixed(1)} s |`);
  lines.push(
    `| health after | ${event.healthy === undefined ? 'not checked' : event.healthy ? 'healthy' : '**unhealthy**'} |`
  );
  if (event.runUrl) lines.push(`| workflow run | ${event.runUrl} |`);
  lines.push('');
  lines.push('### Symptoms');
  lines.push(
    context.symptoms.length
      ? context.symptoms.map((s) => `- ${oneLine(s)}`).join('\n')
      : '- none recorded by the rollback'
  );
  lines.push('');
  lines.push('### Rollback steps');
  lines.push(context.timeline.map((t) => `- ${oneLine(t)}`).join('\n'));
  if (context.commits.length) {
    lines.push('');
    lines.push('### Commits in the rolled-back version');
    for (const commit of context.commits.slice(0, 50)) {
      lines.push(
        `- \`${commit.sha.slice(0, 7)}\` ${oneLine(commit.message.split('\n')[0] ?? '')}${commit.author ? ` (@${commit.author})` : ''}`
      );
    }
    if (context.commits.length > 50) lines.push(`- … and ${context.commits.length - 50} more`);
  }
  lines.push('');
  lines.push('### Next');
  lines.push('- [ ] Find the cause in the commits above; keep this issue for the timeline.');
  lines.push('- [ ] Fix forward or revert, then deploy again through the pipeline.');
  const assignees = [
    ...new Set(context.commits.map((c) => c.author).filter((a): a is string => Boolean(a)))
  ].slice(0, MAX_ASSIGNEES);
  return {
    title: `Rollback of ${event.environment}: ${event.fromVersion ?? 'current'} → ${event.toVersion ?? 'unknown'} (${shorten(oneLine(event.reason), 80)})`,
    body: lines.join('\n'),
    labels: ['incident', 'rollback'],
    assignees
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
