// Re-exports of the traffic routers (core's
// index.ts re-exports this folder).
export { type TrafficRouter, TrafficRouterError } from './router.ts';
export {
  type CommandRouterSpec,
  commandRouterSpecSchema,
  type NginxRouterSpec,
  nginxRouterSpecSchema,
  type TrafficRouterSpec,
  trafficRouterSpecSchema
} from './spec.ts';
export {
  createNginxRouter,
  definesUpstream,
  type NginxRouterDeps,
  readUpstreamWeight,
  renderUpstream
} from './nginx.ts';
export { commandForWeight, type CommandRouterDeps, createCommandRouter } from './command.ts';
export { createTrafficRouter, type TrafficRouterDeps } from './factory.ts';
export {
  checkTrafficRouterInputs,
  commandLineArgs,
  ROUTER_TYPES,
  serverAddress,
  toTrafficRouterSpec,
  trafficRouterInputs,
  type TrafficRouterInputs,
  upstreamFilePath,
  upstreamName
} from './inputs.ts';
