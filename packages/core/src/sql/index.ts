// Re-exports of the SQL layer: PostgreSQL's parser, the statement reader and the migration rules.
// The parse-tree helpers and the catalog stay internal to the folder.
export * from './parser.ts';
export * from './statements.ts';
export * from './rules.ts';
export * from './analyzer.ts';
export type { StatementOrigin } from './check-context.ts';
