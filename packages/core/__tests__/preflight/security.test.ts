import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  ReportFormatError,
  assessSecurity,
  isIgnoreExpired,
  loadScannerReports,
  parseIgnoreFile,
  severityFails,
  type IgnoreEntry,
  type ReportFileAccess,
  type ReportSource,
  type SeverityThreshold
} from '../../src/preflight/index.ts';

const fixtures = new URL('./fixtures/', import.meta.url);
const corpus = (path: string) => readFileSync(new URL(path, fixtures), 'utf8');

/** Files in memory; a glob is a prefix with `*` at the end or an exact name. */
function memoryFiles(files: Record<string, string>): ReportFileAccess {
  return {
    glob: async (pattern) =>
      Object.keys(files)
        .filter((f) => (pattern.endsWith('*') ? f.startsWith(pattern.slice(0, -1)) : f === pattern))
        .sort(),
    readFile: async (file) => {
      if (!(file in files)) throw Object.assign(new Error(`ENOENT: ${file}`), { code: 'ENOENT' });
      return files[file]!;
    }
  };
}

const TODAY = '2026-03-02';
const entry = (id: string, expires = '2026-12-31', line = 1): IgnoreEntry => ({
  id,
  reason: 'not reachable from our code',
  expires,
  line
});

async function assess(
  sources: ReportSource[],
  files: Record<string, string>,
  options: { failOnSeverity?: SeverityThreshold; ignores?: IgnoreEntry[] } = {}
) {
  return assessSecurity({
    loaded: await loadScannerReports(sources, memoryFiles(files)),
    failOnSeverity: options.failOnSeverity ?? 'high',
    ignores: options.ignores ?? [],
    today: TODAY
  });
}

const trivy = (patterns: string[]): ReportSource => ({ tool: 'trivy', input: 'trivy-reports', patterns });
const pip = (patterns: string[]): ReportSource => ({
  tool: 'pip-audit',
  input: 'pip-audit-reports',
  patterns
});
const npm = (patterns: string[]): ReportSource => ({
  tool: 'npm-audit',
  input: 'npm-audit-reports',
  patterns
});

describe('severityFails', () => {
  it.each([
    ['critical', 'critical', true],
    ['high', 'critical', false],
    ['high', 'high', true],
    ['medium', 'high', false],
    ['medium', 'medium', true],
    ['low', 'medium', false],
    ['low', 'low', true],
    ['info', 'low', false],
    ['unknown', 'critical', true],
    ['unknown', 'low', true]
  ] as const)('%s at fail-on-severity %s fails: %s', (severity, threshold, fails) => {
    expect(severityFails(severity, threshold)).toBe(fails);
  });
});

