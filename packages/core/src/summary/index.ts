// @deploy-actions/core/summary: the Markdown helpers every summary renderer uses (each renderer lives
// with its feature).
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
