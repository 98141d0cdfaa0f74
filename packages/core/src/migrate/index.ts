// Re-exports of migrate-dry-run's core: the alembic client, the analysis run, the rehearsal, reporting.
export * from './types.ts';
export * from './alembic.ts';
export * from './allow.ts';
export * from './offline.ts';
export * from './rehearsal.ts';
export * from './run-migrate-dry-run.ts';
export * from './outputs.ts';
export * from './summary.ts';
export * from './python-transport.ts';
