/**
 * health-gate as users run it: the dist bundle under Node 24, against the real example app with
 * real PostgreSQL and Redis behind it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readActionYml, runAction, type ActionRun } from './run-action.ts';
import { startHttpStub } from './fakes/http-stub.ts';
import {
  freePort,
  migrateDatabase,
  sleep,
  startExampleApp,
  startPostgres,
  startRedis,
  type ExampleApp,
  type PostgresService,
  type RedisService
} from './services/index.ts';

const SHA = '3f786850e387550fdab836ed7e6dc881de23001b';
const NEXT_SHA = '89e6c98d92887913cadf06b2adb97f26cde4849b';
/** Fast settings: the behaviour under test is the same at any speed. */
const FAST = {
  interval: '250ms',
  timeout: '2s',
  'start-period': '0s',
  retries: '2',
  'success-threshold': '2',
  deadline: '20s'
};

let postgres: PostgresService;
let redis: RedisService;
const started: { stop(): Promise<void> }[] = [];

async function app(options: Partial<Parameters<typeof startExampleApp>[0]> = {}): Promise<ExampleApp> {
  const instance = await startExampleApp({
    version: '1.4.0',
    gitSha: SHA,
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    ...options
  });
  started.push(instance);
  return instance;
}

function report(run: ActionRun) {
  return JSON.parse(run.outputs.report ?? '{}');
}

function failedChecks(run: ActionRun): { name: string; error: string }[] {
  return JSON.parse(run.outputs['failed-checks'] ?? '[]');
}

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  await migrateDatabase(postgres.url);
});

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  await Promise.all([postgres?.stop(), redis?.stop()]);
});

