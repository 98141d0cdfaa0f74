// @deploy-actions/core/health: health-gate's probes, gate, smoke checks, latency, watch and report.
export {
  type ComponentCheck,
  type ComponentStatus,
  type EndpointAnswer,
  interpretAnswer,
  normalizeStatus,
  type RefusedField
} from './responses.ts';
export {
  assessProbe,
  type CheckResult,
  type EndpointResult,
  observeProbe,
  type ProbeObservation,
  type ProbeOutcome,
  type ProbeTarget,
  type ProbeVerdict,
  shasMatch,
  versionsMatch
} from './probe.ts';
export { advanceGate, type GateSettings, type GateState, type GateStatus, initialGateState } from './gate.ts';
export {
  parseSmokeLine,
  runSmokeChecks,
  SMOKE_HINT,
  type SmokeCheck,
  type SmokeResult,
  statusMatches
} from './smoke.ts';
export { type LatencySample, latencyWithin, sampleLatency } from './latency.ts';
export {
  buildHealthGateReport,
  type FailedCheck,
  type HealthGateReport,
  type TimelineEntry
} from './report.ts';
export {
  type CutShort,
  type GateRun,
  type HealthGateConfig,
  type HealthGateDeps,
  runHealthGate,
  waitForHealthy
} from './run-health-gate.ts';
export {
  commitShaInput,
  type HealthInputDefaults,
  healthInputs,
  type HealthInputValues,
  type Prefixed,
  type PrefixedHealthName,
  smokeChecksInput,
  toHealthCheck,
  versionInput
} from './inputs.ts';
export { type Deadline, type HealthPhase, PHASE_NAMES, startDeadline } from './deadline.ts';
export {
  judgeWatchWindow,
  MIN_ANSWERED_PER_WINDOW,
  planWatchWindows,
  type WindowJudgement,
  type WindowVerdict
} from './watch-window.ts';
export { type WatchRun, watchService, type WatchSettings } from './watch.ts';
export { renderHealthGateSummary } from './summary.ts';
