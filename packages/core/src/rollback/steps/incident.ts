/** Step 8, the incident issue, assigned to the authors of the rolled-back commits. */
import { errorMessage } from '../../errors.ts';
import { draftIncident } from '../incident.ts';
import { notWritten } from './github-writes.ts';
import { rollbackEvent, type RollbackStep } from './rollback-run.ts';

export const incidentStep: RollbackStep = {
  name: 'incident',
  warningOnly: true,
  skipReason: ({ config, deps }) => {
    if (!config.createIncident) return 'create-incident is false';
    return deps.github ? undefined : 'no github-token';
  },
  async run(run) {
    const { recorder, facts, outbound } = run;
    const github = run.deps.github!;
    const { health, recovery, target, current } = facts;
    const symptoms = [
      ...(health?.failedChecks.map((c) => `health check ${c.name}: ${c.error}`) ?? []),
      ...(recovery && !recovery.recovered
        ? recovery.measurements.map((m) => `error rate at +${Math.round(m.atMs / 1000)} s: ${m.detail}`)
        : []),
      ...recorder.steps.filter((s) => s.status === 'failed').map((s) => `${s.name} failed: ${s.detail}`)
    ];
    // The authors of the rolled-back commits are assigned; without them the issue is still opened.
    let commits: { sha: string; message: string; author?: string }[] = [];
    let commitNote = '';
    if (github.listCommitsBetween && target?.sha && current && current.sha !== target.sha) {
      try {
        commits = await github.listCommitsBetween(target.sha, current.sha);
      } catch (error) {
        commitNote = ` (commits unknown: ${errorMessage(error)})`;
      }
    }
    const draft = draftIncident({
      event: rollbackEvent(run),
      symptoms,
      timeline: recorder.steps.map(
        (s) => `${s.name}: ${s.status} after ${(s.durationMs / 1000).toFixed(1)} s (${s.detail})`
      ),
      commits
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
    return {
      detail: `#${issue.number} opened${draft.assignees.length ? `, assigned to ${draft.assignees.map((a) => `@${a}`).join(', ')}` : ''}${commitNote}`
    };
  },
  whenFailed: 'No incident issue was opened: open one by hand with this summary.'
};
