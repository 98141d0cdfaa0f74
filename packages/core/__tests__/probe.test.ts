import { describe, expect, it } from '@jest/globals';
import { HttpRequestError } from '../src/errors.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../src/http/client.ts';
import {
  assessProbe,
  observeProbe,
  shasMatch,
  versionsMatch,
  type EndpointResult,
  type ProbeObservation,
  type ProbeTarget
} from '../src/health/probe.ts';
import { interpretAnswer } from '../src/health/responses.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

function target(overrides: Partial<ProbeTarget> = {}): ProbeTarget {
  return {
    url: 'https://api.example.com',
    healthPath: '/health',
    readyPath: '/ready',
    headers: {},
    timeoutMs: 5000,
    ...overrides
  };
}

function answer(httpStatus: number, body: unknown, latencyMs = 12): EndpointResult {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return { kind: 'answer', httpStatus, latencyMs, answer: interpretAnswer(httpStatus, text) };
}

function failure(errorKind: HttpRequestError['kind'], error: string): EndpointResult {
  return { kind: 'error', error, errorKind, latencyMs: 3 };
}

const healthy = (version = '1.4.0', sha = SHA) =>
  answer(200, { status: 'ok', version, git_sha: sha, uptime_seconds: 42 });
const ready = answer(200, { status: 'ok', checks: [{ name: 'postgres', status: 'ok', latency_ms: 2 }] });
const redisDown = answer(503, {
  status: 'fail',
  checks: [
    { name: 'postgres', status: 'ok', latency_ms: 2 },
    { name: 'redis', status: 'fail', error: 'Connection refused' }
  ]
});

