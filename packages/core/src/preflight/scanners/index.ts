// Re-exports of the scanner report parsers.
export * from './finding.ts';
export * from './trivy.ts';
export * from './pip-audit.ts';
export * from './npm-audit.ts';
export * from './parse-report.ts';
