// @deploy-actions/core/summary: Markdown helpers and the summary renderers kept in this folder.
export {
  bar,
  cell,
  code,
  codeBlock,
  details,
  escapeHtml,
  ms,
  raw,
  Raw,
  sparkline,
  table
} from './markdown.ts';
export { renderHealthGateSummary } from './health-gate.ts';
export { renderRollbackSummary, type RollbackSummaryInput } from './rollback.ts';
export { type DeployRecordSummaryInput, renderDeployRecordSummary } from './deploy-record.ts';
