/**
 * Step 6, the error rate back at its baseline; pointless to wait for when the service is not
 * healthy. The baseline is taken before any step runs (`before`): from canary-step's history, else
 * measured on the stable track, without holding traffic back.
 */
import { createMetricProvider } from '../../providers/metrics/factory.ts';
import { measureBaseline, watchRecovery } from '../recovery.ts';
import type { RollbackStep } from './rollback-run.ts';

export const recoveryStep: RollbackStep = {
  name: 'recovery',
  warningOnly: false,
  before({ config, deps, facts }) {
    const recovery = config.recovery;
    if (!recovery) return;
    // Async, so that even a metric source that cannot be built never throws before traffic moves.
    const watch = (async () => {
      const provider =
        deps.metricProvider ?? createMetricProvider(recovery.metrics, { http: deps.http, clock: deps.clock });
      const baseline = recovery.historyBaseline ?? (await measureBaseline(provider, recovery, deps.clock));
      return { provider, baseline };
    })();
    // Read by the recovery step; a watch that is skipped must not leave an unhandled rejection.
    watch.catch(() => undefined);
    facts.recoveryWatch = watch;
  },
  skipReason: ({ config, recorder }) => {
    if (!config.recovery) return 'no recovery-window given';
    if (recorder.failed('health')) return 'health failed: the service is not back, nothing to watch';
    return undefined;
  },
  async run({ config, deps, facts }) {
    const { provider, baseline } = await facts.recoveryWatch!;
    const recovery = (facts.recovery = await watchRecovery(
      { ...config.recovery!, baseline },
      { provider, clock: deps.clock, logger: deps.logger }
    ));
    if (!recovery.recovered) throw new Error(recovery.verdict);
    return { detail: recovery.verdict };
  },
  whenFailed:
    'The error rate did not return to its baseline: the cause may not be the rolled-back change (a dependency, the database, load); page the on-call.'
};
