/** Step 7, GitHub deployment statuses: the bad deployment marked, the restored one recorded. */
import { buildDeployRecord } from '../../github/deploy-record.ts';
import type { RollbackTarget } from '../target.ts';
import { writeInOrder, type GitHubWrite } from './github-writes.ts';
import type { RollbackStep } from './rollback-run.ts';

export const deploymentStatusStep: RollbackStep = {
  name: 'deployment-status',
  warningOnly: true,
  skipReason: ({ deps, facts }) => {
    if (!deps.github) return 'no github-token';
    return facts.target ? undefined : 'no target to record';
  },
  async run({ config, deps, facts, recorder, outbound }) {
    const github = deps.github!;
    const restored = facts.target!;
    const current = facts.current;
    const blocking = recorder.blockingFailures();
    const state = blocking.length === 0 ? 'success' : 'failure';
    const logUrl = config.runUrl ? { logUrl: config.runUrl } : {};
    const writes: GitHubWrite[] = [];
    if (current && current.sha !== restored.sha) {
      writes.push({
        what: `the failure status of #${current.id} (${current.version})`,
        write: async () => {
          await github.createDeploymentStatus(current.id, {
            state: 'failure',
            description: outbound(`rolled back: ${config.reason}`).slice(0, 140),
            ...logUrl,
            autoInactive: false
          });
          return `#${current.id} marked failure`;
        }
      });
    }
    writes.push({
      what: `the deployment of ${restored.version} and its ${state} status`,
      write: async () => {
        const deployment = await github.createDeployment({
          ref: restored.sha ?? restored.version,
          environment: config.environment,
          description: outbound(`rollback to ${restored.version}`).slice(0, 140),
          autoMerge: false,
          requiredContexts: [],
          payload: restoredPayload(restored, config.runUrl)
        });
        facts.restoredDeploymentId = deployment.id;
        await github.createDeploymentStatus(deployment.id, {
          state,
          description: outbound(
            state === 'success' ? `restored ${restored.version}` : `rollback failed: ${blocking[0]?.name}`
          ).slice(0, 140),
          ...logUrl
        });
        return `#${deployment.id} created for ${restored.version} (${state})`;
      }
    });
    return { detail: (await writeInOrder(writes)).join('; ') };
  },
  whenFailed:
    'GitHub deployment statuses were not updated: the history may still show the bad version as current.'
};

/**
 * The payload of the rollback's own deployment: a deploy record of what was restored, so that a
 * second rollback finds it like any deploy (marked `rollback: true`, which the record ignores). A
 * target without a full sha cannot be a record: it keeps the version only.
 */
function restoredPayload(target: RollbackTarget, runUrl: string | undefined): Record<string, unknown> {
  if (target.sha === undefined || !/^[0-9a-f]{40}$/i.test(target.sha))
    return { version: target.version, rollback: true };
  return {
    ...buildDeployRecord({
      version: target.version,
      sha: target.sha,
      images: target.record?.images ?? {},
      ...(target.record?.alembic_head ? { alembicHead: target.record.alembic_head } : {}),
      ...(runUrl ? { runUrl } : {})
    }),
    rollback: true
  };
}