describe('health-gate against the example app', () => {
  it('passes a healthy service of the expected version, with latency and smoke checks', async () => {
    const service = await app();
    const run = await runAction('health-gate', {
      inputs: {
        ...FAST,
        url: service.url,
        'expected-version': 'v1.4.0',
        'expected-sha': SHA.slice(0, 7),
        'latency-samples': '40',
        'latency-concurrency': '4',
        'max-p99': '2s',
        smoke: 'GET /api/items 200\nGET /api/items/987654 404\nPOST /api/items 422 detail'
      }
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      healthy: 'true',
      version: '1.4.0',
      'git-sha': SHA,
      attempts: '2',
      'failed-checks': '[]'
    });
    expect(Number(run.outputs['uptime-seconds'])).toBeGreaterThan(0);
    for (const p of ['p50-ms', 'p95-ms', 'p99-ms']) expect(Number(run.outputs[p])).toBeGreaterThan(0);
    expect(Number(run.outputs['p50-ms'])).toBeLessThanOrEqual(Number(run.outputs['p99-ms']));
    const result = report(run);
    expect(result.schema).toBe('health-gate/v1');
    expect(result.dependencies.map((d: { name: string; status: string }) => `${d.name}:${d.status}`)).toEqual(
      ['postgresql:pass', 'redis:pass']
    );
    expect(result.smoke.map((s: { passed: boolean }) => s.passed)).toEqual([true, true, true]);
    expect(run.summary).toContain('✅ health-gate: healthy');
    expect(run.summary).toContain('### Latency');
    expect(run.annotations.filter((a) => a.level === 'error')).toEqual([]);
  });

  it('waits out a slow start inside the start period', async () => {
    const port = await freePort();
    const service = await app({ port, startupDelaySeconds: 2, waitUntilListening: false });
    const run = await runAction('health-gate', {
      inputs: { ...FAST, url: service.url, 'start-period': '10s', retries: '1', 'expected-version': '1.4.0' }
    });
    expect(run.exitCode).toBe(0);
    const timeline = report(run).timeline as { outcome: string; inStartPeriod: boolean }[];
    expect(timeline.filter((p) => p.outcome === 'fail').length).toBeGreaterThan(2);
    expect(timeline.filter((p) => p.outcome === 'fail').every((p) => p.inStartPeriod)).toBe(true);
    expect(run.summary).toContain('🟡');
  });

  it('waits while the old version still answers, then passes on the new one', async () => {
    const port = await freePort();
    const old = await app({ port, version: '1.3.9', gitSha: SHA });
    const gate = runAction('health-gate', {
      inputs: {
        ...FAST,
        url: old.url,
        // The start period covers the gap between the old instance stopping and the new one listening.
        'start-period': '15s',
        'expected-version': '1.4.0',
        'expected-sha': NEXT_SHA,
        'success-threshold': '3'
      }
    });
    await sleep(1500);
    await old.stop();
    await app({ port, version: '1.4.0', gitSha: NEXT_SHA });
    const run = await gate;
    expect(run.exitCode).toBe(0);
    expect(run.outputs.version).toBe('1.4.0');
    const outcomes = (report(run).timeline as { outcome: string }[]).map((p) => p.outcome);
    expect(outcomes[0]).toBe('pending');
    expect(outcomes.slice(-3)).toEqual(['pass', 'pass', 'pass']);
    expect(run.summary).toContain('⏳');
  });

  it('fails with the failing dependency named when Redis is down', async () => {
    const ownRedis = await startRedis();
    const service = await app({ redisUrl: ownRedis.url });
    await ownRedis.stop();
    const run = await runAction('health-gate', { inputs: { ...FAST, url: service.url } });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.healthy).toBe('false');
    const redisCheck = failedChecks(run).find((c) => c.name === 'redis');
    expect(redisCheck?.error).toMatch(/connection refused/i);
    expect(failedChecks(run).map((c) => c.name)).not.toContain('postgresql');
    expect(run.summary).toMatch(/Dependency `redis` is failing/);
    expect(run.annotations.some((a) => a.level === 'error' && /redis/i.test(a.message))).toBe(true);
  });

  it('fails with postgresql named when the database is down', async () => {
    const ownPostgres = await startPostgres();
    const service = await app({ databaseUrl: ownPostgres.url });
    await ownPostgres.stop();
    const run = await runAction('health-gate', { inputs: { ...FAST, url: service.url } });
    expect(run.exitCode).toBe(1);
    const names = failedChecks(run).map((c) => c.name);
    expect(names).toContain('postgresql');
    expect(names).not.toContain('redis');
  });

  it('fails on connection refused and says what to check', async () => {
    const port = await freePort();
    const run = await runAction('health-gate', { inputs: { ...FAST, url: `http://127.0.0.1:${port}` } });
    expect(run.exitCode).toBe(1);
    expect(failedChecks(run)[0]).toEqual({ name: 'health', error: 'GET /health: connection refused' });
    expect(run.summary).toContain('Nothing accepts connections');
    expect(run.outputs.attempts).toBe('2');
  });

  it('bounds a hanging endpoint by the timeout and ends at the deadline', async () => {
    const service = await app({ faultLatencyMs: 60_000 });
    const run = await runAction('health-gate', {
      inputs: {
        ...FAST,
        url: service.url,
        timeout: '700ms',
        interval: '300ms',
        retries: '100',
        deadline: '3s'
      }
    });
    expect(run.exitCode).toBe(1);
    const result = report(run);
    expect(result.gate.reason).toMatch(/^deadline 3s reached/);
    expect(result.gate.elapsedSeconds).toBeLessThanOrEqual(3.2);
    expect(run.durationMs).toBeLessThan(10_000);
    const summaries = (result.timeline as { summary: string }[]).map((p) => p.summary);
    expect(summaries[0]).toMatch(/no response within 700ms/);
    for (const probe of result.timeline) expect(probe.atMs).toBeLessThan(3000);
  });

  it('never passes a flapping service', async () => {
    const service = await app({ faultErrorPercent: 50, faultSeed: 7 });
    const run = await runAction('health-gate', {
      inputs: {
        ...FAST,
        url: service.url,
        interval: '100ms',
        retries: '50',
        'success-threshold': '4',
        deadline: '3s'
      }
    });
    expect(run.exitCode).toBe(1);
    const outcomes = (report(run).timeline as { outcome: string }[]).map((p) => p.outcome);
    expect(outcomes).toContain('pass');
    expect(outcomes).toContain('fail');
    expect(report(run).gate.reason).toMatch(/deadline/);
  });

  it('fails smoke checks with the check named, after the gate passed', async () => {
    const service = await app();
    const run = await runAction('health-gate', {
      inputs: {
        ...FAST,
        url: service.url,
        smoke: 'GET /api/items 200\nGET /api/items 201\nGET /health 200 no-such-text'
      }
    });
    expect(run.exitCode).toBe(1);
    expect(report(run).gate.status).toBe('passed');
    expect(failedChecks(run)).toEqual([
      { name: 'smoke: GET /api/items 201', error: 'got HTTP 200, expected 201' },
      { name: 'smoke: GET /health 200 no-such-text', error: 'body does not contain "no-such-text"' }
    ]);
  });

  it('fails when p99 is above max-p99 (fault switch latency)', async () => {
    const service = await app({ faultLatencyMs: 150 });
    const run = await runAction('health-gate', {
      inputs: { ...FAST, url: service.url, 'latency-samples': '12', 'max-p99': '100ms' }
    });
    expect(run.exitCode).toBe(1);
    expect(Number(run.outputs['p99-ms'])).toBeGreaterThan(150);
    expect(failedChecks(run).map((c) => c.name)).toEqual(['latency']);
    expect(run.summary).toContain('### Latency ❌');
  });
});

