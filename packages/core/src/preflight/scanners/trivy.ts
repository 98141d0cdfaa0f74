/**
 * Trivy's JSON report (`trivy ... --format json`, SchemaVersion 2): `Results[]`, each a scanned
 * target with `Vulnerabilities[]`, `Secrets[]` and `Misconfigurations[]`. A Result without any of
 * them is a clean target; a report without Results scanned nothing that had packages.
 */
import { ReportFormatError, normalizeSeverity, type ScanFinding, type ParsedScanReport } from './finding.ts';
import { asRecord, asString } from './json-values.ts';

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(asRecord).filter((v): v is Record<string, unknown> => !!v) : [];
}

export function parseTrivyReport(json: unknown): ParsedScanReport {
  const report = asRecord(json);
  if (!report || report.SchemaVersion === undefined)
    throw new ReportFormatError('not a Trivy JSON report: no SchemaVersion (run trivy with --format json)');
  if (report.SchemaVersion !== 2)
    throw new ReportFormatError(
      `Trivy report SchemaVersion ${String(report.SchemaVersion)} is not supported (2 is)`
    );
  if (report.Results !== undefined && !Array.isArray(report.Results))
    throw new ReportFormatError('Trivy report: Results is not a list');
  const findings: ScanFinding[] = [];
  for (const result of list(report.Results)) {
    const target = asString(result.Target);
    for (const vuln of list(result.Vulnerabilities)) {
      const id = asString(vuln.VulnerabilityID);
      if (!id)
        throw new ReportFormatError(
          `Trivy report: a vulnerability in ${target ?? 'a result'} has no VulnerabilityID`
        );
      findings.push({
        tool: 'trivy',
        kind: 'vulnerability',
        id,
        aliases: [],
        severity: normalizeSeverity(vuln.Severity),
        package: asString(vuln.PkgName) ?? asString(vuln.PkgID) ?? '(unknown package)',
        ...optional('version', asString(vuln.InstalledVersion)),
        ...optional('fixedIn', asString(vuln.FixedVersion)),
        ...optional('title', asString(vuln.Title)),
        ...optional('url', asString(vuln.PrimaryURL)),
        ...optional('target', target)
      });
    }
    for (const secret of list(result.Secrets)) {
      findings.push({
        tool: 'trivy',
        kind: 'secret',
        id: asString(secret.RuleID) ?? 'secret',
        aliases: [],
        severity: normalizeSeverity(secret.Severity),
        package: `${target ?? '(file)'}${secret.StartLine !== undefined ? `:${String(secret.StartLine)}` : ''}`,
        ...optional('title', asString(secret.Title)),
        ...optional('target', target)
      });
    }
    for (const misconfiguration of list(result.Misconfigurations)) {
      // Trivy lists passed checks too when asked to; only failures are findings.
      if (asString(misconfiguration.Status) !== undefined && misconfiguration.Status !== 'FAIL') continue;
      findings.push({
        tool: 'trivy',
        kind: 'misconfiguration',
        id: asString(misconfiguration.AVDID) ?? asString(misconfiguration.ID) ?? 'misconfiguration',
        aliases: [asString(misconfiguration.ID)].filter((v): v is string => !!v),
        severity: normalizeSeverity(misconfiguration.Severity),
        package: target ?? '(configuration)',
        ...optional('title', asString(misconfiguration.Title)),
        ...optional('url', asString(misconfiguration.PrimaryURL)),
        ...optional('target', target)
      });
    }
  }
  return { tool: 'trivy', format: 'Trivy JSON (SchemaVersion 2)', findings, notAudited: [] };
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined || value === '' ? {} : { [key]: value }) as { [P in K]?: string };
}
