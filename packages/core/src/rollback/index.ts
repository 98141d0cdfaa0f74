// Re-exports of the rollback logic.
export {
  chooseRollbackTarget,
  type DeploymentRecord,
  type DeploymentState,
  type RollbackChoice,
  type RollbackTarget,
  toDeploymentRecord
} from './target.ts';
export { type NotifyFormat, renderNotification, type RollbackEvent } from './notify.ts';
export { type NotificationResult, sendNotification } from './send-notification.ts';
export { draftIncident, type IncidentContext, type IncidentDraft } from './incident.ts';
export {
  type StepName,
  type StepRecord,
  StepRecorder,
  type StepResult,
  type StepStatus
} from './sequence.ts';
export {
  readDeploymentHistory,
  ROLLBACK_GITHUB_BUDGET_MS,
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
  judgeRecoveryWindow,
  type RecoveryConfig,
  type RecoveryMeasurement,
  type RecoveryReport,
  type RecoveryStatus,
  recoveryWindows,
  watchRecovery
} from './recovery.ts';
