// Re-exports of the rollback logic.
export {
  chooseRollbackTarget,
  type DeploymentRecord,
  type DeploymentState,
  type RollbackChoice,
  type RollbackTarget,
  toDeploymentRecord
} from './target.ts';
export {
  NOTIFY_FORMATS,
  NOTIFY_TARGET_HINT,
  type NotifyFormat,
  type NotifyTarget,
  parseNotifyTarget,
  renderNotification,
  type RollbackEvent
} from './notify.ts';
export { type NotificationResult, sendNotification } from './send-notification.ts';
export { draftIncident, type IncidentContext, type IncidentDraft } from './incident.ts';
export {
  adviseNextSteps,
  type Step,
  type StepName,
  type StepRecord,
  StepRecorder,
  type StepResult,
  type StepStatus
} from './sequence.ts';
export {
  INCIDENT_ASSIGN,
  type IncidentAssign,
  ROLLBACK_GITHUB_BUDGET_MS,
  ROLLBACK_STEPS,
  type RollbackConfig,
  type RollbackDeps,
  type RollbackReport,
  runRollback
} from './run-rollback.ts';
export {
  chooseDowngradeTarget,
  compareRowCounts,
  DOWNGRADE_SQL_EXCERPT,
  type DowngradeConfig,
  downgradeDatabase,
  type DowngradeDeps,
  type DowngradeFinding,
  type DowngradeOptions,
  type DowngradeReport,
  type DowngradeRevision,
  judgeDowngrade,
  type TableRows
} from './downgrade.ts';
export {
  baselineFromHistory,
  judgeRecoveryWindow,
  measureBaseline,
  type RecoveryBaseline,
  type RecoveryConfig,
  type RecoveryMeasurement,
  type RecoveryReport,
  type RecoveryStatus,
  recoveryWindows,
  unknownBaseline,
  watchRecovery
} from './recovery.ts';
export {
  type CheckOutcome,
  type RollbackVerification,
  verifyRollback,
  type VersionExpectation
} from './verification.ts';
export { CODEOWNERS_PATHS, type CodeownersRule, ownersOf, parseCodeowners } from './codeowners.ts';
export {
  DASHBOARD_LOOKBACK_MS,
  DASHBOARD_PLACEHOLDERS,
  DASHBOARD_URL_HINT,
  isDashboardUrlTemplate,
  renderDashboardUrl
} from './dashboard.ts';
export { readRolledBackMarkers, rolledBackMarker, type RolledBackMarker } from './incident-marker.ts';
export { renderRollbackSummary, type RollbackSummarySource } from './summary.ts';
