/**
 * Every traffic router, one line each. The `router` input's values, the spec union the post step
 * reads, the input fragment and the factory all derive from this list.
 */
import { commandRouter } from './command.ts';
import { haproxyRouter } from './haproxy.ts';
import { nginxRouter } from './nginx.ts';

export const TRAFFIC_ROUTERS = [nginxRouter, haproxyRouter, commandRouter] as const;

type Routers = typeof TRAFFIC_ROUTERS;

/** A `router` input value: `nginx`, `command`, … */
export type TrafficRouterType = Routers[number]['type'];

/** Each module's property `P`, as a tuple in the registry's order. */
export type EachModule<T extends readonly object[], P extends string> = {
  readonly [K in keyof T]: T[K] extends Record<P, infer V> ? V : never;
};

/** The `router` input's values, in the registry's order. */
export const ROUTER_TYPES = TRAFFIC_ROUTERS.map((router) => router.type) as unknown as EachModule<
  Routers,
  'type'
>;

/** Any registered router's module, with its types erased (for code that handles every router). */
export type AnyTrafficRouterModule = Routers[number];

/** The module of a router type. */
export function trafficRouterModule(type: TrafficRouterType): AnyTrafficRouterModule {
  const found = TRAFFIC_ROUTERS.find((router) => router.type === type);
  // A spec that bypassed the schema (a state file, a caller's cast) gets a message, not a TypeError.
  if (!found) throw new Error(`unknown traffic router ${JSON.stringify(type)}`);
  return found;
}
