// Re-exports of migrate-dry-run's core: the alembic client, the analysis run, the rehearsal, reporting.
export {
  type DataLoss,
  type MigrateFailOn,
  type MigrateFinding,
  type MigrateReport,
  type MigrateUnitReport,
  type MigrateUnitStatus,
  type RoundTrip,
  type RoundTripStatus,
  type RoundTripStep
} from './types.ts';
export {
  AlembicClient,
  type AlembicClientOptions,
  AlembicDriverError,
  type DatabaseSnapshot,
  type DataSnapshot,
  type DowngradeInspection,
  type DowngradeResult,
  type DriverOutput,
  type DriverTransport,
  type OfflineChunk,
  type OfflineRequest,
  type OfflineStep,
  type PingResult,
  type ProbeResult,
  PythonNotRunnable,
  type RehearsalResult,
  type RehearsalStep,
  type RevisionInfo,
  type RevisionPlan,
  type SchemaSnapshot
} from './alembic.ts';
export {
  type Allowance,
  allowanceFor,
  type AllowEntry,
  type AllowFileResult,
  parseAllowFile
} from './allow.ts';
export {
  analyzeRevisionSql,
  buildRevisionSql,
  countLineBreaks,
  originRangeAt,
  type RevisionSql
} from './offline.ts';
export {
  assessRehearsal,
  diffSchemas,
  findDataLoss,
  type RehearsalAssessment,
  type RehearsalFindingDraft,
  skippedRoundTrip
} from './rehearsal.ts';
export {
  decideMigrateVerdict,
  DEFAULT_PG_VERSION,
  MIGRATE_REPORT_FINDINGS_LIMIT,
  MIGRATE_SQL_EXCERPT_LIMIT,
  type MigrateDryRunConfig,
  type MigrateDryRunDeps,
  type MigrateDryRunResult,
  rehearsalTimeLimit,
  runMigrateDryRun,
  sortMigrateFindings,
  type SqlFileSink
} from './run-migrate-dry-run.ts';
export {
  MIGRATE_ANNOTATION_LIMIT,
  MIGRATE_FINDINGS_OUTPUT_LIMIT,
  type MigrateAnnotation,
  migrateAnnotations,
  migrateFindingsOutput
} from './outputs.ts';
export { renderMigrateSummary } from './summary.ts';
export { PythonDriverTransport, type PythonTransportOptions } from './python-transport.ts';
