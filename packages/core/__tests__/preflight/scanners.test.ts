/**
 * Every Trivy, pip-audit and npm audit report of the corpus (fixtures/PROVENANCE.md), parsed, with
 * the expected counts by severity written down here from reading each report.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import {
  ReportFormatError,
  countBySeverity,
  parseScannerReport,
  type ParsedScanReport,
  type ScannerTool,
  type SeverityCounts
} from '../../src/preflight/scanners/index.ts';

const fixtures = new URL('./fixtures/', import.meta.url);
const read = (dir: string, file: string) => readFileSync(new URL(`${dir}/${file}`, fixtures), 'utf8');
const parse = (tool: ScannerTool, file: string): ParsedScanReport =>
  parseScannerReport(tool, read(tool, file));

type Expected = Partial<SeverityCounts>;
const counts = (expected: Expected): SeverityCounts => ({
  critical: 0,
  high: 0,
  medium: 0,
  low: 0,
  info: 0,
  unknown: 0,
  ...expected
});

/** file → counts by severity (findings of every kind), and how many are secrets. */
const TRIVY: Record<string, { counts: Expected; secrets?: number }> = {
  'alpine-39-high-critical.json': { counts: { critical: 2 } },
  'alpine-39-skip.json': { counts: {} },
  'alpine-39.json': { counts: { critical: 2, medium: 4 } },
  'cargo.lock.json': { counts: {} },
  'debian-buster-ignore-unfixed.json': { counts: { critical: 1 } },
  'debian-buster.json': { counts: { critical: 1, low: 1 } },
  'fluentd-multiple-lockfiles.json': { counts: { critical: 1, high: 1, low: 1 } },
  'npm.json': { counts: { medium: 1 } },
  'photon-30.json': { counts: { critical: 2, high: 1 } },
  'pip.json': { counts: { high: 1, medium: 1 } },
  'pipenv.json': { counts: { high: 1, medium: 1 } },
  'pnpm.json': { counts: { critical: 1, medium: 1 } },
  'poetry.json': { counts: { high: 1 } },
  'secrets.json': { counts: { critical: 1, high: 1 }, secrets: 2 },
  'sl-micro-rancher5.4.json': { counts: {} },
  'ubuntu-1804-ignore-unfixed.json': { counts: { medium: 4 } },
  'ubuntu-1804.json': { counts: { medium: 4, low: 1 } },
  'yarn.json': { counts: { medium: 1 } }
};

/** file → findings (all of unknown severity: pip-audit has none), dependencies not audited, format. */
const PIP_AUDIT: Record<string, { unknown: number; notAudited: number; legacy: boolean }> = {
  'defectdojo__empty_new.json': { unknown: 0, notAudited: 0, legacy: false },
  'defectdojo__many_vulns.json': { unknown: 7, notAudited: 1, legacy: true },
  'defectdojo__many_vulns_new.json': { unknown: 7, notAudited: 1, legacy: false },
  'defectdojo__zero_vulns_new.json': { unknown: 0, notAudited: 1, legacy: false },
  'upstream-readme__legacy-list-format.json': { unknown: 2, notAudited: 0, legacy: true },
  'upstream-test__desc-aliases.json': { unknown: 3, notAudited: 0, legacy: false },
  'upstream-test__fix.json': { unknown: 3, notAudited: 0, legacy: false },
  'upstream-test__no-desc-no-aliases.json': { unknown: 3, notAudited: 0, legacy: false },
  'upstream-test__skipped-dep.json': { unknown: 1, notAudited: 1, legacy: false },
  // The skip_reason here is in `fixes`, not in `dependencies`: every dependency was audited.
  'upstream-test__skipped-fix.json': { unknown: 3, notAudited: 0, legacy: false }
};

/** file → counts by severity, one per vulnerable package as npm counts them (moderate is medium). */
const NPM_AUDIT: Record<string, Expected> = {
  'arborist__alias-deps.json': { low: 2 },
  'arborist__dep-vuln-with-own-advisory.json': { high: 1, low: 1 },
  'arborist__unfixable-not-semver-major-forced-fix.json': { low: 2 },
  'defectdojo__many_vulns.json': { medium: 4, low: 2 },
  'defectdojo__no_vuln.json': {},
  'defectdojo__one_vuln.json': { high: 1 },
  'npm-audit-report__all-severity-levels.json': { critical: 2, high: 5, medium: 1, low: 8 },
  'npm-audit-report__gatsby.json': { low: 9 },
  'npm-audit-report__git-dep.json': { low: 2 },
  'npm-audit-report__no-vulns.json': {},
  'npm-audit-report__non-semver-major-force-fix.json': { low: 2 },
  'npm-audit-report__not-in-registry.json': { low: 2 },
  'npm-audit-report__nyc-mkdirp.json': { critical: 1, high: 4, low: 8 },
  'npm-audit-report__one-vuln.json': { low: 1 },
  'npm-cli__json-audit.json': { high: 1 }
};