describe('assessSecurity', () => {
  const alpine = corpus('trivy/alpine-39.json'); // 2 critical, 4 medium
  const ubuntu = corpus('trivy/ubuntu-1804.json'); // 4 medium, 1 low

  it.each([
    ['critical', 'fail', 2],
    ['high', 'fail', 2],
    ['medium', 'fail', 6],
    ['low', 'fail', 6]
  ] as const)(
    'counts everything and fails on findings at or above %s',
    async (threshold, status, failing) => {
      const result = await assess(
        [trivy(['scan/alpine.json'])],
        { 'scan/alpine.json': alpine },
        { failOnSeverity: threshold }
      );
      expect(result.status).toBe(status);
      expect(result.details.failing).toBe(failing);
      expect(result.details.counts).toMatchObject({ critical: 2, medium: 4 });
    }
  );

  it('warns (and passes) with findings only below the threshold', async () => {
    const result = await assess([trivy(['scan/*'])], { 'scan/ubuntu.json': ubuntu });
    expect(result).toMatchObject({
      status: 'warn',
      reason: '1 report read: 5 findings below high (4 medium, 1 low); nothing at or above high.'
    });
  });

  it('passes clean reports', async () => {
    const result = await assess([trivy(['clean/*']), npm(['npm.json'])], {
      'clean/cargo.json': corpus('trivy/cargo.lock.json'),
      'clean/skip.json': corpus('trivy/alpine-39-skip.json'),
      'npm.json': corpus('npm-audit/npm-audit-report__no-vulns.json')
    });
    expect(result).toMatchObject({ status: 'pass', reason: '3 reports read: no findings.' });
  });

  it('fails pip-audit findings at every threshold: they have no severity', async () => {
    const result = await assess(
      [pip(['pip.json'])],
      { 'pip.json': corpus('pip-audit/upstream-readme__legacy-list-format.json') },
      { failOnSeverity: 'critical' }
    );
    expect(result.status).toBe('fail');
    expect(result.reason).toBe(
      '2 findings at or above critical or of unknown severity: 2 unknown. (1 report read.)'
    );
  });

  it('warns about dependencies pip-audit could not audit', async () => {
    const result = await assess([pip(['pip.json'])], {
      'pip.json': corpus('pip-audit/defectdojo__zero_vulns_new.json')
    });
    expect(result).toMatchObject({
      status: 'warn',
      reason: '1 report read: 1 dependency not audited; nothing at or above high.'
    });
  });

  it('never quotes what a file that is not a report holds', async () => {
    const result = await assess([trivy(['scan/*'])], {
      'scan/passwd.json': 'root:x:0:0:root:/root:/bin/bash\n',
      'scan/object.json': '{"token": "s3cr3t-value", x}'
    });
    expect(result.status).toBe('fail');
    expect(result.reason).toContain('scan/passwd.json could not be read as a trivy report: not JSON');
    // Node 24 adds the line and column.
    expect(result.reason).toMatch(/not JSON \(the parser stopped at position 26( \(line 1 column 27\))?\)/);
    expect(JSON.stringify(result)).not.toMatch(/root:x|s3cr3t/);
  });

  it('fails when a glob matches nothing or a report cannot be read: a missing scan is not a clean scan', async () => {
    const result = await assess([trivy(['scan/*']), npm(['npm-audit.json'])], {
      'scan/broken.json': '{"Results": ['
    });
    expect(result.status).toBe('fail');
    expect(result.reason).toMatch(
      /^`npm-audit-reports` pattern `npm-audit.json` matched no file \(a missing scan is not a clean scan\); scan\/broken.json could not be read as a trivy report: not JSON\. \(0 reports read\.\)$/
    );
    expect(result.details.unmatched).toEqual([{ input: 'npm-audit-reports', pattern: 'npm-audit.json' }]);
    expect(result.details.reports[0]).toMatchObject({
      file: 'scan/broken.json',
      error: expect.stringMatching(/^not JSON/)
    });
  });

  it('warns when no report is configured at all', async () => {
    expect((await assess([], {})).status).toBe('warn');
  });

  it('ignores a finding by id or alias with an unexpired entry, and says so', async () => {
    const result = await assess(
      [pip(['pip.json'])],
      { 'pip.json': corpus('pip-audit/upstream-readme__legacy-list-format.json') },
      { ignores: [entry('PYSEC-2019-179'), entry('cve-2018-1000656')] }
    );
    expect(result).toMatchObject({ status: 'pass', reason: '1 report read: no findings (2 ignored).' });
    expect(result.details.findings.map((f) => [f.id, f.verdict, f.ignoredBy])).toEqual([
      ['PYSEC-2019-179', 'ignored', 'PYSEC-2019-179'],
      ['PYSEC-2018-66', 'ignored', 'cve-2018-1000656']
    ]);
  });

  it('counts a finding again when its entry expired, and fails loudly even below the threshold', async () => {
    const result = await assess(
      [trivy(['ubuntu.json'])],
      { 'ubuntu.json': ubuntu },
      { ignores: [entry('CVE-2019-18276', '2026-03-01', 4), entry('CVE-2000-0001', '2026-01-01', 9)] }
    );
    const lowFinding = result.details.findings.find((f) => f.severity === 'low')!;
    expect(lowFinding).toMatchObject({
      verdict: 'below-threshold',
      expiredIgnore: { id: 'CVE-2019-18276', expires: '2026-03-01' }
    });
    expect(result.status).toBe('fail');
    expect(result.reason).toBe('Ignore entry expired: CVE-2019-18276 (expired 2026-03-01). (1 report read.)');
    expect(result.details.expiredIgnores).toEqual([
      {
        id: 'CVE-2019-18276',
        reason: 'not reachable from our code',
        expires: '2026-03-01',
        line: 4,
        matched: true
      },
      {
        id: 'CVE-2000-0001',
        reason: 'not reachable from our code',
        expires: '2026-01-01',
        line: 9,
        matched: false
      }
    ]);
  });

  it('warns about an expired entry that matches nothing', async () => {
    const result = await assess(
      [trivy(['cargo.json'])],
      { 'cargo.json': corpus('trivy/cargo.lock.json') },
      { ignores: [entry('CVE-2000-0001', '2026-01-01')] }
    );
    expect(result).toMatchObject({
      status: 'warn',
      reason: '1 report read: 1 expired ignore entry to remove; nothing at or above high.'
    });
  });

  it('ignores an npm package only when every advisory it stands for is ignored', async () => {
    const files = { 'npm.json': corpus('npm-audit/arborist__dep-vuln-with-own-advisory.json') };
    const one = await assess([npm(['npm.json'])], files, { ignores: [entry('npm-advisory-42069')] });
    expect(one.status).toBe('fail'); // mkdirp is also vulnerable through minimist (advisory 1179)
    const both = await assess([npm(['npm.json'])], files, {
      ignores: [entry('npm-advisory-42069'), entry('1179')]
    });
    expect(both).toMatchObject({ status: 'pass', details: { ignored: 2 } });
  });

  it('reads several reports of several tools and counts per report', async () => {
    const result = await assess(
      [trivy(['images/*']), npm(['frontend/npm-audit.json'])],
      {
        'images/alpine.json': alpine,
        'images/photon.json': corpus('trivy/photon-30.json'),
        'frontend/npm-audit.json': corpus('npm-audit/npm-audit-report__all-severity-levels.json')
      },
      { failOnSeverity: 'critical' }
    );
    expect(result.details.counts).toEqual({ critical: 6, high: 6, medium: 5, low: 8, info: 0, unknown: 0 });
    expect(result.details.reports.map((r) => [r.file, r.counts?.critical])).toEqual([
      ['images/alpine.json', 2],
      ['images/photon.json', 2],
      ['frontend/npm-audit.json', 2]
    ]);
    expect(result.reason).toBe('6 findings at or above critical: 6 critical. (3 reports read.)');
    expect(result.details.findings[0]!.severity).toBe('critical');
  });
});

