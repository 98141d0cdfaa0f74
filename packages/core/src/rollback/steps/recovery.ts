/** Step 6, the error rate back at its baseline; pointless to wait for when the service is not healthy. */
import { createMetricProvider } from '../../providers/metrics/factory.ts';
import { watchRecovery } from '../recovery.ts';
import type { RollbackStep } from './rollback-run.ts';

export const recoveryStep: RollbackStep = {
  name: 'recovery',
  warningOnly: false,
  skipReason: ({ config, recorder }) => {
    if (!config.recovery) return 'no recovery-window given';
    if (recorder.failed('health')) return 'health failed: the service is not back, nothing to watch';
    return undefined;
  },
  async run({ config, deps, facts }) {
    const recoveryConfig = config.recovery!;
    const provider =
      deps.metricProvider ??
      createMetricProvider(recoveryConfig.metrics, { http: deps.http, clock: deps.clock });
    const recovery = (facts.recovery = await watchRecovery(recoveryConfig, {
      provider,
      clock: deps.clock,
      logger: deps.logger
    }));
    if (!recovery.recovered) throw new Error(recovery.verdict);
    return { detail: recovery.verdict };
  },
  whenFailed:
    'The error rate did not return to its baseline: the cause may not be the rolled-back change (a dependency, the database, load); page the on-call.'
};