describe('the corpus tables', () => {
  it.each([
    ['trivy', TRIVY],
    ['pip-audit', PIP_AUDIT],
    ['npm-audit', NPM_AUDIT]
  ])('%s: every report of the corpus has its expected counts written down', (dir, table) => {
    const files = readdirSync(new URL(`${dir}/`, fixtures)).filter((f) => f.endsWith('.json'));
    expect(Object.keys(table).sort()).toEqual(files.sort());
  });
});

describe('Trivy reports', () => {
  it.each(Object.entries(TRIVY))('%s', (file, expected) => {
    const report = parse('trivy', file);
    expect(report.format).toBe('Trivy JSON (SchemaVersion 2)');
    expect(countBySeverity(report.findings)).toEqual(counts(expected.counts));
    expect(report.findings.filter((f) => f.kind === 'secret')).toHaveLength(expected.secrets ?? 0);
    expect(report.notAudited).toEqual([]);
  });

  it('keeps what a person needs to act on a finding', () => {
    const findings = parse('trivy', 'debian-buster.json').findings;
    const bash = findings.find((f) => f.package === 'bash');
    const rest = findings.filter((f) => f !== bash);
    expect(rest).toHaveLength(1);
    expect(bash).toEqual({
      tool: 'trivy',
      kind: 'vulnerability',
      id: 'CVE-2019-18276',
      aliases: [],
      severity: 'low',
      package: 'bash',
      version: '5.0-4',
      title: 'bash: when effective UID is not equal to its real UID the saved UID is not dropped',
      url: 'https://avd.aquasec.com/nvd/cve-2019-18276',
      target: expect.stringContaining('debian')
    });
    expect(rest[0]).toMatchObject({ id: 'CVE-2019-18224', severity: 'critical', fixedIn: '2.0.5-1+deb10u1' });
  });

  it('names secrets by rule and place', () => {
    expect(parse('trivy', 'secrets.json').findings.map((f) => [f.id, f.severity, f.package])).toEqual([
      ['aws-access-key-id', 'critical', 'deploy.sh:3'],
      ['mysecret', 'high', 'deploy.sh:7']
    ]);
  });

  it('counts failed misconfigurations and skips passed ones', () => {
    const report = parseScannerReport(
      'trivy',
      JSON.stringify({
        SchemaVersion: 2,
        Results: [
          {
            Target: 'Dockerfile',
            Class: 'config',
            Misconfigurations: [
              {
                ID: 'DS002',
                AVDID: 'AVD-DS-0002',
                Title: 'Image user should not be root',
                Severity: 'HIGH',
                Status: 'FAIL'
              },
              {
                ID: 'DS001',
                AVDID: 'AVD-DS-0001',
                Title: 'latest tag',
                Severity: 'MEDIUM',
                Status: 'PASS'
              }
            ]
          }
        ]
      })
    );
    expect(report.findings).toEqual([
      {
        tool: 'trivy',
        kind: 'misconfiguration',
        id: 'AVD-DS-0002',
        aliases: ['DS002'],
        severity: 'high',
        package: 'Dockerfile',
        title: 'Image user should not be root',
        target: 'Dockerfile'
      }
    ]);
  });
});

describe('pip-audit reports', () => {
  it.each(Object.entries(PIP_AUDIT))('%s', (file, expected) => {
    const report = parse('pip-audit', file);
    expect(countBySeverity(report.findings)).toEqual(counts({ unknown: expected.unknown }));
    expect(report.notAudited).toHaveLength(expected.notAudited);
    expect(report.format).toBe(
      expected.legacy ? 'pip-audit JSON (legacy list, before 2.0)' : 'pip-audit JSON'
    );
  });

  it('reads the legacy list with aliases, fixes and a first sentence of the description', () => {
    const [first] = parse('pip-audit', 'upstream-readme__legacy-list-format.json').findings;
    expect(first).toEqual({
      tool: 'pip-audit',
      kind: 'vulnerability',
      id: 'PYSEC-2019-179',
      aliases: ['CVE-2019-1010083', 'GHSA-5wv5-4vpf-pj6m'],
      severity: 'unknown',
      package: 'flask',
      version: '0.5',
      fixedIn: '1.0',
      title: 'The Pallets Project Flask before 1.0 is affected by: unexpected memory usage.',
      url: 'https://osv.dev/vulnerability/PYSEC-2019-179'
    });
  });

  it('says which dependency was not audited and why', () => {
    expect(parse('pip-audit', 'defectdojo__zero_vulns_new.json').notAudited).toEqual([
      'azure-devops: Dependency not found on PyPI and could not be audited: azure-devops (0.17.0)'
    ]);
  });

  it('gives the same findings for the legacy and the current format of the same scan', () => {
    const legacy = parse('pip-audit', 'defectdojo__many_vulns.json');
    const current = parse('pip-audit', 'defectdojo__many_vulns_new.json');
    expect(legacy.findings).toEqual(current.findings);
    expect(legacy.findings.find((f) => f.package === 'lxml')?.fixedIn).toBeUndefined();
  });
});