describe('health-gate against answers a real service cannot be told to give', () => {
  it('fails on a 200 whose body is not JSON', async () => {
    const stub = await startHttpStub(() => ({
      status: 200,
      body: '<html>OK</html>',
      contentType: 'text/html'
    }));
    try {
      const run = await runAction('health-gate', { inputs: { ...FAST, url: stub.url, 'ready-path': '' } });
      expect(run.exitCode).toBe(1);
      expect(failedChecks(run)[0]?.error).toMatch(/body is not JSON/);
      expect(stub.requests.every((r) => r.headers['cache-control'] === 'no-cache')).toBe(true);
      expect(stub.requests.every((r) => r.path === '/health')).toBe(true);
    } finally {
      await stub.close();
    }
  });

  it('accepts the IETF application/health+json form', async () => {
    const stub = await startHttpStub((req) =>
      req.url === '/health'
        ? {
            status: 200,
            body: JSON.stringify({ status: 'pass', version: '2.0.1', releaseId: NEXT_SHA }),
            contentType: 'application/health+json'
          }
        : {
            status: 200,
            body: JSON.stringify({
              status: 'warn',
              checks: { 'cache:responseTime': [{ status: 'warn', observedValue: 250 }] }
            })
          }
    );
    try {
      const run = await runAction('health-gate', {
        inputs: { ...FAST, url: stub.url, 'expected-version': '2.0.1', 'expected-sha': NEXT_SHA.slice(0, 10) }
      });
      expect(run.exitCode).toBe(0);
      expect(run.outputs['git-sha']).toBe(NEXT_SHA);
    } finally {
      await stub.close();
    }
  });
});

