/**
 * What every scanner report becomes: a list of findings with one severity scale, so the security
 * check counts and judges Trivy, pip-audit and npm audit the same way.
 */

/**
 * Severities from most to least severe. `unknown` is a finding whose scanner gave no severity
 * (every pip-audit finding, Trivy's UNKNOWN); how it counts is decided in the security check.
 */
export const VULN_SEVERITIES = ['critical', 'high', 'medium', 'low', 'info', 'unknown'] as const;
export type VulnSeverity = (typeof VULN_SEVERITIES)[number];

/** The severities `fail-on-severity` accepts, most severe first. */
export const SEVERITY_THRESHOLDS = ['critical', 'high', 'medium', 'low'] as const;
export type SeverityThreshold = (typeof SEVERITY_THRESHOLDS)[number];

export type ScannerTool = 'trivy' | 'pip-audit' | 'npm-audit';

export interface ScanFinding {
  tool: ScannerTool;
  kind: 'vulnerability' | 'secret' | 'misconfiguration';
  /** The advisory or rule id as the scanner names it (CVE-…, GHSA-…, PYSEC-…, a secret rule). */
  id: string;
  /** Other ids of the same advisory (CVE and GHSA aliases, npm advisory numbers and URLs). */
  aliases: string[];
  /**
   * Further advisories the finding stands for (an npm package with several advisories, or
   * vulnerable through other packages). Ignoring the finding takes an entry for each of them.
   */
  otherAdvisories?: { id: string; aliases: string[] }[];
  severity: VulnSeverity;
  /** Package (or file, for secrets) the finding is about. */
  package: string;
  version?: string;
  /** Versions that fix it, when the scanner knows them. */
  fixedIn?: string;
  title?: string;
  url?: string;
  /** Where in the scanned artifact (Trivy's target: an image layer's OS, a lock file). */
  target?: string;
}

/** One parsed report: its findings and what the scanner could not check. */
export interface ParsedScanReport {
  tool: ScannerTool;
  /** Format variant, e.g. `pip-audit (legacy list)`. */
  format: string;
  findings: ScanFinding[];
  /** Things the scanner skipped (a dependency it could not audit), each a sentence. */
  notAudited: string[];
}

/** A file that is not the report it should be. */
export class ReportFormatError extends Error {
  override name = 'ReportFormatError';
}

/** Counts by severity, every severity present (zero when none). */
export type SeverityCounts = Record<VulnSeverity, number>;

export function countBySeverity(findings: readonly Pick<ScanFinding, 'severity'>[]): SeverityCounts {
  const counts = Object.fromEntries(VULN_SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
  for (const finding of findings) counts[finding.severity]++;
  return counts;
}

/** Maps a scanner's severity word onto the common scale; anything unrecognised is `unknown`. */
export function normalizeSeverity(value: unknown): VulnSeverity {
  switch (String(value ?? '').toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
      return 'high';
    case 'medium':
    case 'moderate':
      return 'medium';
    case 'low':
    case 'negligible':
      return 'low';
    case 'info':
    case 'informational':
      return 'info';
    default:
      return 'unknown';
  }
}
