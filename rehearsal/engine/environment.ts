/**
 * A job with `environment:` deploys the way GitHub Actions records it: a deployment for the run's
 * branch and sha in that environment, `in_progress` when the job starts, `success` or `failure`
 * (with the environment URL) when it ends, and on success every earlier deployment of the
 * environment becomes `inactive`. Written into the GitHub fake's state, as GitHub does it
 * server-side (no API call from the runner).
 */
import type { DeploymentRecord } from '../../action-tests/fakes/github/state.ts';
import type { RunContext } from './run-context.ts';

const ACTIONS_BOT = 'github-actions[bot]';

function runUrl(run: RunContext): string {
  return `${run.github.state.repoHtml}/actions/runs/${String(run.githubContext.run_id)}`;
}

export function startDeployment(run: RunContext, environment: string): DeploymentRecord {
  const state = run.github.state;
  const deployment = state.addDeployment({
    sha: String(run.githubContext.sha),
    ref: String(run.githubContext.ref_name),
    environment,
    task: 'deploy',
    creator: ACTIONS_BOT
  });
  state.addDeploymentStatus(deployment.id, {
    state: 'in_progress',
    logUrl: runUrl(run),
    creator: ACTIONS_BOT
  });
  return deployment;
}

export function finishDeployment(
  run: RunContext,
  deployment: DeploymentRecord,
  succeeded: boolean,
  environmentUrl: string
): void {
  const state = run.github.state;
  state.addDeploymentStatus(deployment.id, {
    state: succeeded ? 'success' : 'failure',
    environmentUrl,
    logUrl: runUrl(run),
    creator: ACTIONS_BOT
  });
  if (succeeded) state.deactivateEarlierDeployments(deployment, { spareProduction: false });
}
