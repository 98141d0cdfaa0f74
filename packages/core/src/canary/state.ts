/**
 * Main-to-post state of canary-step. Main records the router, every weight change and the
 * router's programs running as it happens (the runner keeps state written before a process is
 * killed); the post step, which runs even when the job is cancelled or main crashed, stops any
 * router program main left running (it could apply its weight after the reset), then puts
 * traffic back on stable when main did not finish while traffic was split. Keys live in one
 * constant, read and written through a store. State is never shown, so it is saved unredacted:
 * a secret-looking word inside the router spec must not rewrite the command the reset runs.
 */
import { z } from 'zod';
import { errorMessage } from '../errors.ts';
import type { ProcessGroup } from '../exec/exec.ts';
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
  finished: 'finished',
  /** The process groups of the router's programs running now, JSON `[{id, leaderStartedAt?}]`. */
  commands: 'commands'
} as const;

const processGroupsSchema = z.array(
  z.object({ id: z.number().int().positive(), leaderStartedAt: z.string().optional() })
);

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

export interface CanaryPostDeps {
  createRouter: (spec: TrafficRouterSpec) => TrafficRouter;
  /** Stops process groups main left running (stopProcessGroups). */
  stopCommands: (groups: ProcessGroup[]) => Promise<{ stopped: number[]; survivors: number[] }>;
  logger: Logger;
}

/**
 * The post step: stop the router programs main left running, plan from the state, then reset
 * through a router built from the saved spec and confirm the weight as far as the router can.
 */
export async function runCanaryPost(
  get: (name: string) => string,
  deps: CanaryPostDeps
): Promise<CanaryPostResult> {
  const leftovers = readProcessGroups(get(CanaryState.commands));
  if (leftovers === undefined) {
    return {
      action: 'reset',
      ok: false,
      reason: 'the saved state of the router commands cannot be read',
      outcome: 'the weight was not reset: a router command main started may still be running'
    };
  }
  if (leftovers.length > 0) {
    const { stopped, survivors } = await deps.stopCommands(leftovers);
    if (stopped.length > 0) {
      deps.logger.info(
        `Stopped the router command main left running (process group ${stopped.join(', ')}), so it cannot set its weight after the reset.`
      );
    }
    if (survivors.length > 0) {
      return {
        action: 'reset',
        ok: false,
        reason: `a router command main started is still running (process group ${survivors.join(', ')}) and could not be stopped`,
        outcome: 'the weight was not reset: the command could set its weight after the reset'
      };
    }
  }
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
      outcome:
        verified === true
          ? 'canary weight reset to 0 and read back: all traffic is on the stable version'
          : 'canary weight reset to 0: the command succeeded (the router cannot read the weight back)'
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

/** The process groups saved under CanaryState.commands; none when nothing was saved, undefined when unreadable. */
function readProcessGroups(json: string): ProcessGroup[] | undefined {
  if (json === '') return [];
  try {
    return processGroupsSchema
      .parse(JSON.parse(json))
      .map((group) =>
        group.leaderStartedAt === undefined
          ? { id: group.id }
          : { id: group.id, leaderStartedAt: group.leaderStartedAt }
      );
  } catch {
    return undefined;
  }
}
