/**
 * Main-to-post state of canary-step. Main records the router and every weight change as it
 * happens (the runner keeps state written before a process is killed); the post step, which runs
 * even when the job is cancelled or main crashed, puts traffic back on stable when main did not
 * finish while traffic was split. Keys live in one constant, read and written through a store.
 */
import { errorMessage } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { TrafficRouter } from '../providers/traffic/router.ts';
import { trafficRouterSpecSchema, type TrafficRouterSpec } from '../providers/traffic/spec.ts';

/** The state keys (`STATE_<key>` in the post step). */
export const CanaryState = {
  /** The router spec, JSON: saved before any weight moves. */
  router: 'router',
  /** A weight main is about to set (it may be half-applied if main dies now). */
  requestedWeight: 'requested-weight',
  /** The weight main set last, successfully. */
  weight: 'weight',
  /** `true` once main decided and left traffic where it meant to. */
  finished: 'finished'
} as const;

export interface CanaryStateStore {
  save(name: string, value: string): void;
  get(name: string): string;
}

/** The router, recording each weight change in the state before and after it happens. */
export function recordWeightChanges(
  router: TrafficRouter,
  save: (name: string, value: string) => void
): TrafficRouter {
  const setWeight = async (weight: number) => {
    save(CanaryState.requestedWeight, String(weight));
    await router.setWeight(weight);
    save(CanaryState.weight, String(weight));
  };
  return {
    type: router.type,
    target: router.target,
    ...(router.preflight ? { preflight: () => router.preflight!() } : {}),
    setWeight,
    verifyWeight: (weight) => router.verifyWeight(weight),
    reset: () => setWeight(0)
  };
}

export type CanaryPostPlan =
  | { action: 'nothing'; reason: string }
  | { action: 'reset'; reason: string; spec: TrafficRouterSpec }
  | { action: 'error'; reason: string };

/** What the post step must do, from the state main left. Pure. */
export function planPostStep(get: (name: string) => string): CanaryPostPlan {
  if (get(CanaryState.finished) === 'true') {
    return { action: 'nothing', reason: 'the canary step finished and left traffic where it decided' };
  }
  const routerJson = get(CanaryState.router);
  if (routerJson === '') {
    return { action: 'nothing', reason: 'the canary step stopped before it could move traffic' };
  }
  const requested = get(CanaryState.requestedWeight);
  const applied = get(CanaryState.weight);
  if (requested === '' && applied === '') {
    return { action: 'nothing', reason: 'the canary step stopped before it changed the weight' };
  }
  if (requested === '0' && applied === '0') {
    return { action: 'nothing', reason: 'all traffic was already on the stable version' };
  }
  let spec: TrafficRouterSpec;
  try {
    spec = trafficRouterSpecSchema.parse(JSON.parse(routerJson));
  } catch (error) {
    return {
      action: 'error',
      reason: `the saved router state cannot be read (${errorMessage(error)}): put traffic back on stable by hand`
    };
  }
  const where =
    applied !== '' && requested === applied
      ? `the canary had ${applied}% of traffic`
      : `the canary weight was being changed to ${requested}%${applied !== '' ? ` (from ${applied}%)` : ''}`;
  return {
    action: 'reset',
    reason: `the canary step did not finish (cancelled, timed out or crashed) while ${where}`,
    spec
  };
}

export interface CanaryPostResult {
  action: 'nothing' | 'reset';
  ok: boolean;
  reason: string;
  /** What was done, for the log and the summary. */
  outcome: string;
}

/** The post step: plan from the state, then reset through a router built from the saved spec. */
export async function runCanaryPost(
  get: (name: string) => string,
  deps: { createRouter: (spec: TrafficRouterSpec) => TrafficRouter; logger: Logger }
): Promise<CanaryPostResult> {
  const plan = planPostStep(get);
  if (plan.action === 'nothing') {
    deps.logger.info(`Nothing to reset: ${plan.reason}.`);
    return { action: 'nothing', ok: true, reason: plan.reason, outcome: 'nothing to do' };
  }
  if (plan.action === 'error') {
    return { action: 'reset', ok: false, reason: plan.reason, outcome: 'the weight was not reset' };
  }
  const router = deps.createRouter(plan.spec);
  deps.logger.info(`Resetting the canary weight to 0 through ${router.target}: ${plan.reason}.`);
  try {
    await router.reset();
    const verified = await router.verifyWeight(0).catch(() => false);
    if (verified === false) {
      return {
        action: 'reset',
        ok: false,
        reason: plan.reason,
        outcome: `the reset ran, but ${router.target} does not route 0%`
      };
    }
    return {
      action: 'reset',
      ok: true,
      reason: plan.reason,
      outcome: `canary weight reset to 0: all traffic is on the stable version${verified === undefined ? ' (the router cannot verify it)' : ''}`
    };
  } catch (error) {
    return {
      action: 'reset',
      ok: false,
      reason: plan.reason,
      outcome: `the reset failed: ${errorMessage(error)}`
    };
  }
}
