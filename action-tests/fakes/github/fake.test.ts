/**
 * The GitHub fake judges what it receives and sends: these tests prove that a call GitHub would
 * reject, and a response GitHub would never send, are caught (so tests using the fake can fail).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { GitHubOpenApi } from './openapi.ts';
import { startGitHubFake, type GitHubFake } from './server.ts';

const SHA = 'ffac537e6cbbf934b08745a378932722df287a53';
let fake: GitHubFake;

beforeEach(async () => {
  fake = await startGitHubFake();
});
afterEach(async () => {
  await fake.close();
});

async function call(method: string, path: string, body?: unknown, token = fake.token) {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: {
      authorization: `token ${token}`,
      accept: 'application/vnd.github+json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {})
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {})
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>
  };
}

describe('requests GitHub would reject', () => {
  it.each([
    [
      'an endpoint GitHub does not have',
      'GET',
      '/repos/octo-org/shop/deployment',
      undefined,
      'route',
      'GitHub has no such endpoint'
    ],
    [
      'a method GitHub does not answer there',
      'DELETE',
      '/repos/octo-org/shop/commits/main/check-runs',
      undefined,
      'route',
      'GitHub does not answer DELETE here'
    ],
    [
      'a query parameter GitHub does not define',
      'GET',
      `/repos/octo-org/shop/commits/${SHA}/check-runs?filters=latest`,
      undefined,
      'request',
      'is not a parameter of checks/list-for-ref'
    ],
    [
      'a value outside an enum',
      'GET',
      `/repos/octo-org/shop/commits/${SHA}/check-runs?filter=newest`,
      undefined,
      'request',
      'must be equal to one of the allowed values'
    ],
    [
      'per_page above 100',
      'GET',
      '/repos/octo-org/shop/issues?per_page=500',
      undefined,
      'request',
      'is above 100'
    ],
    [
      'a non-integer path parameter',
      'GET',
      '/repos/octo-org/shop/deployments/latest',
      undefined,
      'request',
      'must be integer'
    ],
    [
      'a body missing a required field',
      'POST',
      '/repos/octo-org/shop/deployments',
      { environment: 'production' },
      'request',
      "must have required property 'ref'"
    ],
    [
      'a body field of the wrong type',
      'POST',
      '/repos/octo-org/shop/issues',
      { title: 'x', labels: 'incident' },
      'request',
      'must be array'
    ],
    [
      'an invalid deployment state',
      'POST',
      '/repos/octo-org/shop/deployments/1/statuses',
      { state: 'done' },
      'request',
      'must be equal to one of the allowed values'
    ],
    [
      'another repository',
      'GET',
      '/repos/someone/else/issues',
      undefined,
      'request',
      'the fake serves octo-org/shop, not someone/else'
    ]
  ] as const)('%s is answered like GitHub and recorded', async (_name, method, path, body, kind, message) => {
    const response = await call(method, path, body);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(fake.violations).toHaveLength(1);
    expect(fake.violations[0]!.kind).toBe(kind);
    expect(fake.violations[0]!.problems.map((p) => p.message).join('; ')).toContain(message);
  });

  it('rejects a missing or wrong token with 401', async () => {
    expect((await call('GET', '/repos/octo-org/shop/issues', undefined, 'ghs_wrong')).status).toBe(401);
    expect(fake.violations.map((v) => v.kind)).toEqual(['auth']);
  });

  it('records an endpoint it does not implement, and a comparison nobody seeded', async () => {
    expect((await call('GET', '/repos/octo-org/shop/releases')).status).toBe(404);
    expect((await call('GET', `/repos/octo-org/shop/compare/main...${SHA}`)).status).toBe(404);
    fake.state.setBranch('main', '1'.repeat(40));
    expect((await call('GET', `/repos/octo-org/shop/compare/main...${SHA}`)).status).toBe(404);
    expect(fake.violations.map((v) => v.kind)).toEqual(['unimplemented', 'unconfigured']);
  });
});

describe('responses GitHub would never send', () => {
  it('catches a state that renders into an invalid payload', async () => {
    const run = fake.state.addCheckRun({ sha: SHA, name: 'test' });
    (run as { conclusion: string }).conclusion = 'passed';
    expect((await call('GET', `/repos/octo-org/shop/commits/${SHA}/check-runs`)).status).toBe(200);
    expect(fake.violations).toEqual([
      {
        kind: 'response',
        call: `GET /repos/octo-org/shop/commits/${SHA}/check-runs`,
        problems: [expect.objectContaining({ where: 'response 200/check_runs/0/conclusion' })]
      }
    ]);
  });

  it('knows undeclared statuses from declared ones', () => {
    const api = GitHubOpenApi.shared();
    const matched = api.match('GET', '/repos/octo-org/shop/environments/production')!;
    expect(
      api.validateResponse(matched, 404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com'
      })
    ).toEqual([]);
    expect(api.validateResponse(matched, 404, { error: 'gone' })).not.toEqual([]);
    expect(api.validateResponse(matched, 302, {})).toEqual([
      { where: 'response 302', message: 'is not a status repos/get-environment declares' }
    ]);
  });
});

describe('state and behaviour', () => {
  it('paginates with Link headers the client can follow', async () => {
    for (let i = 0; i < 5; i++) fake.state.addIssue({ title: `incident ${i}`, labels: ['incident'] });
    const first = await call('GET', '/repos/octo-org/shop/issues?per_page=2');
    expect((first.body as unknown as unknown[]).length).toBe(2);
    expect(first.headers.get('link')).toBe(
      `<${fake.url}/repos/octo-org/shop/issues?per_page=2&page=2>; rel="next", <${fake.url}/repos/octo-org/shop/issues?per_page=2&page=3>; rel="last"`
    );
    const last = await call('GET', '/repos/octo-org/shop/issues?per_page=2&page=3');
    expect((last.body as unknown as { number: number }[]).map((i) => i.number)).toEqual([1]);
    expect(fake.violations).toEqual([]);
  });

  it('sends rate-limit headers and can be told to rate-limit', async () => {
    const ok = await call('GET', '/repos/octo-org/shop/issues');
    expect(ok.headers.get('x-ratelimit-remaining')).toBe('4999');
    fake.rateLimitNext({ kind: 'primary', resetAfterSeconds: 30 });
    const limited = await call('GET', '/repos/octo-org/shop/issues');
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset')) - Date.now() / 1000).toBeGreaterThan(25);
    fake.rateLimitNext({ kind: 'secondary', status: 429, resetAfterSeconds: 7 });
    const secondary = await call('GET', '/repos/octo-org/shop/issues');
    expect([secondary.status, secondary.headers.get('retry-after')]).toEqual([429, '7']);
    expect(fake.calls.map((c) => c.injected)).toEqual([undefined, 'rate-limit', 'rate-limit']);
    expect(fake.violations).toEqual([]);
  });

  it('keeps what was created, for tests to assert', async () => {
    fake.state.setBranch('main', SHA);
    const created = await call('POST', '/repos/octo-org/shop/deployments', {
      ref: 'main',
      environment: 'staging',
      required_contexts: [],
      auto_merge: false
    });
    expect(created.status).toBe(201);
    await call('POST', `/repos/octo-org/shop/deployments/${String(created.body.id)}/statuses`, {
      state: 'success'
    });
    expect(fake.state.deployments).toEqual([
      expect.objectContaining({
        sha: SHA,
        ref: 'main',
        environment: 'staging',
        statuses: [expect.objectContaining({ state: 'success' })]
      })
    ]);
    expect(fake.violations).toEqual([]);
  });
});

describe('secret metadata', () => {
  it('lists repository and environment secrets (names and dates), paginated, as GitHub describes them', async () => {
    fake.state.addEnvironment({ name: 'production' });
    fake.state.addSecret({ name: 'db_url', updatedAt: '2026-01-05T10:00:00Z' });
    fake.state.addSecret({ name: 'SENTRY_DSN', updatedAt: '2026-02-01T10:00:00Z' });
    fake.state.addSecret({ name: 'API_KEY', environment: 'Production', updatedAt: '2026-03-01T10:00:00Z' });
    fake.state.addSecret({ name: 'API_KEY', environment: 'production', updatedAt: '2026-03-02T08:00:00Z' });
    const reader = fake.addToken(['secrets', 'environments']);
    const repository = await call(
      'GET',
      '/repos/octo-org/shop/actions/secrets?per_page=1',
      undefined,
      reader
    );
    expect(repository.body).toEqual({
      total_count: 2,
      secrets: [{ name: 'DB_URL', created_at: '2026-01-05T10:00:00Z', updated_at: '2026-01-05T10:00:00Z' }]
    });
    expect(repository.headers.get('link')).toContain('rel="next"');
    const environment = await call(
      'GET',
      '/repos/octo-org/shop/environments/production/secrets',
      undefined,
      reader
    );
    expect(environment.body).toEqual({
      total_count: 1,
      secrets: [{ name: 'API_KEY', created_at: '2026-03-01T10:00:00Z', updated_at: '2026-03-02T08:00:00Z' }]
    });
    const missing = await call('GET', '/repos/octo-org/shop/environments/qa/secrets', undefined, reader);
    expect(missing.status).toBe(404);
    expect(fake.violations).toEqual([]);
  });

  it('never lets the workflow token read them, and says which permission a personal token lacks', async () => {
    const own = await call('GET', '/repos/octo-org/shop/actions/secrets');
    expect([own.status, own.body.message, own.headers.get('x-accepted-github-permissions')]).toEqual([
      403,
      'Resource not accessible by integration',
      'secrets=read'
    ]);
    const reader = fake.addToken(['secrets']);
    expect((await call('GET', '/repos/octo-org/shop/actions/secrets', undefined, reader)).status).toBe(200);
    const environment = await call(
      'GET',
      '/repos/octo-org/shop/environments/production/secrets',
      undefined,
      reader
    );
    expect([
      environment.status,
      environment.body.message,
      environment.headers.get('x-accepted-github-permissions')
    ]).toEqual([403, 'Resource not accessible by personal access token', 'environments=read']);
    const issues = await call('GET', '/repos/octo-org/shop/issues', undefined, reader);
    expect(issues.status).toBe(403);
    expect(fake.calls.map((c) => c.injected)).toEqual(['permission', undefined, 'permission', 'permission']);
    expect(fake.violations).toEqual([]);
  });

  it('refuses a secret of an environment nobody created', () => {
    expect(() =>
      fake.state.addSecret({ name: 'X', environment: 'qa', updatedAt: '2026-03-01T10:00:00Z' })
    ).toThrow('environment qa does not exist');
  });
});

describe('what a rollback incident reads and writes', () => {
  const BASE = 'a'.repeat(40);

  it('serves a comparison with its commits, their authors and the changed files, as GitHub sends them', async () => {
    fake.state.setComparison(BASE, SHA, {
      aheadBy: 1,
      behindBy: 0,
      commits: [{ sha: SHA, message: 'feat: faster checkout', author: 'alice' }],
      files: ['api/payments/charge.py']
    });
    const { status, body } = await call('GET', `/repos/octo-org/shop/compare/${BASE}...${SHA}`);
    expect(status).toBe(200);
    const commits = body.commits as { sha: string; author: { login: string }; commit: { message: string } }[];
    expect(commits.map((c) => [c.sha, c.author.login, c.commit.message])).toEqual([
      [SHA, 'alice', 'feat: faster checkout']
    ]);
    expect((body.files as { filename: string }[]).map((f) => f.filename)).toEqual(['api/payments/charge.py']);
    expect(fake.violations).toEqual([]);
  });

  it('serves a file by ref through the contents API, base64 like GitHub, and 404 for others', async () => {
    fake.state.setFile(SHA, '.github/CODEOWNERS', '* @octo-org/platform\n');
    const file = await call('GET', `/repos/octo-org/shop/contents/.github%2FCODEOWNERS?ref=${SHA}`);
    expect(file.status).toBe(200);
    expect(Buffer.from(String(file.body.content), 'base64').toString('utf8')).toBe('* @octo-org/platform\n');
    expect((await call('GET', `/repos/octo-org/shop/contents/CODEOWNERS?ref=${SHA}`)).status).toBe(404);
    expect(fake.violations).toEqual([]);
  });

  it('keeps the assignees of a new issue who can be assigned, and drops the others', async () => {
    fake.state.collaborators = new Set(['alice']);
    const { status, body } = await call('POST', '/repos/octo-org/shop/issues', {
      title: 'Rollback of production',
      body: 'text',
      labels: ['incident'],
      assignees: ['alice', 'mallory']
    });
    expect(status).toBe(201);
    expect((body.assignees as { login: string }[]).map((a) => a.login)).toEqual(['alice']);
    expect(fake.state.issues.at(-1)!.assignees).toEqual(['alice']);
    expect(fake.violations).toEqual([]);
  });
});
