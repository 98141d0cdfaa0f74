/**
 * The `vuln-ignore-file`: a YAML list of `{id, reason, expires}`. Every entry needs a reason a
 * reviewer can judge and an expiry date, so an exception is a decision with an end, not a
 * permanent hole.
 */
import { ReportFormatError } from './scanners/finding.ts';

export interface IgnoreEntry {
  /** Advisory id (CVE-…, GHSA-…, PYSEC-…), an alias, or a secret/misconfiguration rule id. */
  id: string;
  reason: string;
  /** Last day (UTC) on which the entry applies, `YYYY-MM-DD`. */
  expires: string;
  /** 1-based line of the entry in the file, for annotations. */
  line: number;
}

/** What one entry must look like, for error messages. */
export const IGNORE_ENTRY_HINT =
  'a YAML list of entries `- {id: CVE-2024-1234, reason: "why it does not apply", expires: 2026-06-30}`';

const KEYS = new Set(['id', 'reason', 'expires']);

/**
 * Parses the file's text. Every problem is collected (with its line) and thrown together as one
 * ReportFormatError, so a user fixes the file in one go. The YAML parser is loaded on first use:
 * runs without an ignore file do not pay for it.
 */
export async function parseIgnoreFile(text: string): Promise<IgnoreEntry[]> {
  const { LineCounter, isMap, isScalar, isSeq, parseDocument } = await import('yaml');
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    throw new ReportFormatError(
      `not valid YAML: ${error.message.split('\n')[0]} (line ${lineCounter.linePos(error.pos[0]).line})`
    );
  }
  const root = document.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return [];
  if (!isSeq(root)) throw new ReportFormatError(`expected ${IGNORE_ENTRY_HINT}`);
  const entries: IgnoreEntry[] = [];
  const problems: string[] = [];
  root.items.forEach((item, index) => {
    const line =
      item && typeof item === 'object' && 'range' in item && item.range
        ? lineCounter.linePos(item.range[0]).line
        : 0;
    const where = `entry ${index + 1} (line ${line})`;
    if (!isMap(item)) {
      problems.push(`${where} is not a mapping with id, reason and expires`);
      return;
    }
    const values: Record<string, unknown> = {};
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!KEYS.has(key))
        problems.push(`${where} has an unknown key "${key}" (allowed: id, reason, expires)`);
      values[key] = isScalar(pair.value) ? pair.value.value : pair.value;
    }
    const id = typeof values.id === 'string' || typeof values.id === 'number' ? String(values.id).trim() : '';
    const reason = typeof values.reason === 'string' ? values.reason.trim() : '';
    const expires =
      values.expires === undefined || values.expires === null ? '' : String(values.expires).trim();
    if (id === '') problems.push(`${where} has no id`);
    if (reason === '')
      problems.push(`${where}${id ? ` (${id})` : ''} has no reason: say why the finding does not apply`);
    if (expires === '') problems.push(`${where}${id ? ` (${id})` : ''} has no expires date (YYYY-MM-DD)`);
    else if (!isCalendarDate(expires))
      problems.push(`${where}${id ? ` (${id})` : ''}: expires "${expires}" is not a date YYYY-MM-DD`);
    if (id && reason && isCalendarDate(expires)) entries.push({ id, reason, expires, line });
  });
  if (problems.length > 0) throw new ReportFormatError(problems.join('; '));
  return entries;
}

function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.getUTCDate() === Number(match[3]) && date.getUTCMonth() === Number(match[2]) - 1;
}

/** An entry applies through its `expires` day (UTC); from the next day on it is expired. */
export function isIgnoreExpired(entry: Pick<IgnoreEntry, 'expires'>, today: string): boolean {
  return today > entry.expires;
}
