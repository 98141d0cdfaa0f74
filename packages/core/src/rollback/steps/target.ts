/** Step 2, the target: the given version, or the previous successful deployment. */
import { errorMessage } from '../../errors.ts';
import type { GitHubClient } from '../../github/client.ts';
import {
  chooseRollbackTarget,
  toDeploymentRecord,
  type DeploymentRecord,
  type DeploymentState
} from '../target.ts';
import type { RollbackStep } from './rollback-run.ts';

/** How many recent deployments are read to find the target: enough history, bounded API calls. */
const HISTORY_LIMIT = 30;

/** Reads the environment's recent deployments with their statuses, as chooseRollbackTarget takes them. */
async function readDeploymentHistory(github: GitHubClient, environment: string): Promise<DeploymentRecord[]> {
  const deployments = (await github.listDeployments({ environment })).slice(0, HISTORY_LIMIT);
  return Promise.all(
    deployments.map(async (d) =>
      toDeploymentRecord(
        d,
        (await github.listDeploymentStatuses(d.id)).map((s) => ({
          state: s.state as DeploymentState,
          createdAt: s.createdAt
        }))
      )
    )
  );
}

export const targetStep: RollbackStep = {
  name: 'target',
  warningOnly: false,
  skipReason: () => undefined,
  async run({ config, deps, facts }) {
    let history: DeploymentRecord[] = [];
    let historyProblem: string | undefined;
    if (deps.github) {
      try {
        history = await readDeploymentHistory(deps.github, config.environment);
      } catch (error) {
        if (config.version === undefined) throw error;
        historyProblem = errorMessage(error);
      }
    } else if (config.version === undefined) {
      throw new Error('no github-token: the deployment history cannot be read; give `version`');
    }
    const choice = chooseRollbackTarget(history, config.version);
    facts.current = choice.current;
    if (!choice.target) throw new Error(choice.problem ?? 'no rollback target');
    const target = (facts.target = choice.target);
    return {
      detail: `${target.version}${target.sha ? ` (${target.sha.slice(0, 7)})` : ''}: ${target.reason}${historyProblem ? ` (history unavailable: ${historyProblem})` : ''}`
    };
  },
  whenFailed: 'Run again with `version` set to the last good version.'
};
