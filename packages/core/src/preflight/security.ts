/**
 * The `security` check: scanner reports found by globs, parsed, counted and judged against
 * `fail-on-severity` and the ignore file. Loading takes its file access as dependencies; the
 * assessment is a pure function of what was loaded.
 */
import {
  VULN_SEVERITIES,
  SEVERITY_THRESHOLDS,
  countBySeverity,
  type ScanFinding,
  type ParsedScanReport,
  type ScannerTool,
  type VulnSeverity,
  type SeverityCounts,
  type SeverityThreshold
} from './scanners/finding.ts';
import { parseScannerReport } from './scanners/parse-report.ts';
import { countNoun, type PreflightCheckResult } from './types.ts';
import { isIgnoreExpired, type IgnoreEntry } from './vuln-ignore.ts';

/** The globs of one scanner input (`trivy-reports` …). */
export interface ReportSource {
  tool: ScannerTool;
  input: string;
  patterns: string[];
}

/** A report file: parsed, or why it could not be. */
export interface LoadedReport {
  tool: ScannerTool;
  /** Path as shown to people (relative to the workspace). */
  file: string;
  parsed?: ParsedScanReport;
  error?: string;
}

export interface LoadedReports {
  sources: ReportSource[];
  reports: LoadedReport[];
  /** Globs that matched no file. */
  unmatched: { tool: ScannerTool; input: string; pattern: string }[];
}

export interface ReportFileAccess {
  /** Files matching one glob, relative paths, sorted. */
  glob(pattern: string): Promise<string[]>;
  readFile(file: string): Promise<string>;
}

/** Finds and parses every report; a file matched by two globs is read once. */
export async function loadScannerReports(
  sources: readonly ReportSource[],
  files: ReportFileAccess
): Promise<LoadedReports> {
  const reports: LoadedReport[] = [];
  const unmatched: LoadedReports['unmatched'] = [];
  const seen = new Set<string>();
  for (const source of sources) {
    for (const pattern of source.patterns) {
      const matches = await files.glob(pattern);
      if (matches.length === 0) unmatched.push({ tool: source.tool, input: source.input, pattern });
      for (const file of matches) {
        const key = `${source.tool}\0${file}`;
        if (seen.has(key)) continue;
        seen.add(key);
        try {
          reports.push({
            tool: source.tool,
            file,
            parsed: parseScannerReport(source.tool, await files.readFile(file))
          });
        } catch (error) {
          reports.push({
            tool: source.tool,
            file,
            error: error instanceof Error ? error.message : String(error)
          });
        }
      }
    }
  }
  return { sources: [...sources], reports, unmatched };
}

/** How one finding was judged. */
export type FindingVerdict = 'fails' | 'below-threshold' | 'ignored';

export interface JudgedFinding extends ScanFinding {
  verdict: FindingVerdict;
  file: string;
  /** The unexpired entry that ignores it. */
  ignoredBy?: string;
  /** An expired entry that would have ignored it: the finding counts again. */
  expiredIgnore?: { id: string; expires: string };
}

export interface SecurityDetails {
  failOnSeverity: SeverityThreshold;
  /** Counts of the findings that count (not ignored), by severity. */
  counts: SeverityCounts;
  failing: number;
  ignored: number;
  reports: {
    tool: ScannerTool;
    file: string;
    format?: string;
    counts?: SeverityCounts;
    notAudited?: string[];
    error?: string;
  }[];
  unmatched: { input: string; pattern: string }[];
  /** Expired ignore entries: `matched` when a finding counts again because of it. */
  expiredIgnores: { id: string; expires: string; reason: string; line: number; matched: boolean }[];
  /** Findings, most severe first (at most FINDINGS_LIMIT; `findingsOmitted` says how many more). */
  findings: JudgedFinding[];
  findingsOmitted: number;
}

const FINDINGS_LIMIT = 200;
const RANK: Record<VulnSeverity, number> = Object.fromEntries(
  VULN_SEVERITIES.map((s, i) => [s, i])
) as Record<VulnSeverity, number>;