describe('assessProbe', () => {
  it('passes when every check passes, and carries what /health reported', () => {
    const verdict = assessProbe(target({ expectedVersion: 'v1.4.0', expectedSha: SHA.slice(0, 7) }), {
      health: healthy(),
      ready
    });
    expect(verdict).toEqual({
      outcome: 'pass',
      checks: [
        { name: 'health', status: 'pass', detail: 'HTTP 200' },
        { name: 'version', status: 'pass', detail: '1.4.0' },
        { name: 'git-sha', status: 'pass', detail: SHA.slice(0, 12) },
        { name: 'ready', status: 'pass', detail: 'HTTP 200' }
      ],
      dependencies: [{ name: 'postgres', status: 'pass', latencyMs: 2 }],
      version: '1.4.0',
      gitSha: SHA,
      uptimeSeconds: 42,
      summary: 'healthy, version 1.4.0'
    });
  });

  it('passes without version checks when nothing is expected', () => {
    const verdict = assessProbe(target(), { health: answer(200, { status: 'ok' }), ready });
    expect(verdict.outcome).toBe('pass');
    expect(verdict.checks.map((c) => c.name)).toEqual(['health', 'ready']);
    expect(verdict.summary).toBe('healthy');
  });

  type Case = [string, Partial<ProbeTarget>, ProbeObservation, 'pass' | 'pending' | 'fail', string[]];
  it.each<Case>([
    [
      'version mismatch only',
      { expectedVersion: '1.4.0' },
      { health: healthy('1.3.9'), ready },
      'pending',
      ['version']
    ],
    [
      'sha mismatch only',
      { expectedSha: 'fedcba9876' },
      { health: healthy(), ready },
      'pending',
      ['git-sha']
    ],
    [
      'version and sha both old',
      { expectedVersion: '1.4.0', expectedSha: 'fedcba9876' },
      { health: healthy('1.3.9'), ready },
      'pending',
      ['version', 'git-sha']
    ],
    [
      'mismatch plus a failing dependency',
      { expectedVersion: '1.4.0' },
      { health: healthy('1.3.9'), ready: redisDown },
      'fail',
      ['version', 'ready', 'redis']
    ],
    [
      'mismatch plus an unhealthy /health',
      { expectedVersion: '1.4.0' },
      { health: answer(500, { status: 'fail', version: '1.3.9' }), ready },
      'fail',
      ['health', 'version']
    ],
    [
      'no version reported when one is expected',
      { expectedVersion: '1.4.0' },
      { health: answer(200, { status: 'ok' }), ready },
      'fail',
      ['version']
    ],
    [
      'no git_sha reported when one is expected',
      { expectedSha: SHA },
      { health: answer(200, { status: 'ok', version: '1' }), ready },
      'fail',
      ['git-sha']
    ],
    [
      '/health refused while a version is expected',
      { expectedVersion: '1.4.0', expectedSha: SHA },
      { health: failure('refused', 'connection refused'), ready },
      'fail',
      ['health', 'version', 'git-sha']
    ],
    ['/ready failing alone', {}, { health: healthy(), ready: redisDown }, 'fail', ['ready', 'redis']],
    [
      'a dependency failing behind a 200',
      {},
      { health: healthy(), ready: answer(200, { checks: [{ name: 'queue', status: 'down' }] }) },
      'fail',
      ['queue']
    ],
    ['a warning /health', {}, { health: answer(200, { status: 'degraded' }), ready }, 'pass', []]
  ])('%s → %s', (_name, overrides, observation, outcome, failing) => {
    const verdict = assessProbe(target(overrides), observation);
    expect(verdict.outcome).toBe(outcome);
    expect(verdict.checks.filter((c) => c.status === 'fail').map((c) => c.name)).toEqual(failing);
  });

  it('explains a pending probe by the version it saw', () => {
    const verdict = assessProbe(target({ expectedVersion: '1.4.0', expectedSha: 'fedcba9876' }), {
      health: healthy('1.3.9'),
      ready
    });
    expect(verdict.summary).toBe(
      `version: reports 1.3.9, expected 1.4.0; git-sha: reports ${SHA.slice(0, 12)}, expected fedcba9876`
    );
    expect(verdict.checks.filter((c) => c.status === 'fail').map((c) => c.cause)).toEqual([
      'version',
      'version'
    ]);
    expect(verdict.version).toBe('1.3.9');
  });

  it('says what is missing when /health reports no version', () => {
    const verdict = assessProbe(target({ expectedVersion: '1.4.0', expectedSha: SHA }), {
      health: answer(200, { status: 'ok' }),
      ready
    });
    expect(verdict.checks.filter((c) => c.status === 'fail')).toEqual([
      {
        name: 'version',
        status: 'fail',
        detail: 'expected 1.4.0, but /health reports no version',
        cause: 'body'
      },
      {
        name: 'git-sha',
        status: 'fail',
        detail: `expected ${SHA.slice(0, 12)}, but /health reports no git_sha`,
        cause: 'body'
      }
    ]);
  });

  it('refuses a version with a line break: a warning when none was expected, a failure when one was', () => {
    const health = answer(200, { status: 'ok', version: '2.0.0\n::add-mask::x', git_sha: SHA });
    const unexpected = assessProbe(target(), { health, ready });
    expect(unexpected.outcome).toBe('pass');
    expect(unexpected.version).toBeUndefined();
    expect(unexpected.checks.filter((c) => c.name === 'version')).toEqual([
      {
        name: 'version',
        status: 'warn',
        detail: expect.stringMatching(
          /^\/health reports a version that is not one \("2\.0\.0\\\\n::add-mask::x"\)/
        ),
        cause: 'body'
      }
    ]);
    expect(unexpected.summary).toMatch(/^healthy; \/health reports a version that is not one/);
    expect(unexpected.summary).not.toMatch(/[\r\n]/);

    const expected = assessProbe(target({ expectedVersion: '2.0.0' }), { health, ready });
    expect(expected.outcome).toBe('fail');
    expect(expected.checks.filter((c) => c.name === 'version')).toEqual([
      expect.objectContaining({
        status: 'fail',
        detail: expect.stringMatching(/^expected 2\.0\.0, but \/health reports a version that is not one/)
      })
    ]);
  });

  it('turns failing dependencies into checks named after the dependency', () => {
    const verdict = assessProbe(target(), { health: healthy(), ready: redisDown });
    expect(verdict.checks).toEqual([
      { name: 'health', status: 'pass', detail: 'HTTP 200' },
      {
        name: 'ready',
        status: 'fail',
        detail: 'GET /ready HTTP 503 (redis: Connection refused)',
        cause: 'http'
      },
      { name: 'redis', status: 'fail', detail: 'Connection refused', cause: 'dependency' }
    ]);
    expect(verdict.dependencies).toEqual([
      { name: 'postgres', status: 'pass', latencyMs: 2 },
      { name: 'redis', status: 'fail', error: 'Connection refused' }
    ]);
    expect(verdict.summary).toBe(
      'ready: GET /ready HTTP 503 (redis: Connection refused); redis: Connection refused'
    );
  });

  it.each<[string, EndpointResult, string, string]>([
    ['refused', failure('refused', 'connection refused'), 'refused', 'GET /health: connection refused'],
    ['timeout', failure('timeout', 'no response within 5s'), 'timeout', 'GET /health: no response within 5s'],
    [
      'too large',
      failure('too-large', 'response body larger than 1048576 bytes'),
      'body',
      'GET /health: response body larger than 1048576 bytes'
    ],
    ['HTTP 500', answer(500, 'oops'), 'http', 'GET /health HTTP 500 (body is not JSON)'],
    ['status word', answer(200, { status: 'down' }), 'status', 'GET /health reports status "down"'],
    [
      'not JSON',
      answer(200, '<html>'),
      'body',
      expect.stringContaining('GET /health answered HTTP 200 but the body is not JSON') as unknown as string
    ],
    [
      'empty body',
      answer(200, ''),
      'body',
      'GET /health answered HTTP 200 with an empty body; a JSON object with a status was expected'
    ]
  ])('classifies a /health %s failure as cause %j', (_name, health, cause, detail) => {
    const verdict = assessProbe(target({ readyPath: undefined }), { health });
    expect(verdict.outcome).toBe('fail');
    expect(verdict.checks[0]).toEqual({ name: 'health', status: 'fail', detail, cause });
  });

  it('ignores a readiness observation when the target has no ready path', () => {
    const verdict = assessProbe(target({ readyPath: undefined }), { health: healthy(), ready: redisDown });
    expect(verdict.outcome).toBe('pass');
    expect(verdict.dependencies).toEqual([]);
  });

  it('keeps a warning as a warning check that does not fail the probe', () => {
    const verdict = assessProbe(target(), { health: answer(200, { status: 'warn' }), ready });
    expect(verdict.checks[0]).toEqual({
      name: 'health',
      status: 'warn',
      detail: 'HTTP 200, reports status "warn"'
    });
  });
});