describe('health-gate post-deploy watch', () => {
  it('passes a healthy service after a short watch, with the watch outputs set', async () => {
    const service = await app();
    const run = await runAction('health-gate', {
      inputs: {
        ...FAST,
        url: service.url,
        'max-p99': '2s',
        watch: '3s',
        'watch-interval': '1s',
        'watch-rps': '10',
        'watch-paths': '/api/items,/health'
      }
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ healthy: 'true', 'watch-error-rate': '0', 'watch-requests': '30' });
    expect(Number(run.outputs['watch-p99-ms'])).toBeGreaterThan(0);
    const watch = report(run).watch;
    expect(watch.status).toBe('passed');
    expect(watch.windows.map((w: { requests: number; verdict: string }) => [w.requests, w.verdict])).toEqual([
      [10, 'pass'],
      [10, 'pass'],
      [10, 'pass']
    ]);
    expect(run.summary).toContain('### Post-deploy watch ✅');
    expect(run.summary).toMatch(/\| 3 \(\+2s\) \| 10 \| 0 \| 0 % \|/);
  });

  it('fails at the first window when the API answers 500s, without waiting out the watch', async () => {
    // The fault switch on /api only: /health and /ready pass, so the gate passes and only the
    // watch can catch it.
    const service = await app({ faultErrorPercent: 100, env: { FAULT_PATHS: '/api' } });
    const run = await runAction('health-gate', {
      inputs: {
        ...FAST,
        url: service.url,
        'max-p99': '2s',
        deadline: '1m',
        watch: '30s',
        'watch-interval': '1s',
        'watch-rps': '10',
        'watch-paths': '/api/items'
      }
    });
    expect(run.exitCode).toBe(1);
    expect(report(run).gate.status).toBe('passed');
    expect(run.outputs).toMatchObject({
      healthy: 'false',
      'watch-error-rate': '100',
      'watch-requests': '10'
    });
    expect(failedChecks(run)).toEqual([
      {
        name: 'watch',
        error:
          'window 1 of 30 (+0ms to +1s): error spike: 10 of 10 requests failed (100 %, limit 1 %): /api/items: HTTP 500 ×10'
      }
    ]);
    // The watch was 30 s; it stopped after its first window.
    expect(run.durationMs).toBeLessThan(15_000);
    expect(run.summary).toContain('(stopped after 1 of 30 windows)');
    expect(run.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      expect.stringMatching(/^Unhealthy: the gate passed but the post-deploy watch failed: window 1 of 30/)
    ]);
  });

  it('passes the windows before a service starts failing, then stops at the spike', async () => {
    const healthy = JSON.stringify({ status: 'ok', version: '1.4.0', git_sha: SHA, uptime_seconds: 5 });
    let items = 0;
    const stub = await startHttpStub((req) => {
      if (req.url === '/health') return { status: 200, body: healthy };
      // The first two windows' worth of requests succeed; from then on every one fails.
      return items++ < 20 ? { status: 200, body: '{"items":[]}' } : { status: 503, body: '{}' };
    });
    try {
      const run = await runAction('health-gate', {
        inputs: {
          ...FAST,
          url: stub.url,
          'ready-path': '',
          headers: 'X-Tenant: acme',
          deadline: '1m',
          watch: '20s',
          'watch-interval': '1s',
          'watch-rps': '10',
          'watch-paths': '/api/items'
        }
      });
      expect(run.exitCode).toBe(1);
      const windows = report(run).watch.windows as { verdict: string; errors: number }[];
      expect(windows.map((w) => w.verdict)).toEqual(['pass', 'pass', 'errors']);
      expect(windows[2]!.errors).toBe(10);
      expect(run.durationMs).toBeLessThan(12_000);
      const watched = stub.requests.filter((r) => r.path === '/api/items');
      expect(watched.length).toBeLessThan(50);
      expect(watched.every((r) => r.headers['x-tenant'] === 'acme')).toBe(true);
    } finally {
      await stub.close();
    }
  });
});

describe('health-gate deadline over the whole step', () => {
  const healthy = JSON.stringify({ status: 'ok', version: '1.4.0', git_sha: SHA, uptime_seconds: 5 });

  it.each([
    ['the latency sampling', { 'latency-samples': '8', 'latency-path': '/hang', smoke: 'GET /hang 200' }],
    ['the smoke checks', { smoke: 'GET /hang 200\nGET /health 200' }]
  ])('ends at deadline 2s when a path never answers, naming %s', async (phase, inputs) => {
    const stub = await startHttpStub((req) =>
      req.url === '/hang' ? 'hang' : { status: 200, body: healthy }
    );
    try {
      const run = await runAction('health-gate', {
        inputs: { ...FAST, url: stub.url, 'ready-path': '', deadline: '2s', timeout: '5s', ...inputs }
      });
      expect(run.exitCode).toBe(1);
      // A hard limit: the 2 s deadline, plus the bundle's start-up, with generous slack.
      expect(run.durationMs).toBeLessThan(6000);
      const verdict = report(run).verdict as string;
      expect(verdict).toMatch(new RegExp(`^Unhealthy: deadline 2s reached during ${phase}, `));
      expect(run.annotations.some((a) => a.level === 'error' && a.message === verdict)).toBe(true);
      expect(failedChecks(run).map((c) => c.name)).toContain('deadline');
    } finally {
      await stub.close();
    }
  });

  it('refuses a watch that cannot fit in the deadline, naming both, before any request', async () => {
    const stub = await startHttpStub(() => ({ status: 200, body: healthy }));
    try {
      const run = await runAction('health-gate', {
        inputs: { ...FAST, url: stub.url, watch: '5m', deadline: '5m' }
      });
      expect(run.exitCode).toBe(1);
      expect(run.annotations.map((a) => a.message)).toEqual([
        expect.stringMatching(
          /^Input `watch`: got "5m"; expected at most 4m57s: deadline \(5m\) covers the watch too, .*; raise deadline or shorten watch$/
        )
      ]);
      expect(stub.requests).toHaveLength(0);
    } finally {
      await stub.close();
    }
  });
});

