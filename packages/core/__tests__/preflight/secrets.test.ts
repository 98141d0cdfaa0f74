import { describe, expect, it } from '@jest/globals';
import { GitHubApiError, type GitHubSecretsClient, type SecretMetadata } from '../../src/github/client.ts';
import {
  assessSecrets,
  checkSecrets,
  formatAge,
  type SecretsCheckOptions
} from '../../src/preflight/secrets.ts';
import { renderPreflightSummary, type PreflightReport } from '../../src/preflight/index.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-03-03T15:00:00Z');

const options: SecretsCheckOptions = {
  environment: 'production',
  settleMs: HOUR,
  maxAgeMs: 90 * DAY,
  nowMs: NOW,
  token: 'secrets-token'
};

/** A secret last updated `ageMs` before NOW. */
function secret(name: string, ageMs: number): SecretMetadata {
  const updatedAt = new Date(NOW - ageMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { name, createdAt: '2025-01-01T00:00:00Z', updatedAt };
}

describe('assessSecrets', () => {
  it.each([
    ['nothing to judge', [], [], 'pass'],
    ['settled and young enough', [secret('DB_URL', 10 * DAY)], [secret('API_KEY', 2 * HOUR)], 'pass'],
    ['exactly at the settle limit', [], [secret('API_KEY', HOUR)], 'pass'],
    ['exactly at the age limit', [secret('DB_URL', 90 * DAY)], [], 'pass'],
    ['an environment secret rotated 30 minutes ago', [], [secret('API_KEY', 30 * 60_000)], 'fail'],
    ['a repository secret rotated a minute ago', [secret('DB_URL', 60_000)], [], 'fail'],
    ['a date in the future (clock skew)', [secret('DB_URL', -5 * 60_000)], [], 'fail'],
    ['one older than 90 days', [secret('DB_URL', 91 * DAY)], [secret('API_KEY', DAY)], 'fail']
  ] as const)('%s: %s', (_, repository, environment, status) => {
    expect(assessSecrets({ repository, environment }, options).status).toBe(status);
  });

  it('says which secrets settle, which are overdue and what to do, with their scopes', () => {
    const result = assessSecrets(
      {
        repository: [secret('DB_URL', 120 * DAY), secret('SENTRY_DSN', 5 * DAY)],
        environment: [secret('API_KEY', 20 * 60_000)]
      },
      options
    );
    expect(result.status).toBe('fail');
    expect(result.reason).toBe(
      '1 secret updated less than 1h ago: API_KEY (environment, 20m ago); 1 secret not rotated for more than 90d: DB_URL (repository, 120d ago). 2 repository secrets shared by every environment: DB_URL, SENTRY_DSN.'
    );
    expect(result.next).toMatch(/^Deploy after the rotation has settled \(in 40m\).+Rotate DB_URL /);
    expect(result.details.shared).toEqual(['DB_URL', 'SENTRY_DSN']);
    expect(result.details.secrets.map((s) => `${s.name}:${s.scope}:${s.verdict}`)).toEqual([
      'API_KEY:environment:settling',
      'DB_URL:repository:overdue',
      'SENTRY_DSN:repository:ok'
    ]);
  });

  it('only reports ages when secrets-max-age is 0', () => {
    const result = assessSecrets(
      { repository: [secret('DB_URL', 400 * DAY)], environment: [] },
      { ...options, maxAgeMs: 0 }
    );
    expect(result.status).toBe('pass');
    expect(result.reason).toBe(
      '1 secret settled and rotated in time (oldest DB_URL, 400d). 1 repository secret shared by every environment: DB_URL.'
    );
  });

  it('marks a repository secret the environment replaces with its own', () => {
    const result = assessSecrets(
      { repository: [secret('API_KEY', 3 * DAY)], environment: [secret('API_KEY', 2 * DAY)] },
      options
    );
    expect(result.details.secrets.find((s) => s.scope === 'repository')?.overriddenByEnvironment).toBe(true);
    expect(
      result.details.secrets.find((s) => s.scope === 'environment')?.overriddenByEnvironment
    ).toBeUndefined();
  });

  it('warns when the environment does not exist (it has no secrets of its own)', () => {
    const result = assessSecrets({ repository: [secret('DB_URL', DAY)], environment: undefined }, options);
    expect(result.status).toBe('warn');
    expect(result.reason).toMatch(
      /Environment `production` does not exist, so it has no secrets of its own\.$/
    );
    expect(result.details.environmentExists).toBe(false);
  });

  it('neutralises names from the API before they reach the log or the report', () => {
    const result = assessSecrets(
      { repository: [secret('X\n::add-mask::leak', 20 * 60_000)], environment: [] },
      options
    );
    expect(result.reason).not.toContain('\n::add-mask::');
    expect(result.details.secrets[0]!.name).not.toContain('\n');
  });

  it('never lets an unreadable date pass', () => {
    const broken = { name: 'DB_URL', createdAt: 'x', updatedAt: 'yesterday' };
    expect(assessSecrets({ repository: [broken], environment: [] }, options).status).toBe('fail');
  });
});

describe('formatAge', () => {
  it.each([
    [40_500, '40s'],
    [20 * 60_000 + 1500, '20m'],
    [3 * HOUR + 10 * 60_000 + 59_000, '3h10m'],
    [HOUR, '1h'],
    [DAY, '1d'],
    [90 * DAY + 5 * HOUR, '90d']
  ])('%d ms is %j', (ms, text) => expect(formatAge(ms)).toBe(text));
});

class MemorySecrets implements GitHubSecretsClient {
  repository: SecretMetadata[] = [];
  environments = new Map<string, SecretMetadata[]>();
  refuse?: GitHubApiError;
  async listRepositorySecrets() {
    if (this.refuse && !this.refuse.endpoint.includes('/environments/')) throw this.refuse;
    return this.repository;
  }
  async listEnvironmentSecrets(environment: string) {
    if (this.refuse?.endpoint.includes('/environments/')) throw this.refuse;
    return this.environments.get(environment);
  }
}

const refused = (endpoint: string, accepted?: string) =>
  new GitHubApiError('GitHub API failed with HTTP 403', 'permission', 403, endpoint, accepted);

describe('checkSecrets', () => {
  it('reads both lists and assesses them', async () => {
    const github = new MemorySecrets();
    github.repository = [secret('DB_URL', 10 * DAY)];
    github.environments.set('production', [secret('API_KEY', 5 * DAY)]);
    const result = await checkSecrets(github, options);
    expect(result.status).toBe('pass');
    expect(result.details.secrets).toHaveLength(2);
  });

  it('says the repository needs the Secrets permission, and that GITHUB_TOKEN never has it', async () => {
    const github = new MemorySecrets();
    github.refuse = refused('GET /repos/{owner}/{repo}/actions/secrets', 'secrets=read');
    const result = await checkSecrets(github, { ...options, token: 'github-token' });
    expect(result.status).toBe('fail');
    expect(result.reason).toBe(
      'GitHub refused to list the repository\'s secrets (HTTP 403): the token lacks the "Secrets" repository permission (read), or the `repo` scope for a classic token; GitHub accepts secrets=read. `secrets-token` is not set, so the check used `github-token`: GitHub’s GITHUB_TOKEN can never read secret metadata.'
    );
    expect(result.next).toMatch(/^Set `secrets-token` to a token that may read secret metadata/);
  });

  it('says environment secrets need the Environments permission', async () => {
    const github = new MemorySecrets();
    github.refuse = refused('GET /repos/{owner}/{repo}/environments/{environment_name}/secrets');
    const result = await checkSecrets(github, options);
    expect(result.reason).toBe(
      'GitHub refused to list the `production` environment\'s secrets (HTTP 403): the token lacks the "Environments" repository permission (read), or the `repo` scope for a classic token.'
    );
  });

  it('lets other failures reach the caller, which fails the check', async () => {
    const github = new MemorySecrets();
    github.refuse = new GitHubApiError('boom', 'server', 502, 'GET /repos/{owner}/{repo}/actions/secrets');
    await expect(checkSecrets(github, options)).rejects.toThrow('boom');
  });
});

describe('the secrets section of the summary', () => {
  it('lists each secret with its scope, date, age and verdict', () => {
    const result = assessSecrets(
      { repository: [secret('DB_URL', 120 * DAY)], environment: [secret('API_KEY', 20 * 60_000)] },
      options
    );
    const report = {
      schema: 'preflight-validate/v1',
      passed: false,
      verdict: 'blocked',
      repository: 'octo-org/shop',
      environment: 'production',
      productionLike: true,
      sha: 'ffac537e6cbbf934b08745a378932722df287a53',
      baseBranch: 'main',
      startedAt: '2026-03-03T15:00:00.000Z',
      finishedAt: '2026-03-03T15:00:01.000Z',
      durationMs: 1000,
      checks: [result],
      failedChecks: ['secrets'],
      warnedChecks: [],
      nextSteps: []
    } satisfies PreflightReport;
    const section = renderPreflightSummary(report).split('### Secrets\n\n')[1]!.split('\n\n<sub>')[0];
    expect(section).toMatchInlineSnapshot(`
     "| secret | scope | updated | age |  |
     | --- | --- | --- | --- | --- |
     | API_KEY | environment production | 2026-03-03T14:40:00Z | 20m | ❌ updated too recently |
     | DB_URL | repository (every environment) | 2025-11-03T15:00:00Z | 120d | ❌ rotation overdue |"
    `);
  });
});
