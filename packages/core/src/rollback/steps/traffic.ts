/** Step 1, traffic first: whatever else fails, users go back to the stable track. */
import { createTrafficRouter } from '../../providers/traffic/factory.ts';
import type { RollbackStep } from './rollback-run.ts';

export const trafficStep: RollbackStep = {
  name: 'traffic',
  warningOnly: false,
  skipReason: ({ config }) => (config.router ? undefined : 'no router given'),
  async run({ config, deps }) {
    const router =
      deps.router ?? createTrafficRouter(config.router!, { exec: deps.exec, logger: deps.logger });
    await router.setWeight(0);
    const verified = await router.verifyWeight(0);
    if (verified === false) throw new Error(`${router.target}: canary weight is not 0 after setting it`);
    return {
      detail: `${router.target}: canary weight 0${verified ? ', verified' : ' (the router cannot verify)'}`
    };
  },
  whenFailed: 'Traffic is NOT confirmed on stable: set the canary weight to 0 by hand now.'
};
