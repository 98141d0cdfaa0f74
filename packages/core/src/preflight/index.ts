// Re-exports of this folder: the preflight checks, the scanner parsers, the report and summary.
export * from './types.ts';
export * from './scanners/index.ts';
export * from './vuln-ignore.ts';
export * from './security.ts';
export * from './ci.ts';
export * from './github-checks.ts';
export * from './secrets.ts';
export * from './window-check.ts';
export * from './run-preflight.ts';
export * from './summary.ts';
export * from './report-files.ts';
