import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '@deploy-actions/core/errors';
import { preflightSchema, readPreflightInputs, type PreflightInputs } from '../src/inputs.ts';
import { resolveInputs, toPreflightConfig } from '../src/main.ts';
import { actionYml, runnerInputs } from './action-yml.ts';

const SHA = 'ffac537e6cbbf934b08745a378932722df287a53';
const TOKEN = 'ghs_preflightTokenValue123';

/** action.yml's defaults with the two workflow expressions expanded, as the runner does. */
function runner(given: Record<string, string>): Record<string, string> {
  const inputs = runnerInputs(given);
  if (inputs['github-token'] === '${{ github.token }}') inputs['github-token'] = TOKEN;
  if (inputs.sha === '${{ github.sha }}') inputs.sha = SHA;
  return inputs;
}

function read(inputs: Record<string, string>, secrets: string[] = []): PreflightInputs {
  return readPreflightInputs(
    (name) => inputs[name] ?? '',
    (value) => secrets.push(value)
  );
}

function configurationError(inputs: Record<string, string>): ConfigurationError {
  try {
    read(inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error(`expected ${JSON.stringify(inputs)} to be rejected`);
}

const ENV = { environment: 'production' };

/** At least one invalid value for every input of action.yml. */
const INVALID: Record<string, string[]> = {
  'github-token': ['${{ github.token }}', 'tok en'],
  environment: ['${{ inputs.env }}', 'a\nb', 'x'.repeat(256)],
  sha: ['abc1234', 'ffac537e6cbbf934b08745a378932722df287a5z', '${{ github.sha }}'],
  'base-branch': ['main branch', 'feature..x', '/main', 'main.lock'],
  checks: ['ci,deploy', 'CI', 'security;window'],
  'ci-wait': ['soon', '-1s', '7h'],
  'ci-ignore': ['*', 'lint, ?*'],
  'trivy-reports': ['!reports/*.json', 'reports/[a.json'],
  'pip-audit-reports': ['pip-audit-{a,b.json'],
  'npm-audit-reports': ['npm/]x.json'],
  'fail-on-severity': ['severe', 'HIGH', 'moderate'],
  'vuln-ignore-file': [],
  'incident-labels': [','],
  'incident-severity-labels': [' , '],
  timezone: ['Mars/Olympus', 'EST5', 'America/NewYork'],
  'freeze-windows': ['Fri 16:00', 'Funday', 'Fri 16:00-25:00', 'Sat; Sun 10:00-10:00'],
  holidays: ['2026-02-30', '24.12.2026', '2026-12-24..2026-12-01'],
  'holiday-calendar': ['USA', 'D', 'DE_BY'],
  'window-at': ['tomorrow', '2026-03-06', '2026-03-06T25:00', '2026-02-30T10:00Z'],
  'override-reason': ['urgent', 'x'.repeat(1001)],
  'require-reviewers': ['yes', 'always'],
  'staging-environment': ['a\nb'],
  'secrets-token': ['${{ secrets.DEPLOY_SECRETS_READER }}', 'tok en'],
  'secrets-settle': ['soon', '-1h', '31d'],
  'secrets-max-age': ['quarterly', '90days', '3651d']
};

/** Inputs that any string fits (globs, a path): checked elsewhere (globs at run time, the file before any request). */
const FREE_FORM = [
  'ci-ignore',
  'trivy-reports',
  'pip-audit-reports',
  'npm-audit-reports',
  'vuln-ignore-file'
];

describe('the preflight-validate schema and action.yml', () => {
  it('has exactly the inputs of action.yml', () => {
    expect(Object.keys(preflightSchema.shape).sort()).toEqual(Object.keys(actionYml.inputs).sort());
  });

  it('has an invalid-value case for every input of action.yml that has invalid values', () => {
    expect(Object.keys(INVALID).sort()).toEqual(Object.keys(actionYml.inputs).sort());
    for (const [input, values] of Object.entries(INVALID))
      expect(values.length > 0 || FREE_FORM.includes(input)).toBe(true);
  });

  it('marks only environment as required', () => {
    expect(Object.entries(actionYml.inputs).flatMap(([name, i]) => (i.required ? [name] : []))).toEqual([
      'environment'
    ]);
  });

  it.each(
    Object.entries(INVALID).flatMap(([input, values]) => values.map((value) => [input, value] as const))
  )('rejects %s = %j and names the input', (input, value) => {
    const error = configurationError({ ...ENV, [input]: value });
    expect(error.problems.map((p) => p.input)).toEqual([input]);
    expect(error.problems[0]!.expected.length).toBeGreaterThan(5);
    expect(error.message.startsWith(`Input \`${input}\`: got `)).toBe(true);
  });

  it('has defaults equal to action.yml (the workflow expressions come from the runner)', () => {
    const withYmlDefaults = read(runner(ENV));
    const withNothing = read(ENV);
    expect(withNothing['github-token']).toBeUndefined();
    expect(withNothing.sha).toBeUndefined();
    expect({ ...withYmlDefaults, 'github-token': undefined, sha: undefined }).toEqual(withNothing);
  });

  it('parses the defaults to the contract values', () => {
    const inputs = read(runner(ENV));
    expect(inputs).toEqual({
      'github-token': TOKEN,
      environment: 'production',
      sha: SHA,
      'base-branch': 'main',
      checks: ['ci', 'up-to-date', 'security', 'incidents', 'window', 'reviewers'],
      'ci-wait': 600_000,
      'ci-ignore': undefined,
      'trivy-reports': undefined,
      'pip-audit-reports': undefined,
      'npm-audit-reports': undefined,
      'fail-on-severity': 'high',
      'vuln-ignore-file': undefined,
      'incident-labels': ['incident'],
      'incident-severity-labels': ['P1', 'P2'],
      timezone: 'UTC',
      'freeze-windows': [
        { text: 'Fri 16:00-24:00', segments: [{ weekday: 5, start: 960, end: 1440 }] },
        { text: 'Sat', segments: [{ weekday: 6, start: 0, end: 1440 }] },
        { text: 'Sun', segments: [{ weekday: 0, start: 0, end: 1440 }] }
      ],
      holidays: undefined,
      'holiday-calendar': undefined,
      'window-at': undefined,
      'override-reason': undefined,
      'require-reviewers': 'auto',
      'staging-environment': 'staging',
      'secrets-token': undefined,
      'secrets-settle': 3_600_000,
      'secrets-max-age': 90 * 86_400_000
    });
  });

  it('parses every input given', () => {
    const inputs = read({
      'github-token': TOKEN,
      environment: 'prod-eu',
      sha: SHA.toUpperCase(),
      'base-branch': 'refs/heads/release/2.x',
      checks: 'ci\nwindow\nci',
      'ci-wait': '90s',
      'ci-ignore': 'codecov/*, deploy-docs',
      'trivy-reports': 'reports/trivy-*.json',
      'pip-audit-reports': 'backend/pip-audit.json',
      'npm-audit-reports': 'frontend/npm-audit.json',
      'fail-on-severity': 'critical',
      'vuln-ignore-file': '.github/vuln-ignore.yml',
      'incident-labels': 'incident, outage',
      'incident-severity-labels': 'sev1',
      timezone: 'Europe/Berlin',
      'freeze-windows': 'none',
      holidays: '2026-12-24..2026-12-26\n2026-12-31',
      'holiday-calendar': 'de-by',
      'window-at': '2026-03-06T16:00',
      'override-reason': 'hotfix for the checkout outage',
      'require-reviewers': 'true',
      'staging-environment': 'none',
      'secrets-token': 'github_pat_11ABCDEFG0secretsReader',
      'secrets-settle': '1d12h',
      'secrets-max-age': '0'
    });
    expect(inputs).toMatchObject({
      sha: SHA,
      'base-branch': 'release/2.x',
      checks: ['ci', 'window'],
      'ci-wait': 90_000,
      'ci-ignore': ['codecov/*', 'deploy-docs'],
      'incident-labels': ['incident', 'outage'],
      'freeze-windows': [],
      holidays: [
        { from: '2026-12-24', to: '2026-12-26', text: '2026-12-24..2026-12-26' },
        { from: '2026-12-31', to: '2026-12-31', text: '2026-12-31' }
      ],
      'holiday-calendar': 'DE-BY',
      'window-at': { date: '2026-03-06', minuteOfDay: 960, text: '2026-03-06T16:00' },
      'staging-environment': null,
      'secrets-settle': 129_600_000,
      'secrets-max-age': 0
    });
    expect(read({ ...ENV, 'window-at': '2026-03-06T21:00:00Z' })['window-at']).toEqual({
      instantMs: Date.parse('2026-03-06T21:00:00Z'),
      text: '2026-03-06T21:00:00Z'
    });
    expect(read({ ...ENV, 'window-at': '2026-03-06 16:00+01:00' })['window-at']).toMatchObject({
      instantMs: Date.parse('2026-03-06T15:00:00Z')
    });
  });

  it('masks the token before parsing and never shows it', () => {
    const secrets: string[] = [];
    expect(() => read({ 'github-token': 'bad token value', environment: '' }, secrets)).toThrow(
      ConfigurationError
    );
    expect(secrets).toEqual(['bad token value']);
    const error = configurationError({ 'github-token': 'bad token value', environment: 'production' });
    expect(error.problems).toEqual([
      { input: 'github-token', shownValue: '"***"', expected: 'a GitHub token without spaces' }
    ]);
    expect(error.message).not.toContain('bad token');
  });

  it('masks secrets-token before parsing and never shows it', () => {
    const secrets: string[] = [];
    read({ ...ENV, 'secrets-token': 'github_pat_11ABCDEFG0secretsReader' }, secrets);
    expect(secrets).toEqual(['github_pat_11ABCDEFG0secretsReader']);
    const error = configurationError({ ...ENV, 'secrets-token': 'bad secrets token' });
    expect(error.problems).toEqual([
      { input: 'secrets-token', shownValue: '"***"', expected: 'a GitHub token without spaces' }
    ]);
    expect(error.message).not.toContain('bad secrets');
  });

  it('names an unknown check id and lists the known ones', () => {
    expect(configurationError({ ...ENV, checks: 'ci,deploy' }).problems[0]!.expected).toBe(
      'check ids from ci, up-to-date, security, incidents, window, reviewers, staging-verified, secrets (unknown: "deploy")'
    );
  });

  it('reports every invalid input at once', () => {
    const error = configurationError({
      environment: '',
      timezone: 'Mars/Olympus',
      checks: 'deploy',
      'ci-wait': 'soon'
    });
    expect(error.problems.map((p) => p.input)).toEqual(['environment', 'checks', 'ci-wait', 'timezone']);
  });
});

describe('resolveInputs (the checks that need files, calendar data or the run context)', () => {
  const files = (contents: Record<string, string>) => ({
    glob: async () => [],
    readFile: async (file: string) => {
      if (!(file in contents)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return contents[file]!;
    }
  });
  const env = {
    GITHUB_REPOSITORY: 'octo-org/shop',
    GITHUB_SHA: SHA,
    GITHUB_RUN_ID: '9876543210',
    GITHUB_ACTOR: 'octocat'
  };

  async function problems(
    given: Record<string, string>,
    contents: Record<string, string> = {},
    environment: Record<string, string> = env
  ) {
    const error = await resolveInputs(read(given), files(contents), environment).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).problems;
  }

  it('rejects an ignore entry without expiry, naming the input and the entry', async () => {
    const found = await problems(
      { ...runner(ENV), 'vuln-ignore-file': 'ignore.yml' },
      { 'ignore.yml': '- id: CVE-2019-18276\n  reason: bash is not used at runtime\n' }
    );
    expect(found).toEqual([
      {
        input: 'vuln-ignore-file',
        shownValue: '"ignore.yml"',
        expected:
          'a YAML list of {id, reason, expires: YYYY-MM-DD} entries, each with a reason and an expiry (entry 1 (line 1) (CVE-2019-18276) has no expires date (YYYY-MM-DD))'
      }
    ]);
  });

  it('rejects a missing ignore file, an unknown calendar and a missing token together', async () => {
    const given = runner({ ...ENV, 'vuln-ignore-file': 'missing.yml', 'holiday-calendar': 'XX' });
    delete given['github-token'];
    const found = await problems(given);
    expect(found.map((p) => p.input)).toEqual(['vuln-ignore-file', 'holiday-calendar', 'github-token']);
    expect(found[0]!.expected).toContain('the file cannot be read (ENOENT)');
    expect(found[1]!.expected).toBe(
      'a known country or region code: "XX" is not a country the holiday calendar knows'
    );
    expect(found[2]!.expected).toBe(
      'a token: the checks ci, up-to-date, incidents, reviewers, staging-verified read the GitHub API'
    );
  });

  it('needs no token when only local checks run, and takes the sha from GITHUB_SHA', async () => {
    const resolved = await resolveInputs(
      read({ environment: 'staging', checks: 'security,window' }),
      files({}),
      env
    );
    expect(resolved.sha).toBe(SHA);
    const config = toPreflightConfig(resolved);
    expect(config).toMatchObject({
      sha: SHA,
      run: { repository: 'octo-org/shop', runId: 9876543210, actor: 'octocat' }
    });
    expect(config.security.sources).toEqual([]);
  });

  it('asks for a sha when neither the input nor GITHUB_SHA gives one', async () => {
    expect(
      (await problems({ environment: 'staging', checks: 'window' }, {}, {})).map((p) => p.input)
    ).toEqual(['sha']);
  });

  it('asks for secrets-token when the secrets check has no token at all', async () => {
    expect(await problems({ environment: 'staging', checks: 'secrets,window' })).toEqual([
      {
        input: 'secrets-token',
        shownValue: 'nothing',
        expected:
          'a token that may read secret metadata (fine-grained: "Secrets" and "Environments" read; classic: repo scope) for the secrets check'
      }
    ]);
  });

  it('says which input the secrets check token comes from', async () => {
    const only = await resolveInputs(read(runner({ ...ENV, checks: 'secrets' })), files({}), env);
    expect(toPreflightConfig(only).secrets).toEqual({
      settleMs: 3_600_000,
      maxAgeMs: 90 * 86_400_000,
      token: 'github-token'
    });
    const own = await resolveInputs(
      read(runner({ ...ENV, checks: 'secrets', 'secrets-token': 'github_pat_reader' })),
      files({}),
      env
    );
    expect(toPreflightConfig(own).secrets.token).toBe('secrets-token');
  });

  it('reads window-at without an offset in the timezone, across daylight saving', async () => {
    const resolved = await resolveInputs(
      read(runner({ ...ENV, timezone: 'America/New_York', 'window-at': '2026-03-13T16:00' })),
      files({}),
      env
    );
    expect(new Date(toPreflightConfig(resolved).windowAtMs!).toISOString()).toBe('2026-03-13T20:00:00.000Z');
  });
});
