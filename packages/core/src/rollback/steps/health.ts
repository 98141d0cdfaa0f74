/** Step 5, health with health-gate's logic: even when an earlier step failed, people need to know. */
import { runHealthGate } from '../../health/run-health-gate.ts';
import type { RollbackStep } from './rollback-run.ts';

export const healthStep: RollbackStep = {
  name: 'health',
  warningOnly: false,
  skipReason: ({ config }) =>
    config.health ? undefined : 'no health-url given: the rollback is not verified',
  async run({ config, deps, facts }) {
    const health = (facts.health = await runHealthGate(config.health!, {
      http: deps.http,
      clock: deps.clock,
      logger: deps.logger
    }));
    if (!health.healthy) throw new Error(health.verdict);
    return { detail: health.verdict };
  },
  whenFailed: 'The service is unhealthy after the rollback: page the on-call and check the failing checks.'
};
