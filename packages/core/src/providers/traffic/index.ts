// Re-exports of the traffic routers (core's
// index.ts re-exports this folder).
export {
  defineTrafficRouter,
  type RouterInputCheck,
  type SharedRouterInputValues,
  type TrafficRouter,
  type TrafficRouterDeps,
  TrafficRouterError,
  type TrafficRouterModule
} from './router.ts';
export {
  type AnyTrafficRouterModule,
  type EachModule,
  ROUTER_TYPES,
  TRAFFIC_ROUTERS,
  trafficRouterModule,
  type TrafficRouterType
} from './registry.ts';
export { type TrafficRouterSpec, trafficRouterSpecSchema } from './spec.ts';
export { commandLineArgs } from './fragments.ts';
export {
  createNginxRouter,
  definesUpstream,
  nginxRouter,
  type NginxRouterSpec,
  nginxRouterSpecSchema,
  readUpstreamWeight,
  renderUpstream,
  serverAddress
} from './nginx.ts';
export {
  commandForWeight,
  commandRouter,
  type CommandRouterSpec,
  commandRouterSpecSchema,
  createCommandRouter
} from './command.ts';
export { createTrafficRouter } from './factory.ts';
export {
  checkTrafficRouterInputs,
  toTrafficRouterSpec,
  trafficRouterInputs,
  type TrafficRouterInputs
} from './inputs.ts';
