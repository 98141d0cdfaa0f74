/**
 * The incident issue a rollback opens: title, body, labels and assignees, the owners mentioned,
 * the dashboards for its time range, the post-incident review and the marker preflight reads. Pure.
 */
import { shorten } from '../text.ts';
import { rolledBackMarker, type RolledBackMarker } from './incident-marker.ts';
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
  /** Whether the commits' authors are assigned (incident-assign codeowners or authors). */
  assignAuthors: boolean;
  /** Teams and people (`@org/team`, `@login`) owning the changed files, mentioned in the issue. */
  owners: string[];
  /** Why no owners are mentioned, when they were asked for and could not be found. */
  ownersNote?: string;
  /** The post-incident review's due date (YYYY-MM-DD); none without a review. */
  reviewDue?: string;
  /** The rolled-back commit and environment, written as a marker preflight reads. */
  marker?: RolledBackMarker;
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
  if (event.dashboardUrl) lines.push(`| dashboards | ${event.dashboardUrl} |`);
  lines.push('');
  if (context.owners.length > 0) {
    lines.push(`**Owners of the changed files:** ${context.owners.join(' ')}`);
    lines.push('');
  } else if (context.ownersNote) {
    lines.push(`**Owners of the changed files:** unknown (${oneLine(context.ownersNote)})`);
    lines.push('');
  }
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
  if (context.reviewDue) {
    lines.push(`### Post-incident review (due ${context.reviewDue})`);
    lines.push('- [ ] Timeline confirmed: when it started, was detected, rolled back and recovered.');
    lines.push('- [ ] Root cause found in the commits above.');
    lines.push('- [ ] Fix merged (forward or revert), with a test that would have caught it.');
    lines.push('- [ ] Follow-ups filed: detection, alerting, runbook.');
    lines.push(`- [ ] Review held by ${context.reviewDue}; close this issue after it.`);
  } else {
    lines.push('### Next');
    lines.push('- [ ] Find the cause in the commits above; keep this issue for the timeline.');
    lines.push('- [ ] Fix forward or revert, then deploy again through the pipeline.');
  }
  if (context.marker) {
    lines.push('');
    lines.push(
      `While this issue is open, preflight-validate's \`incidents\` check refuses to deploy \`${context.marker.sha.slice(0, 12)}\` to ${context.marker.environment} again.`
    );
    lines.push(rolledBackMarker(context.marker));
  }
  const assignees = context.assignAuthors
    ? [...new Set(context.commits.map((c) => c.author).filter((a): a is string => Boolean(a)))].slice(
        0,
        MAX_ASSIGNEES
      )
    : [];
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