describe('npm audit reports', () => {
  it.each(Object.entries(NPM_AUDIT))('%s', (file, expected) => {
    const report = parse('npm-audit', file);
    expect(countBySeverity(report.findings)).toEqual(counts(expected));
    // The report's own totals agree with the findings.
    const meta = (
      JSON.parse(read('npm-audit', file)) as { metadata: { vulnerabilities: Record<string, number> } }
    ).metadata.vulnerabilities;
    const found = countBySeverity(report.findings);
    expect([found.critical, found.high, found.medium, found.low, found.info]).toEqual([
      meta.critical,
      meta.high,
      meta.moderate,
      meta.low,
      meta.info
    ]);
  });

  it('names a package by its advisory and keeps the advisories it inherits through `via`', () => {
    const findings = parse('npm-audit', 'arborist__dep-vuln-with-own-advisory.json').findings;
    expect(findings.map((f) => [f.package, f.severity, f.id, f.otherAdvisories?.map((a) => a.id)])).toEqual([
      ['minimist', 'low', 'npm-advisory-1179', undefined],
      ['mkdirp', 'high', 'npm-advisory-42069', ['npm-advisory-1179']]
    ]);
    expect(findings[0]!.aliases).toEqual(['1179', 'https://npmjs.com/advisories/1179']);
  });

  it('uses GHSA ids from advisory URLs and survives a cut `via` chain', () => {
    const [debug] = parse('npm-audit', 'defectdojo__one_vuln.json').findings;
    expect(debug).toMatchObject({
      package: 'debug',
      severity: 'high',
      id: 'GHSA-gxpj-cx7g-858c',
      otherAdvisories: [{ id: 'GHSA-9vvw-cc9w-f27h' }],
      fixedIn: 'express@4.18.3',
      url: 'https://github.com/advisories/GHSA-gxpj-cx7g-858c'
    });
  });

  it('reads the advisory number of early npm 7 reports (`id` instead of `source`)', () => {
    const handlebars = parse('npm-audit', 'npm-audit-report__all-severity-levels.json').findings.find(
      (f) => f.package === 'handlebars'
    );
    expect(handlebars).toMatchObject({
      id: 'npm-advisory-755',
      aliases: ['755', 'https://npmjs.com/advisories/755'],
      severity: 'critical',
      title: 'Prototype Pollution',
      fixedIn: 'npm audit fix'
    });
  });

  it('describes packages vulnerable only through others', () => {
    const findings = parse('npm-audit', 'arborist__unfixable-not-semver-major-forced-fix.json').findings;
    const viaOnly = findings.filter((f) => f.title?.startsWith('via '));
    expect(viaOnly.length).toBeGreaterThan(0);
    for (const finding of viaOnly) expect(finding.id).not.toMatch(/^npm:/);
  });
});

describe('reports that are not what they claim', () => {
  it.each([
    ['trivy', '', 'the file is empty'],
    ['trivy', '{"Results": []}', 'not a Trivy JSON report: no SchemaVersion'],
    ['trivy', '{"SchemaVersion": 1}', 'SchemaVersion 1 is not supported'],
    [
      'trivy',
      '{"SchemaVersion": 2, "Results": [{"Vulnerabilities": [{"VulnSeverity": "HIGH"}]}]}',
      'no VulnerabilityID'
    ],
    ['pip-audit', '{"vulns": []}', 'not a pip-audit JSON report'],
    ['pip-audit', '[{"version": "1.0"}]', 'dependency #1 has no name'],
    [
      'pip-audit',
      '{"dependencies": [{"name": "x", "version": "1", "vulns": [{}]}]}',
      'a vulnerability of x has no id'
    ],
    ['npm-audit', '{"advisories": {}, "metadata": {}}', 'version 1 (npm 6) is not supported'],
    ['npm-audit', '[]', 'not an npm audit JSON report'],
    ['npm-audit', '{"auditReportVersion": 2}', 'vulnerabilities is not an object'],
    ['npm-audit', '{"auditReportVersion": 2', 'not JSON']
  ] as const)('%s: %j fails with "%s"', (tool, text, message) => {
    expect(() => parseScannerReport(tool, text)).toThrow(ReportFormatError);
    expect(() => parseScannerReport(tool, text)).toThrow(message);
  });

  it('reads a Trivy report of one scanner as no other scanner', () => {
    const trivy = read('trivy', 'alpine-39.json');
    expect(() => parseScannerReport('pip-audit', trivy)).toThrow(ReportFormatError);
    expect(() => parseScannerReport('npm-audit', trivy)).toThrow(ReportFormatError);
    expect(() => parseScannerReport('trivy', read('npm-audit', 'npm-cli__json-audit.json'))).toThrow(
      ReportFormatError
    );
  });
});
