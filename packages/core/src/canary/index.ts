// Re-exports of the canary analysis.
export {
  addEvidence,
  type AnalysisSettings,
  assessWeight,
  BROKEN_BASELINE_ERROR_PCT,
  type CanaryCheck,
  emptyEvidence,
  evaluateMeasurement,
  INTERVAL_ALPHA,
  type MeasurementEvaluation,
  type MeasurementStatus,
  referenceBaseline,
  type ReferenceBaseline,
  SEQUENTIAL_ALPHA,
  type SequentialLook,
  type TrackEvidence,
  type WeightAssessment,
  type WeightEvidence,
  type WeightStatus
} from './analysis.ts';
export { parseSteps, planLooks, planWeights, STEPS_HINT } from './plan.ts';
export {
  type CanaryHistory,
  canaryHistoryInput,
  canaryHistorySchema,
  extendHistory,
  HISTORY_HINT,
  HISTORY_LIMIT,
  HISTORY_SCHEMA,
  type HistoryEntry,
  parseHistory
} from './history.ts';
export {
  CANARY_HEALTH_CHECK,
  type CanaryHealthCheck,
  type CanaryHealthResult,
  type CanaryHealthSpec,
  createCanaryHealthCheck,
  judgeHealthAnswer,
  withCanaryHealth
} from './health-check.ts';
export {
  type CanaryConfig,
  type CanaryDecision,
  type CanaryDeps,
  type CanaryFailurePolicy,
  type CanaryRun,
  type MeasurementRecord,
  runCanary,
  type TrackSnapshot,
  type TrafficOutcome,
  type WeightRecord
} from './run-canary.ts';
export { buildCanaryReport, canaryHeadline, type CanaryReport, historyEntries } from './report.ts';
export {
  type CanaryPostDeps,
  type CanaryPostPlan,
  type CanaryPostResult,
  CanaryState,
  type CanaryStateStore,
  planPostStep,
  recordWeightChanges,
  runCanaryPost
} from './state.ts';
export { renderCanaryPostSummary, renderCanarySummary } from './summary.ts';
