/** Step 3, the full redeploy of the target by the user's command. */
import { describeExecResult, succeeded } from '../../exec/exec.ts';
import type { RollbackStep } from './rollback-run.ts';

export const redeployStep: RollbackStep = {
  name: 'redeploy',
  warningOnly: false,
  skipReason: ({ config }) => (config.redeploy ? undefined : 'no redeploy-command given'),
  async run({ config, deps, facts }) {
    const redeploy = config.redeploy!;
    const target = facts.target;
    if (!target) throw new Error('no target version, so nothing to redeploy');
    const result = await deps.exec.run(redeploy.argv, {
      env: {
        ROLLBACK_VERSION: target.version,
        ROLLBACK_SHA: target.sha ?? '',
        // What the deploy recorded, exactly: empty when the target has no deploy record.
        ROLLBACK_IMAGES: target.record ? JSON.stringify(target.record.images) : '',
        ROLLBACK_ALEMBIC_HEAD: target.record?.alembic_head ?? '',
        ENVIRONMENT: config.environment
      },
      timeoutMs: redeploy.timeoutMs
    });
    if (!succeeded(result)) throw new Error(describeExecResult(redeploy.argv, result));
    return { detail: `${redeploy.argv[0]} exited 0 in ${(result.durationMs / 1000).toFixed(1)} s` };
  },
  whenFailed: 'The redeploy failed: check its output above and redeploy the target by hand.'
};
