// The rehearsal's world, as the engine and the scenarios see it (re-exports only).
export {
  standIns,
  selectTrivyReport,
  VULNERABLE_TRIVY_REPORT,
  CHECKOUT_SOURCE_VARIABLE,
  type StandInWithPost
} from './stand-ins.ts';
export { startService } from './services.ts';
export { toolsPath } from './tools.ts';
export { stopAll } from './run-dir.ts';
export {
  startProductionWorld,
  type ProductionWorld,
  type ProductionWorldOptions,
  type VersionBehaviour,
  type WorldCommand
} from './production-world.ts';