describe('health-gate secrets', () => {
  it('never shows header values or URL credentials in logs, outputs, summary or report', async () => {
    const token = 'Bearer tok_9f8e7d6c5b4a39281706';
    const apiKey = 'key-5d41402abc4b2a76b9719d91';
    const password = 'pw-7c222fb2927d828af22f';
    const stub = await startHttpStub(() => ({
      status: 503,
      body: JSON.stringify({ status: 'fail', echo: apiKey })
    }));
    try {
      const url = stub.url.replace('http://', `http://deployer:${password}@`);
      const run = await runAction('health-gate', {
        inputs: {
          ...FAST,
          url,
          headers: `Authorization: ${token}\nX-Api-Key: ${apiKey}`,
          smoke: 'GET /x 200'
        }
      });
      expect(run.exitCode).toBe(1);
      expect(stub.requests[0]?.headers.authorization).toBe(token);
      expect(stub.requests[0]?.headers['x-api-key']).toBe(apiKey);
      // `::add-mask::` lines are commands the runner consumes; they never reach the visible log.
      const logLines = run.log.split('\n');
      expect(logLines).toEqual(
        expect.arrayContaining([`::add-mask::${token}`, `::add-mask::${apiKey}`, `::add-mask::${password}`])
      );
      const visibleLog = logLines.filter((line) => !line.startsWith('::add-mask::')).join('\n');
      const everything = [
        visibleLog,
        run.summary,
        JSON.stringify(run.outputs),
        JSON.stringify(run.annotations)
      ];
      for (const secret of [token, 'tok_9f8e7d6c5b4a39281706', apiKey, password]) {
        expect(everything.join('\n')).not.toContain(secret);
      }
      expect(run.summary).toContain('http://***@127.0.0.1');
    } finally {
      await stub.close();
    }
  });
});

describe('health-gate bad input', () => {
  /** At least one invalid value for every input; the step must fail before sending any request. */
  const invalid: Record<string, string> = {
    url: 'ftp://example.com',
    'health-path': 'health',
    'ready-path': 'ready now',
    'expected-version': 'one two',
    'expected-sha': 'xyz123',
    interval: 'soon',
    timeout: '0s',
    'start-period': '-5s',
    retries: '0',
    'success-threshold': 'two',
    deadline: '500ms',
    'latency-samples': '-1',
    'latency-path': 'http://elsewhere/',
    'latency-concurrency': '1000',
    'max-p99': 'fast',
    smoke: 'GET /api/items',
    headers: 'not a header line',
    watch: 'soon',
    'watch-paths': 'api/items',
    'watch-interval': '500ms',
    'watch-max-error-rate': '101',
    'watch-rps': '0',
    'record-environment': '/production',
    'record-version': 'one two',
    'record-sha': 'abc1234',
    'record-images': 'api=ghcr.io/acme/api:1.4.2',
    'record-alembic-head': 'ae10 27',
    'github-token': 'ghs_one\nghs_two'
  };

  it('covers every input declared in action.yml', () => {
    expect(Object.keys(invalid).sort()).toEqual(
      Object.keys(readActionYml('health-gate').inputs ?? {}).sort()
    );
  });

  it.each(Object.entries(invalid))(
    'rejects %s = %p before any request, naming the input',
    async (name, value) => {
      const stub = await startHttpStub(() => ({ status: 200, body: '{"status":"ok"}' }));
      try {
        const inputs = { url: stub.url, ...FAST, [name]: value };
        const run = await runAction('health-gate', { inputs });
        expect(run.exitCode).toBe(1);
        const errors = run.annotations.filter((a) => a.level === 'error');
        expect(errors).toHaveLength(1);
        expect(errors[0]?.properties.title).toBe(`health-gate: invalid input \`${name}\``);
        expect(errors[0]?.message).toMatch(new RegExp(`^Input \`${name}\`: got .+; expected .+`));
        expect(stub.requests).toHaveLength(0);
        expect(run.outputs).toEqual({});
      } finally {
        await stub.close();
      }
    }
  );

  it('reports a missing url as required', async () => {
    const run = await runAction('health-gate', { inputs: { url: '' } });
    expect(run.exitCode).toBe(1);
    expect(run.annotations[0]?.message).toBe(
      'Input `url`: got nothing; expected a value (this input is required)'
    );
  });
});
