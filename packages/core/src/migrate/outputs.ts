/** What migrate-dry-run hands back to the workflow: annotations on the files, and the outputs' values. */
import type { MigrateFinding } from './types.ts';

export interface MigrateAnnotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: { title: string; file?: string; line?: number; col?: number };
}

/** GitHub shows a limited number of annotations per step; the worst come first. */
export const MIGRATE_ANNOTATION_LIMIT = 50;
/** The `findings` output carries at most this many (the report has the counts of all). */
export const MIGRATE_FINDINGS_OUTPUT_LIMIT = 200;

/**
 * One annotation per active finding (errors first), on the revision file and the line of its
 * `op.` call (or the .sql file's line), so it shows in the pull request diff.
 */
export function migrateAnnotations(
  findings: readonly MigrateFinding[],
  limit = MIGRATE_ANNOTATION_LIMIT
): MigrateAnnotation[] {
  return findings.slice(0, limit).map((finding) => ({
    level: finding.severity,
    message: `${finding.message}\nSafe way: ${finding.fix}${finding.statement ? `\nSQL: ${oneLine(finding.statement)}` : ''}`,
    properties: {
      title: `migrate-dry-run: ${finding.rule} (${finding.revision})`,
      ...(finding.file ? { file: finding.file, line: finding.line } : {}),
      ...(finding.file && finding.column !== undefined ? { col: finding.column } : {})
    }
  }));
}

/** The `findings` output: the contract's fields of each active finding, worst first. */
export function migrateFindingsOutput(findings: readonly MigrateFinding[]): string {
  return JSON.stringify(
    findings.slice(0, MIGRATE_FINDINGS_OUTPUT_LIMIT).map((finding) => ({
      rule: finding.rule,
      severity: finding.severity,
      revision: finding.revision,
      file: finding.file,
      line: finding.line,
      statement: finding.statement,
      message: finding.message,
      fix: finding.fix
    }))
  );
}

const oneLine = (text: string) => {
  const flat = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
};
