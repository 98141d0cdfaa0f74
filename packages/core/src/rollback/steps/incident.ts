/**
 * Step 8, the incident issue: what happened, who owns it (CODEOWNERS teams of the changed files
 * mentioned, the authors assigned), dashboards for its time range, the post-incident review with
 * its due date, and the marker that keeps preflight from deploying the rolled-back commit again.
 */
import { errorMessage } from '../../errors.ts';
import type { ComparedChanges, GitHubClient } from '../../github/client.ts';
import { CODEOWNERS_PATHS, ownersOf, parseCodeowners } from '../codeowners.ts';
import { draftIncident } from '../incident.ts';
import { notWritten } from './github-writes.ts';
import { rollbackEvent, type RollbackRun, type RollbackStep } from './rollback-run.ts';

/** The rolled-back change and its owners; what could not be read is said, never fatal. */
interface Ownership {
  changes: ComparedChanges;
  owners: string[];
  notes: string[];
}

async function findOwnership(github: GitHubClient, run: RollbackRun): Promise<Ownership> {
  const { target, current } = run.facts;
  const ownership: Ownership = { changes: { commits: [], files: [] }, owners: [], notes: [] };
  if (!github.compareChanges || !target?.sha || !current || current.sha === target.sha) return ownership;
  try {
    ownership.changes = await github.compareChanges(target.sha, current.sha);
  } catch (error) {
    ownership.notes.push(`commits unknown: ${errorMessage(error)}`);
    return ownership;
  }
  if (run.config.incidentAssign !== 'codeowners' || !github.getFileText) return ownership;
  try {
    // The rolled-back commit's CODEOWNERS: who owned those files when they changed.
    let text: string | undefined;
    for (const path of CODEOWNERS_PATHS) {
      text = await github.getFileText(path, current.sha);
      if (text !== undefined) break;
    }
    if (text === undefined) ownership.notes.push('no CODEOWNERS file');
    else ownership.owners = ownersOf(parseCodeowners(text), ownership.changes.files);
  } catch (error) {
    ownership.notes.push(`CODEOWNERS unreadable: ${errorMessage(error)}`);
  }
  return ownership;
}

export const incidentStep: RollbackStep = {
  name: 'incident',
  warningOnly: true,
  skipReason: ({ config, deps }) => {
    if (!config.createIncident) return 'create-incident is false';
    return deps.github ? undefined : 'no github-token';
  },
  async run(run) {
    const { config, recorder, facts, outbound } = run;
    const github = run.deps.github!;
    const { health, recovery, target, current } = facts;
    const symptoms = [
      ...(health?.failedChecks.map((c) => `health check ${c.name}: ${c.error}`) ?? []),
      ...(recovery && !recovery.recovered
        ? recovery.measurements.map((m) => `error rate at +${Math.round(m.atMs / 1000)} s: ${m.detail}`)
        : []),
      ...recorder.steps.filter((s) => s.status === 'failed').map((s) => `${s.name} failed: ${s.detail}`)
    ];
    const ownership = await findOwnership(github, run);
    const reviewDue =
      config.reviewDueMs > 0
        ? new Date(run.startedAt.getTime() + config.reviewDueMs).toISOString().slice(0, 10)
        : undefined;
    const draft = draftIncident({
      event: rollbackEvent(run),
      symptoms,
      timeline: recorder.steps.map(
        (s) => `${s.name}: ${s.status} after ${(s.durationMs / 1000).toFixed(1)} s (${s.detail})`
      ),
      commits: ownership.changes.commits,
      assignAuthors: config.incidentAssign !== 'none',
      owners: ownership.owners,
      ...(ownership.notes.length && config.incidentAssign === 'codeowners'
        ? { ownersNote: ownership.notes.join('; ') }
        : {}),
      ...(reviewDue ? { reviewDue } : {}),
      ...(current && current.sha !== target?.sha
        ? { marker: { sha: current.sha, environment: config.environment } }
        : {})
    });
    const issue = await github
      .createIssue({
        title: outbound(draft.title),
        body: outbound(draft.body),
        labels: draft.labels,
        ...(draft.assignees.length ? { assignees: draft.assignees } : {})
      })
      .catch((error: unknown) => {
        throw notWritten([], ['the incident issue'], error);
      });
    facts.incidentUrl = issue.htmlUrl;
    const said = [
      `#${issue.number} opened`,
      draft.assignees.length ? `assigned to ${draft.assignees.map((a) => `@${a}`).join(', ')}` : '',
      ownership.owners.length ? `owners ${ownership.owners.join(' ')} mentioned` : '',
      reviewDue ? `review due ${reviewDue}` : ''
    ];
    const notes = ownership.notes.length ? ` (${ownership.notes.join('; ')})` : '';
    return { detail: `${said.filter(Boolean).join(', ')}${notes}` };
  },
  whenFailed: 'No incident issue was opened: open one by hand with this summary.'
};
