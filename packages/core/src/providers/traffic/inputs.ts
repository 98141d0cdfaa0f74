/**
 * The router inputs as zod fragments, shared by every action that moves traffic (canary-step, and
 * rollback to put traffic back on stable), so the input names and rules are the same everywhere.
 * Each router's own inputs come from its module (registry.ts). Spread `trafficRouterInputs` into
 * an action's schema, call `checkTrafficRouterInputs` from its superRefine, then
 * `toTrafficRouterSpec` on the parsed values.
 */
import type { z } from 'zod';
import { duration, oneOf } from '../../inputs/fragments.ts';
import { ROUTER_TYPES, TRAFFIC_ROUTERS, trafficRouterModule, type TrafficRouterType } from './registry.ts';
import type { TrafficRouterSpec } from './spec.ts';

export { commandLineArgs } from './fragments.ts';

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** Every router's own inputs, by their action.yml names. */
const routerOwnInputs = Object.assign(
  {},
  ...TRAFFIC_ROUTERS.map((router) => router.inputs)
) as UnionToIntersection<(typeof TRAFFIC_ROUTERS)[number]['inputs']>;

/** The router inputs, by their action.yml names. `router` is required here; rollback makes it optional. */
export const trafficRouterInputs = {
  router: oneOf(ROUTER_TYPES),
  ...routerOwnInputs,
  'command-timeout': duration({ min: 1000, max: 600_000 }).prefault('60s')
};

/** The parsed router inputs (router optional, for actions where moving traffic is optional). */
export type TrafficRouterInputs = Omit<z.output<z.ZodObject<typeof trafficRouterInputs>>, 'router'> & {
  router?: TrafficRouterType | undefined;
};

/**
 * The rules between router inputs, for an action schema's superRefine: the chosen router's own
 * rules (its module's checkInputs). Each problem names its input.
 */
export function checkTrafficRouterInputs(values: TrafficRouterInputs, ctx: z.RefinementCtx): void {
  if (values.router === undefined) return;
  const router = values.router;
  const own = values as Record<string, unknown>;
  trafficRouterModule(router).checkInputs(values as never, {
    need(input, what) {
      if (own[input] === undefined)
        ctx.addIssue({
          code: 'custom',
          path: [input],
          message: `${what} (required when router is ${router})`
        });
    },
    problem(input, message) {
      ctx.addIssue({ code: 'custom', path: [input], message });
    }
  });
}

/** The router spec of validated inputs (after checkTrafficRouterInputs); undefined without a router. */
export function toTrafficRouterSpec(values: TrafficRouterInputs): TrafficRouterSpec | undefined {
  if (values.router === undefined) return undefined;
  return trafficRouterModule(values.router).toSpec(values as never);
}