describe('versionsMatch', () => {
  it.each([
    ['1.2.0', '1.2.0', true],
    ['v1.2.0', '1.2.0', true],
    ['1.2.0', 'v1.2.0', true],
    ['V1.2.0', '1.2.0', true],
    [' 1.2.0 ', '1.2.0', true],
    ['1.2.0', '1.2.1', false],
    ['1.2', '1.2.0', false],
    ['1.2.0', '1.2.0-rc.1', false],
    ['version-1', 'ersion-1', false],
    ['vnext', 'next', false]
  ])('%j vs %j → %s', (expected, reported, match) => {
    expect(versionsMatch(expected, reported)).toBe(match);
  });
});

describe('shasMatch', () => {
  it.each([
    [SHA, SHA, true],
    [SHA.slice(0, 7), SHA, true],
    [SHA, SHA.slice(0, 7), true],
    [SHA.slice(0, 12).toUpperCase(), SHA, true],
    [SHA, ` ${SHA.slice(0, 10)} `, true],
    [SHA.slice(0, 6), SHA, false],
    [SHA, SHA.slice(0, 6), false],
    ['1123456', SHA, false],
    ['0123456789abcdef0', '0123456789abcdef1', false],
    ['', SHA, false]
  ])('%j vs %j → %s', (expected, reported, match) => {
    expect(shasMatch(expected, reported)).toBe(match);
  });
});

describe('observeProbe', () => {
  function fakeHttp(reply: (request: HttpRequest) => HttpResponse | Error) {
    const requests: HttpRequest[] = [];
    const http: HttpClient = {
      request: async (request) => {
        requests.push(request);
        const result = reply(request);
        if (result instanceof Error) throw result;
        return result;
      }
    };
    return { http, requests };
  }
  const ok = (body: unknown, latencyMs = 5): HttpResponse => ({
    status: 200,
    headers: {},
    body: JSON.stringify(body),
    latencyMs
  });

  it('requests /health and /ready with no-cache and the given headers and timeout', async () => {
    const { http, requests } = fakeHttp((request) =>
      request.url.endsWith('/health') ? ok({ status: 'ok', version: '2' }, 7) : ok({ status: 'ok' }, 9)
    );
    const observation = await observeProbe(
      target({ headers: { authorization: 'Bearer x', 'cache-control': 'max-age=60', accept: 'text/plain' } }),
      http,
      1234
    );
    expect(requests.map((r) => r.url)).toEqual([
      'https://api.example.com/health',
      'https://api.example.com/ready'
    ]);
    for (const request of requests) {
      expect(request.timeoutMs).toBe(1234);
      expect(request.headers).toEqual({
        accept: 'text/plain',
        authorization: 'Bearer x',
        'cache-control': 'no-cache'
      });
      expect(request.method).toBeUndefined();
    }
    expect(observation.health).toMatchObject({ kind: 'answer', httpStatus: 200, latencyMs: 7 });
    expect(observation.ready).toMatchObject({ kind: 'answer', httpStatus: 200, latencyMs: 9 });
  });

  it('uses the target timeout and asks for health+json by default', async () => {
    const { http, requests } = fakeHttp(() => ok({ status: 'ok' }));
    const observation = await observeProbe(target({ readyPath: undefined, timeoutMs: 800 }), http);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.timeoutMs).toBe(800);
    expect(requests[0]!.headers!.accept).toMatch(/^application\/health\+json/);
    expect(observation).not.toHaveProperty('ready');
  });

  it('turns request errors into error results instead of throwing', async () => {
    const { http } = fakeHttp((request) =>
      request.url.endsWith('/health')
        ? new HttpRequestError('no response within 5s', 'timeout', 5000)
        : new TypeError('fetch exploded')
    );
    expect(await observeProbe(target(), http)).toEqual({
      health: { kind: 'error', error: 'no response within 5s', errorKind: 'timeout', latencyMs: 5000 },
      ready: { kind: 'error', error: 'fetch exploded', errorKind: 'network', latencyMs: 0 }
    });
  });
});
