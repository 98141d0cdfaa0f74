// The rehearsal engine's public surface (re-exports only).
export { rehearse } from './rehearse.ts';
export { renderRehearsal } from './render.ts';
export { RehearsalError } from './errors.ts';
export type {
  JobResult,
  Outcome,
  RehearsalEvent,
  RehearsalResult,
  RehearsalWorld,
  RehearseOptions,
  StepResult
} from './types.ts';
export type { RunningService, ServiceSpec, ServiceStarter, StandIn, StepContext } from './stand-in.ts';
