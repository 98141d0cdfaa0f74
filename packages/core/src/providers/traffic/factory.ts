import type { TrafficRouter, TrafficRouterDeps } from './router.ts';
import { trafficRouterModule } from './registry.ts';
import type { TrafficRouterSpec } from './spec.ts';

export type { TrafficRouterDeps } from './router.ts';

/** Builds the router a spec describes. Usable on its own: rollback uses it to put traffic back on stable. */
export function createTrafficRouter(spec: TrafficRouterSpec, deps: TrafficRouterDeps): TrafficRouter {
  // The registry pairs each type with its own module, so the spec is that module's spec.
  return trafficRouterModule(spec.type).create(spec as never, deps);
}
