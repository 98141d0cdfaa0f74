/**
 * `npm audit --json` from npm 7 on (`auditReportVersion: 2`): `vulnerabilities` maps each
 * vulnerable package to `{severity, via, effects, fixAvailable, ...}`. `via` holds advisories
 * (objects) and names of other vulnerable packages (strings) it is vulnerable through. Like npm's
 * own `metadata.vulnerabilities`, each package counts once, at its severity.
 */
import { ReportFormatError, normalizeSeverity, type ScanFinding, type ParsedScanReport } from './finding.ts';
import { asRecord, asString } from './json-values.ts';

interface Advisory {
  id: string;
  aliases: string[];
  title?: string;
  url?: string;
}

function advisoryOf(via: Record<string, unknown>): Advisory {
  const url = asString(via.url);
  // npm 7.0 named the advisory number `id`; later versions call it `source`.
  const source = asString(via.source) ?? asString(via.id);
  const ghsa = url && /\/(GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})$/i.exec(url)?.[1];
  const id = ghsa ?? (source !== undefined ? `npm-advisory-${source}` : (url ?? 'advisory'));
  const aliases = [source, url, source !== undefined ? `npm-advisory-${source}` : undefined].filter(
    (v): v is string => v !== undefined && v !== id
  );
  const title = asString(via.title);
  return { id, aliases, ...(title ? { title } : {}), ...(url ? { url } : {}) };
}

export function parseNpmAuditReport(json: unknown): ParsedScanReport {
  const report = asRecord(json);
  if (!report)
    throw new ReportFormatError('not an npm audit JSON report (run npm audit --json with npm 7 or later)');
  if (report.auditReportVersion !== 2) {
    throw new ReportFormatError(
      report.advisories !== undefined
        ? 'npm audit report version 1 (npm 6) is not supported: run npm audit --json with npm 7 or later'
        : 'not an npm audit JSON report: auditReportVersion is not 2 (run npm audit --json with npm 7 or later)'
    );
  }
  const vulnerabilities = asRecord(report.vulnerabilities);
  if (!vulnerabilities) throw new ReportFormatError('npm audit report: vulnerabilities is not an object');

  // A package vulnerable only through others carries their advisories, found by following `via`.
  const advisoriesOf = (name: string, seen: Set<string>): Advisory[] => {
    if (seen.has(name)) return [];
    seen.add(name);
    const entry = asRecord(vulnerabilities[name]);
    const advisories: Advisory[] = [];
    for (const via of Array.isArray(entry?.via) ? entry!.via : []) {
      if (typeof via === 'string') advisories.push(...advisoriesOf(via, seen));
      else if (asRecord(via)) advisories.push(advisoryOf(asRecord(via)!));
    }
    return advisories;
  };

  const findings: ScanFinding[] = [];
  for (const [key, raw] of Object.entries(vulnerabilities)) {
    const entry = asRecord(raw);
    if (!entry) throw new ReportFormatError(`npm audit report: entry ${key} is not an object`);
    const name = asString(entry.name) ?? key;
    const own = (Array.isArray(entry.via) ? entry.via : []).map(asRecord).filter((v) => !!v);
    const advisories = advisoriesOf(key, new Set());
    const unique = [...new Map(advisories.map((a) => [a.id, a])).values()];
    const first = unique[0];
    const through = (Array.isArray(entry.via) ? entry.via : []).filter(
      (v): v is string => typeof v === 'string'
    );
    findings.push({
      tool: 'npm-audit',
      kind: 'vulnerability',
      // The package's own advisory names it; a package vulnerable only through others is named by
      // the first advisory it inherits, or its own name when the chain is cut (trimmed reports).
      id: first?.id ?? `npm:${name}`,
      aliases: first?.aliases ?? [],
      ...(unique.length > 1
        ? { otherAdvisories: unique.slice(1).map((a) => ({ id: a.id, aliases: a.aliases })) }
        : {}),
      severity: normalizeSeverity(entry.severity),
      package: name,
      ...(asString(entry.range) ? { version: asString(entry.range)! } : {}),
      ...fixOf(entry.fixAvailable),
      ...(first?.title
        ? {
            title:
              own.length === 0 && through.length > 0
                ? `via ${through.join(', ')}: ${first.title}`
                : first.title
          }
        : through.length > 0
          ? { title: `via ${through.join(', ')}` }
          : {}),
      ...(first?.url ? { url: first.url } : {})
    });
  }
  return { tool: 'npm-audit', format: 'npm audit JSON (auditReportVersion 2)', findings, notAudited: [] };
}

function fixOf(fixAvailable: unknown): { fixedIn?: string } {
  if (fixAvailable === true) return { fixedIn: 'npm audit fix' };
  const fix = asRecord(fixAvailable);
  if (fix && asString(fix.name)) {
    return {
      fixedIn: `${asString(fix.name)}@${asString(fix.version) ?? '?'}${fix.isSemVerMajor === true ? ' (semver major)' : ''}`
    };
  }
  return {};
}
