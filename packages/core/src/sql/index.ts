// Re-exports of the SQL layer: PostgreSQL's parser, the statement reader and the migration rules.
// The parse-tree helpers and the catalog stay internal to the folder.
export { loadPgParser, type PgParser, SqlScanError, SqlSyntaxError, type SqlToken } from './parser.ts';
export {
  readSqlStatements,
  type ReadSqlStatementsOptions,
  type SqlSourcePosition,
  type SqlStatement
} from './statements.ts';
export {
  isDestructiveCategory,
  isMigrationRuleId,
  MIGRATION_RULES,
  migrationRule,
  type MigrationRuleCategory,
  type MigrationRuleInfo,
  type MigrationSeverity
} from './rules.ts';
export {
  SQL_STATEMENT_TEXT_LIMIT,
  SqlAnalyzer,
  type SqlAnalyzerOptions,
  type SqlFinding,
  type SqlUnitAnalysis,
  type SqlUnitInput
} from './analyzer.ts';
export {
  type CheckContext,
  type LockEffect,
  newUnitState,
  type ReportOptions,
  type StatementOrigin,
  type UnitState
} from './check-context.ts';
