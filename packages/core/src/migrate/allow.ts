/**
 * Silencing findings: `allow` (rule ids, everywhere) and `allow-file` (a YAML list of
 * `{revision, rule, reason}`, for one revision). An allowed finding stays in the report with its
 * reason; it no longer counts for `fail-on` or `destructive`.
 */
import { LineCounter, parseDocument, isMap, isSeq } from 'yaml';
import { isMigrationRuleId } from '../sql/rules.ts';

export interface AllowEntry {
  revision: string;
  rule: string;
  reason: string;
  /** 1-based line of the entry in the allow file. */
  line: number;
}

export interface AllowFileResult {
  entries: AllowEntry[];
  /** What is wrong with the file, one problem a line; empty when it is fine. */
  problems: string[];
}

/** Parses and checks an allow file. Every problem is collected, so one run reports them all. */
export function parseAllowFile(text: string): AllowFileResult {
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    const line = counter.linePos(error.pos[0]).line;
    return { entries: [], problems: [`line ${line}: not valid YAML (${error.message.split('\n')[0]})`] };
  }
  const root = document.contents;
  if (root === null) return { entries: [], problems: [] };
  if (!isSeq(root)) {
    return { entries: [], problems: ['expected a YAML list of {revision, rule, reason} entries'] };
  }
  const entries: AllowEntry[] = [];
  const problems: string[] = [];
  root.items.forEach((item, index) => {
    const line =
      item && typeof item === 'object' && 'range' in item && item.range
        ? counter.linePos(item.range[0]).line
        : 0;
    const where = `entry ${index + 1} (line ${line})`;
    if (!isMap(item)) {
      problems.push(`${where}: expected {revision, rule, reason}`);
      return;
    }
    const value = item.toJSON() as Record<string, unknown>;
    const unknownKeys = Object.keys(value).filter((key) => !['revision', 'rule', 'reason'].includes(key));
    const field = (name: string): string | undefined => {
      const raw = value[name];
      if (typeof raw === 'string' && raw.trim() !== '') return raw.trim();
      if (typeof raw === 'number') {
        problems.push(`${where}: ${name} ${raw} is a number; quote it ("${raw}") so leading zeros are kept`);
      } else {
        problems.push(`${where}: ${name} is missing or empty`);
      }
      return undefined;
    };
    const revision = field('revision');
    const rule = field('rule');
    const reason = field('reason');
    if (unknownKeys.length > 0) problems.push(`${where}: unknown key ${unknownKeys.join(', ')}`);
    if (rule !== undefined && !isMigrationRuleId(rule))
      problems.push(`${where}: ${rule} is not a rule id (see docs/migrate-rules.md)`);
    if (revision !== undefined && rule !== undefined && reason !== undefined && isMigrationRuleId(rule)) {
      entries.push({ revision, rule, reason, line });
    }
  });
  return { entries, problems };
}

/** Why a finding is allowed. */
export interface Allowance {
  reason: string;
  by: 'allow' | 'allow-file';
}

/** What allowing decides for one finding; `entry` is the allow-file entry that matched. */
export function allowanceFor(
  finding: { rule: string; revision: string },
  allow: ReadonlySet<string>,
  entries: readonly AllowEntry[]
): { allowance?: Allowance; entry?: AllowEntry } {
  const entry = entries.find(
    (candidate) => candidate.rule === finding.rule && candidate.revision === finding.revision
  );
  if (entry) return { allowance: { reason: entry.reason, by: 'allow-file' }, entry };
  if (allow.has(finding.rule))
    return { allowance: { reason: `rule ${finding.rule} is in the allow input`, by: 'allow' } };
  return {};
}
