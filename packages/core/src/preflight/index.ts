// Re-exports of this folder: the preflight checks, the scanner parsers, the report and summary.
export {
  countNoun,
  isProductionLike,
  PREFLIGHT_API_CHECKS,
  PREFLIGHT_CHECK_IDS,
  type PreflightCheckId,
  type PreflightCheckResult,
  type PreflightCheckStatus,
  type PreflightLink
} from './types.ts';
export {
  countBySeverity,
  normalizeSeverity,
  type ParsedScanReport,
  parseNpmAuditReport,
  parsePipAuditReport,
  parseScannerReport,
  parseTrivyReport,
  ReportFormatError,
  type ScanFinding,
  type ScannerTool,
  SEVERITY_THRESHOLDS,
  type SeverityCounts,
  type SeverityThreshold,
  VULN_SEVERITIES,
  type VulnSeverity
} from './scanners/index.ts';
export { IGNORE_ENTRY_HINT, type IgnoreEntry, isIgnoreExpired, parseIgnoreFile } from './vuln-ignore.ts';
export {
  assessSecurity,
  describeSeverityCounts,
  type FindingVerdict,
  type JudgedFinding,
  type LoadedReport,
  type LoadedReports,
  loadScannerReports,
  type ReportFileAccess,
  type ReportSource,
  type SecurityAssessmentInput,
  type SecurityDetails,
  severityFails
} from './security.ts';
export {
  assessCiSnapshot,
  checkCi,
  type CiConfig,
  type CiDeps,
  type CiDetails,
  type CiEntry,
  type CiEntryState,
  type CiSnapshot,
  latestStatuses,
  nameGlob,
  type OwnRun,
  ownRunReason
} from './ci.ts';
export {
  checkIncidents,
  checkReviewers,
  checkStagingVerified,
  checkUpToDate,
  type IncidentDetails,
  type IncidentEntry,
  type ReviewerDetails,
  type StagingDetails,
  type UpToDateDetails
} from './github-checks.ts';
export {
  assessSecrets,
  checkSecrets,
  formatAge,
  type SecretEntry,
  type SecretsCheckOptions,
  type SecretScope,
  type SecretsDetails
} from './secrets.ts';
export { checkWindow, formatWait, type WindowDetails } from './window-check.ts';
export {
  type PreflightConfig,
  type PreflightDeps,
  type PreflightReport,
  runPreflight,
  selectChecks
} from './run-preflight.ts';
export { renderPreflightSummary } from './summary.ts';
export { createReportFileAccess } from './report-files.ts';