describe('parseIgnoreFile', () => {
  it('reads entries with their lines', async () => {
    const text = [
      '# reviewed by security',
      '- id: CVE-2019-18276',
      '  reason: bash is not used at runtime',
      '  expires: 2026-06-30',
      '- {id: GHSA-9vvw-cc9w-f27h, reason: "only in dev tooling", expires: "2026-04-01"}'
    ].join('\n');
    expect(await parseIgnoreFile(text)).toEqual([
      { id: 'CVE-2019-18276', reason: 'bash is not used at runtime', expires: '2026-06-30', line: 2 },
      { id: 'GHSA-9vvw-cc9w-f27h', reason: 'only in dev tooling', expires: '2026-04-01', line: 5 }
    ]);
    expect(await parseIgnoreFile('')).toEqual([]);
    expect(await parseIgnoreFile('# nothing ignored\n')).toEqual([]);
  });

  it.each([
    ['- id: CVE-1\n  reason: r', 'entry 1 (line 1) (CVE-1) has no expires date (YYYY-MM-DD)'],
    [
      '- id: CVE-1\n  expires: 2026-06-30',
      'entry 1 (line 1) (CVE-1) has no reason: say why the finding does not apply'
    ],
    ['- reason: r\n  expires: 2026-06-30', 'entry 1 (line 1) has no id'],
    ['- {id: CVE-1, reason: r, expires: 30.06.2026}', 'expires "30.06.2026" is not a date YYYY-MM-DD'],
    ['- {id: CVE-1, reason: r, expires: 2026-02-30}', 'expires "2026-02-30" is not a date'],
    ['- {id: CVE-1, reason: r, expires: 2026-06-30, owner: me}', 'has an unknown key "owner"'],
    ['- CVE-1', 'entry 1 (line 1) is not a mapping'],
    ['ignore:\n  - id: CVE-1', 'expected a YAML list'],
    ['- {id: CVE-1', 'not valid YAML']
  ])('rejects %j: %s', async (text, message) => {
    const error = await parseIgnoreFile(text).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportFormatError);
    expect((error as Error).message).toContain(message);
  });

  it('reports every bad entry at once', async () => {
    const error = (await parseIgnoreFile('- {id: A, reason: r}\n- {id: B, expires: 2026-01-01}').catch(
      (e: unknown) => e
    )) as Error;
    expect(error.message).toBe(
      'entry 1 (line 1) (A) has no expires date (YYYY-MM-DD); entry 2 (line 2) (B) has no reason: say why the finding does not apply'
    );
  });

  it('treats the expiry day as the last day an entry applies (UTC)', () => {
    expect(isIgnoreExpired({ expires: '2026-03-02' }, '2026-03-02')).toBe(false);
    expect(isIgnoreExpired({ expires: '2026-03-01' }, '2026-03-02')).toBe(true);
  });
});
