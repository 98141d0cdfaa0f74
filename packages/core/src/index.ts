// Public surface of the core library: re-exports only.
export * from './errors.ts';
export * from './clock.ts';
export * from './logger.ts';
export * from './redact.ts';
export * from './inputs/duration.ts';
export * from './inputs/fragments.ts';
export * from './inputs/read-inputs.ts';
export * from './inputs/paths.ts';
export * from './text.ts';
export * from './http/client.ts';
export * from './http/retry.ts';
export * from './stats/percentiles.ts';
export * from './summary/markdown.ts';
export * from './summary/health-gate.ts';
export * from './summary/rollback.ts';
export * from './summary/deploy-record.ts';
export * from './health/responses.ts';
export * from './health/probe.ts';
export * from './health/gate.ts';
export * from './health/smoke.ts';
export * from './health/latency.ts';
export * from './health/report.ts';
export * from './health/run-health-gate.ts';
export * from './health/inputs.ts';
export { startDeadline, PHASE_NAMES, type Deadline, type HealthPhase } from './health/deadline.ts';
export {
  MIN_ANSWERED_PER_WINDOW,
  judgeWatchWindow,
  planWatchWindows,
  type WindowJudgement,
  type WindowVerdict
} from './health/watch-window.ts';
export { watchService, type WatchRun, type WatchSettings } from './health/watch.ts';
export * from './action/runner.ts';
export * from './action/context.ts';
export * from './action/run-action.ts';
export * from './action/termination.ts';
export * from './sql/index.ts';
export * from './migrate/index.ts';
export * from './providers/traffic/index.ts';
export * from './providers/metrics/index.ts';
export * from './canary/index.ts';
export * from './github/index.ts';
export * from './window/index.ts';
export * from './preflight/index.ts';
export * from './rollback/index.ts';