/**
 * Whether a severity fails at `threshold`. `unknown` fails at every threshold: a scanner that gives
 * no severity (pip-audit) cannot show a finding is harmless, and pip-audit itself fails on any
 * finding (docs/adrs/0005).
 */
export function severityFails(severity: VulnSeverity, threshold: SeverityThreshold): boolean {
  if (severity === 'unknown') return true;
  return RANK[severity] <= SEVERITY_THRESHOLDS.indexOf(threshold);
}

function matches(entry: IgnoreEntry, advisory: { id: string; aliases: string[] }): boolean {
  const id = entry.id.toLowerCase();
  return advisory.id.toLowerCase() === id || advisory.aliases.some((alias) => alias.toLowerCase() === id);
}

/** The entry covering all of a finding's advisories (each needs one), among `entries`. */
function coveringEntry(entries: readonly IgnoreEntry[], finding: ScanFinding): IgnoreEntry | undefined {
  const first = entries.find((entry) => matches(entry, finding));
  if (!first) return undefined;
  const others = finding.otherAdvisories ?? [];
  return others.every((advisory) => entries.some((entry) => matches(entry, advisory))) ? first : undefined;
}

export interface SecurityAssessmentInput {
  loaded: LoadedReports;
  failOnSeverity: SeverityThreshold;
  ignores: readonly IgnoreEntry[];
  /** Today's date (UTC), `YYYY-MM-DD`, for expiry. */
  today: string;
}

