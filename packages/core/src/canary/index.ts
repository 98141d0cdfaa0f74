// Re-exports of the canary analysis, and of the statistics it uses (core's index.ts re-exports
// this folder).
export * from './analysis.ts';
export * from './plan.ts';
export * from './history.ts';
export * from './health-check.ts';
export * from './run-canary.ts';
export * from './report.ts';
export * from './state.ts';
export * from './summary.ts';
export * from '../stats/normal.ts';
export * from '../stats/proportions.ts';
export * from '../stats/mann-whitney.ts';
