/**
 * pip-audit's JSON output (`pip-audit -f json`). Two shapes exist: the current object
 * `{dependencies: [...], fixes: [...]}` and, before pip-audit 2.0, a bare list of dependencies.
 * Each dependency is `{name, version, vulns: [{id, fix_versions, aliases?, description?}]}` or, when
 * it could not be audited, `{name, skip_reason}`. pip-audit gives no severity: every finding is
 * `unknown` (docs/adrs/0005 says how those count).
 */
import { ReportFormatError, type ScanFinding, type ParsedScanReport } from './finding.ts';
import { asRecord, asString } from './json-values.ts';

export function parsePipAuditReport(json: unknown): ParsedScanReport {
  let dependencies: unknown;
  let format: string;
  if (Array.isArray(json)) {
    dependencies = json;
    format = 'pip-audit JSON (legacy list, before 2.0)';
  } else if (asRecord(json) && Array.isArray(asRecord(json)!.dependencies)) {
    dependencies = asRecord(json)!.dependencies;
    format = 'pip-audit JSON';
  } else {
    throw new ReportFormatError(
      'not a pip-audit JSON report: expected {"dependencies": [...]} or a list (run pip-audit -f json)'
    );
  }
  const findings: ScanFinding[] = [];
  const notAudited: string[] = [];
  for (const [index, raw] of (dependencies as unknown[]).entries()) {
    const dependency = asRecord(raw);
    const name = asString(dependency?.name);
    if (!dependency || !name)
      throw new ReportFormatError(`pip-audit report: dependency #${index + 1} has no name`);
    const skipReason = asString(dependency.skip_reason);
    if (skipReason !== undefined) {
      notAudited.push(`${name}: ${skipReason}`);
      continue;
    }
    if (dependency.vulns !== undefined && !Array.isArray(dependency.vulns))
      throw new ReportFormatError(`pip-audit report: vulns of ${name} is not a list`);
    const version = asString(dependency.version);
    for (const rawVuln of (dependency.vulns as unknown[] | undefined) ?? []) {
      const vuln = asRecord(rawVuln);
      const id = asString(vuln?.id);
      if (!vuln || !id) throw new ReportFormatError(`pip-audit report: a vulnerability of ${name} has no id`);
      const fixes = Array.isArray(vuln.fix_versions) ? vuln.fix_versions.map(String) : [];
      const description = asString(vuln.description);
      findings.push({
        tool: 'pip-audit',
        kind: 'vulnerability',
        id,
        aliases: Array.isArray(vuln.aliases) ? vuln.aliases.map(String) : [],
        severity: 'unknown',
        package: name,
        ...(version !== undefined ? { version } : {}),
        ...(fixes.length > 0 ? { fixedIn: fixes.join(', ') } : {}),
        ...(description ? { title: firstSentence(description) } : {}),
        url: advisoryUrl(id)
      });
    }
  }
  return { tool: 'pip-audit', format, findings, notAudited };
}

function firstSentence(text: string): string {
  const sentence = text.split(/(?<=\.)\s/)[0] ?? text;
  return sentence.length > 160 ? `${sentence.slice(0, 157)}…` : sentence;
}

/** OSV knows every id pip-audit reports (PYSEC, GHSA, CVE). */
function advisoryUrl(id: string): string {
  return `https://osv.dev/vulnerability/${encodeURIComponent(id)}`;
}