/** Judges every finding and decides the check. */
export function assessSecurity(input: SecurityAssessmentInput): PreflightCheckResult<SecurityDetails> {
  const { loaded, failOnSeverity, today } = input;
  const active = input.ignores.filter((entry) => !isIgnoreExpired(entry, today));
  const expired = input.ignores.filter((entry) => isIgnoreExpired(entry, today));
  const matchedExpired = new Set<IgnoreEntry>();
  const judged: JudgedFinding[] = [];
  for (const report of loaded.reports) {
    for (const finding of report.parsed?.findings ?? []) {
      const ignoredBy = coveringEntry(active, finding);
      const expiredEntry = ignoredBy ? undefined : coveringEntry(expired, finding);
      if (expiredEntry) matchedExpired.add(expiredEntry);
      judged.push({
        ...finding,
        file: report.file,
        verdict: ignoredBy
          ? 'ignored'
          : severityFails(finding.severity, failOnSeverity)
            ? 'fails'
            : 'below-threshold',
        ...(ignoredBy ? { ignoredBy: ignoredBy.id } : {}),
        ...(expiredEntry ? { expiredIgnore: { id: expiredEntry.id, expires: expiredEntry.expires } } : {})
      });
    }
  }
  judged.sort((a, b) => RANK[a.severity] - RANK[b.severity] || verdictRank(a) - verdictRank(b));
  const counted = judged.filter((f) => f.verdict !== 'ignored');
  const failing = judged.filter((f) => f.verdict === 'fails');
  const counts = countBySeverity(counted);
  const unreadable = loaded.reports.filter((r) => r.error !== undefined);
  const notAudited = loaded.reports.flatMap((r) => r.parsed?.notAudited ?? []);
  const details: SecurityDetails = {
    failOnSeverity,
    counts,
    failing: failing.length,
    ignored: judged.length - counted.length,
    reports: loaded.reports.map((r) => ({
      tool: r.tool,
      file: r.file,
      ...(r.parsed
        ? {
            format: r.parsed.format,
            counts: countBySeverity(
              judged.filter((f) => f.file === r.file && f.tool === r.tool && f.verdict !== 'ignored')
            ),
            ...(r.parsed.notAudited.length ? { notAudited: r.parsed.notAudited } : {})
          }
        : {}),
      ...(r.error !== undefined ? { error: r.error } : {})
    })),
    unmatched: loaded.unmatched.map(({ input, pattern }) => ({ input, pattern })),
    expiredIgnores: expired.map((e) => ({ ...e, matched: matchedExpired.has(e) })),
    findings: judged.slice(0, FINDINGS_LIMIT),
    findingsOmitted: Math.max(0, judged.length - FINDINGS_LIMIT)
  };
  const result = (
    status: PreflightCheckResult['status'],
    reason: string
  ): PreflightCheckResult<SecurityDetails> => ({
    id: 'security',
    status,
    reason,
    details
  });

  if (loaded.sources.length === 0) {
    return result(
      'warn',
      'No scanner reports configured (trivy-reports, pip-audit-reports, npm-audit-reports): nothing was checked.'
    );
  }
  const scanned = `${countNoun(loaded.reports.length - unreadable.length, 'report')} read`;
  const problems: string[] = [];
  for (const miss of loaded.unmatched)
    problems.push(
      `\`${miss.input}\` pattern \`${miss.pattern}\` matched no file (a missing scan is not a clean scan)`
    );
  for (const report of unreadable)
    problems.push(`${report.file} could not be read as a ${report.tool} report: ${report.error}`);
  if (failing.length > 0) {
    problems.push(
      `${countNoun(failing.length, 'finding')} at or above ${failOnSeverity}${unknownNote(failing)}: ${describeSeverityCounts(countBySeverity(failing))}`
    );
  }
  const expiredMatched = expired.filter((e) => matchedExpired.has(e));
  if (expiredMatched.length > 0) {
    problems.push(
      `ignore ${expiredMatched.length === 1 ? 'entry' : 'entries'} expired: ${expiredMatched
        .map((e) => `${e.id} (expired ${e.expires})`)
        .join(', ')}`
    );
  }
  if (problems.length > 0) {
    const next: string[] = [];
    if (loaded.unmatched.length > 0 || unreadable.length > 0)
      next.push('make sure the scanner step ran and wrote its JSON report where the glob points');
    if (failing.length > 0)
      next.push(
        'upgrade the affected packages (see "fixed in"), or record a reviewed exception with a reason and an expiry in `vuln-ignore-file`'
      );
    if (expiredMatched.length > 0)
      next.push('review the expired exceptions: fix the finding or renew the entry with a new date');
    return {
      ...result('fail', `${capitalize(problems.join('; '))}. (${scanned}.)`),
      next: `${capitalize(next.join('; '))}.`
    };
  }

  const notes: string[] = [];
  if (counted.length > 0)
    notes.push(
      `${countNoun(counted.length, 'finding')} below ${failOnSeverity} (${describeSeverityCounts(counts)})`
    );
  if (details.ignored > 0) notes.push(`${details.ignored} ignored`);
  if (notAudited.length > 0)
    notes.push(`${countNoun(notAudited.length, 'dependency', 'dependencies')} not audited`);
  const staleExpired = expired.filter((e) => !matchedExpired.has(e));
  if (staleExpired.length > 0)
    notes.push(
      `${countNoun(staleExpired.length, 'expired ignore entry', 'expired ignore entries')} to remove`
    );
  if (counted.length > 0 || notAudited.length > 0 || staleExpired.length > 0)
    return result(
      'warn',
      `${capitalize(scanned)}: ${notes.join('; ')}; nothing at or above ${failOnSeverity}.`
    );
  return result(
    'pass',
    `${capitalize(scanned)}: no findings${details.ignored ? ` (${details.ignored} ignored)` : ''}.`
  );
}

function verdictRank(finding: JudgedFinding): number {
  return finding.verdict === 'fails' ? 0 : finding.verdict === 'below-threshold' ? 1 : 2;
}

/** `2 critical, 1 high, 3 unknown` (severities with findings only). */
export function describeSeverityCounts(counts: SeverityCounts): string {
  const parts = VULN_SEVERITIES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  return parts.length ? parts.join(', ') : 'none';
}

function unknownNote(failing: readonly JudgedFinding[]): string {
  return failing.some((f) => f.severity === 'unknown') ? ' or of unknown severity' : '';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
