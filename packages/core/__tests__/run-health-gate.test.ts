import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../src/clock.ts';
import { MemoryLogger } from '../src/logger.ts';
import type { GateSettings } from '../src/health/gate.ts';
import type { ProbeTarget } from '../src/health/probe.ts';
import { runHealthGate, waitForHealthy, type HealthGateConfig } from '../src/health/run-health-gate.ts';
import { parseSmokeLine, type SmokeCheck } from '../src/health/smoke.ts';
import { ScriptedHttp, type RecordedRequest, type Reply, type Script } from './fakes/scripted-http.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';

function config(
  overrides: { target?: Partial<ProbeTarget>; gate?: Partial<GateSettings> } & Partial<
    Omit<HealthGateConfig, 'target' | 'gate'>
  > = {}
): HealthGateConfig {
  const { target, gate, ...rest } = overrides;
  return {
    target: {
      url: 'https://api.example.com',
      healthPath: '/health',
      readyPath: '/ready',
      headers: {},
      timeoutMs: 5000,
      ...target
    },
    gate: {
      intervalMs: 5000,
      startPeriodMs: 10_000,
      retries: 3,
      successThreshold: 2,
      deadlineMs: 300_000,
      ...gate
    },
    latencySamples: 0,
    latencyPath: '/health',
    latencyConcurrency: 4,
    maxP99Ms: 500,
    smoke: [],
    ...rest
  };
}

const healthBody = (version = '1.4.0') => ({ status: 'ok', version, git_sha: SHA, uptime_seconds: 30 });
const readyOk: Reply = {
  status: 200,
  body: { status: 'ok', checks: [{ name: 'postgres', status: 'ok', latency_ms: 2 }] }
};
const redisDown: Reply = {
  status: 503,
  body: {
    status: 'fail',
    checks: [
      { name: 'postgres', status: 'ok', latency_ms: 2 },
      { name: 'redis', status: 'fail', error: 'Connection refused' }
    ]
  }
};

/** A service that answers /health with `version` and /ready with `ready`, and 404 elsewhere unless `other` says. */
function service(
  options: {
    version?: (r: RecordedRequest) => string;
    ready?: (r: RecordedRequest) => Reply;
    other?: Script;
  } = {}
): Script {
  return (request) => {
    if (request.path === '/health') return { status: 200, body: healthBody(options.version?.(request)) };
    if (request.path === '/ready') return options.ready?.(request) ?? readyOk;
    return options.other?.(request) ?? { status: 404, body: { detail: 'Not Found' } };
  };
}

function setup(script: Script, defaultDurationMs = 10) {
  const clock = new ManualClock();
  const http = new ScriptedHttp(clock, script, defaultDurationMs);
  const logger = new MemoryLogger();
  return { clock, http, logger, deps: { clock, http, logger } };
}

const smoke = (...lines: string[]): SmokeCheck[] => lines.map((line) => parseSmokeLine(line)!);

/** Start times of the probes, from the /health requests. */
const probeTimes = (http: ScriptedHttp) => http.to('/health').map((r) => r.atMs);

describe('waitForHealthy', () => {
  it('passes a healthy service after success-threshold probes', async () => {
    const { http, logger, deps } = setup(service());
    const run = await waitForHealthy(config(), deps);
    expect(run).toMatchObject({
      status: 'passed',
      reason: '2 consecutive passing probes',
      attempts: 2,
      elapsedMs: 5010
    });
    expect(run.timeline).toEqual([
      {
        attempt: 1,
        atMs: 0,
        durationMs: 10,
        outcome: 'pass',
        inStartPeriod: false,
        summary: 'healthy, version 1.4.0',
        version: '1.4.0'
      },
      {
        attempt: 2,
        atMs: 5000,
        durationMs: 10,
        outcome: 'pass',
        inStartPeriod: false,
        summary: 'healthy, version 1.4.0',
        version: '1.4.0'
      }
    ]);
    expect(http.requests.map((r) => `${r.path}@${r.atMs}`)).toEqual([
      '/health@0',
      '/ready@0',
      '/health@5000',
      '/ready@5000'
    ]);
    expect(run.last?.outcome).toBe('pass');
    expect(logger.lines).toContain('info: probe 1 at +0ms: pass — healthy, version 1.4.0');
  });

  it('passes at once with success-threshold 1', async () => {
    const { deps } = setup(service());
    const run = await waitForHealthy(config({ gate: { successThreshold: 1 } }), deps);
    expect(run).toMatchObject({
      status: 'passed',
      reason: '1 consecutive passing probe',
      attempts: 1,
      elapsedMs: 10
    });
  });

  it('does not count failures inside the start period of a slow start', async () => {
    const { http, logger, deps } = setup((request) =>
      request.atMs < 8000 ? { error: 'refused', durationMs: 1 } : service()(request)
    );
    const run = await waitForHealthy(config({ gate: { retries: 1 } }), deps);
    expect(run.status).toBe('passed');
    expect(run.attempts).toBe(4);
    expect(run.timeline.map((e) => [e.atMs, e.outcome, e.inStartPeriod])).toEqual([
      [0, 'fail', true],
      [5000, 'fail', true],
      [10_000, 'pass', false],
      [15_000, 'pass', false]
    ]);
    expect(probeTimes(http)).toEqual([0, 5000, 10_000, 15_000]);
    expect(logger.lines[0]).toBe(
      'info: probe 1 at +0ms: fail (start period, not counted) — health: GET /health: connection refused; ready: GET /ready: connection refused'
    );
  });

  it('fails after `retries` consecutive failures once the start period is over', async () => {
    const { http, deps } = setup(service({ ready: () => redisDown }));
    const run = await waitForHealthy(config(), deps);
    expect(run.status).toBe('failed');
    expect(run.attempts).toBe(5);
    expect(run.reason).toBe(
      '3 consecutive failed probes after the start period; last: ready: GET /ready HTTP 503 (redis: Connection refused); redis: Connection refused'
    );
    expect(run.timeline.map((e) => e.inStartPeriod)).toEqual([true, true, false, false, false]);
    expect(probeTimes(http)).toEqual([0, 5000, 10_000, 15_000, 20_000]);
    expect(run.elapsedMs).toBe(20_010);
  });

  it('says "probe" for retries 1', async () => {
    const { deps } = setup(() => ({ status: 500, body: 'boom' }));
    const run = await waitForHealthy(config({ gate: { retries: 1, startPeriodMs: 0 } }), deps);
    expect(run.reason).toMatch(
      /^1 consecutive failed probe after the start period; last: health: GET \/health HTTP 500/
    );
    expect(run.attempts).toBe(1);
  });

  it('never passes a flapping service and fails it at the deadline', async () => {
    const flapping: Script = (request) =>
      Math.floor(request.atMs / 5000) % 2 === 0
        ? service()(request)
        : { status: 503, body: { status: 'fail' } };
    const { http, deps } = setup(flapping);
    const run = await waitForHealthy(config({ gate: { deadlineMs: 60_000 } }), deps);
    expect(run.status).toBe('failed');
    expect(run.attempts).toBe(12);
    expect(run.timeline.map((e) => e.outcome).join(' ')).toBe(
      'pass fail pass fail pass fail pass fail pass fail pass fail'
    );
    expect(run.reason).toBe(
      'deadline 1m reached during the health probes, after 12 probes; last: health: GET /health HTTP 503 (status "fail"); ready: GET /ready HTTP 503 (status "fail")'
    );
    expect(run.elapsedMs).toBeLessThanOrEqual(60_000);
    expect(Math.max(...http.requests.map((r) => r.atMs))).toBeLessThan(60_000);
  });

  it('says how many passes were missing when the deadline comes during a streak', async () => {
    const { deps } = setup(service());
    const run = await waitForHealthy(config({ gate: { successThreshold: 5, deadlineMs: 12_000 } }), deps);
    expect(run.reason).toBe(
      'deadline 12s reached during the health probes, after 3 probes; only 3 of 5 consecutive passing probes'
    );
  });

  it('waits out an old version (pending) without counting it, then passes on the new one', async () => {
    const { deps } = setup(service({ version: (r) => (r.atMs < 15_000 ? '1.3.9' : '1.4.0') }));
    const run = await waitForHealthy(
      config({ target: { expectedVersion: 'v1.4.0' }, gate: { startPeriodMs: 0, retries: 1 } }),
      deps
    );
    expect(run.status).toBe('passed');
    expect(run.timeline.map((e) => [e.outcome, e.version])).toEqual([
      ['pending', '1.3.9'],
      ['pending', '1.3.9'],
      ['pending', '1.3.9'],
      ['pass', '1.4.0'],
      ['pass', '1.4.0']
    ]);
    expect(run.timeline[0]!.summary).toBe('version: reports 1.3.9, expected v1.4.0');
  });

  it('fails at the deadline, not by retries, when the old version never goes away', async () => {
    const { deps } = setup(service({ version: () => '1.3.9' }));
    const run = await waitForHealthy(
      config({
        target: { expectedVersion: '1.4.0' },
        gate: { startPeriodMs: 0, retries: 1, deadlineMs: 30_000 }
      }),
      deps
    );
    expect(run.status).toBe('failed');
    expect(run.attempts).toBe(6);
    expect(run.reason).toBe(
      'deadline 30s reached during the health probes, after 6 probes; the service is healthy but still reports another version (version: reports 1.3.9, expected 1.4.0)'
    );
  });

  it('bounds a hanging endpoint by the timeout and ends by the deadline', async () => {
    const { http, clock, deps } = setup(() => ({ status: 200, durationMs: Number.POSITIVE_INFINITY }));
    const deadlineMs = 12_000;
    const run = await waitForHealthy(config({ gate: { startPeriodMs: 0, retries: 100, deadlineMs } }), deps);
    expect(run.status).toBe('failed');
    expect(run.attempts).toBe(3);
    expect(http.requests.map((r) => [r.path, r.atMs, r.timeoutMs])).toEqual([
      ['/health', 0, 5000],
      ['/ready', 0, 5000],
      ['/health', 5000, 5000],
      ['/ready', 5000, 5000],
      // the last probe gets only what is left of the deadline
      ['/health', 10_000, 2000],
      ['/ready', 10_000, 2000]
    ]);
    expect(run.reason).toBe(
      'deadline 12s reached during the health probes, after 3 probes; last: health: GET /health: no response within 2s; ready: GET /ready: no response within 2s'
    );
    expect(run.elapsedMs).toBe(deadlineMs);
    expect(clock.now()).toBe(deadlineMs);
    for (const request of http.requests) expect(request.endMs).toBeLessThanOrEqual(deadlineMs);
  });

  it.each([7_500, 11_000, 14_999, 15_000])('sends no probe after a deadline of %d ms', async (deadlineMs) => {
    const { http, deps } = setup(() => ({ error: 'refused', durationMs: 3000 }), 10);
    const run = await waitForHealthy(config({ gate: { startPeriodMs: 0, retries: 100, deadlineMs } }), deps);
    expect(run.status).toBe('failed');
    expect(run.elapsedMs).toBeLessThanOrEqual(deadlineMs);
    for (const request of http.requests) {
      expect(request.atMs).toBeLessThan(deadlineMs);
      expect(request.endMs).toBeLessThanOrEqual(deadlineMs);
    }
    expect(probeTimes(http)).toEqual([0, 5000, 10_000].filter((t) => t < deadlineMs));
  });

  it('fails without a request when the deadline is already over', async () => {
    const { http, deps } = setup(service());
    const run = await waitForHealthy(config({ gate: { deadlineMs: 0 } }), deps);
    expect(run).toEqual({
      status: 'failed',
      reason: 'deadline 0ms reached during the health probes, after 0 probes; last: no probe completed',
      attempts: 0,
      elapsedMs: 0,
      timeline: [],
      deadlineReached: true
    });
    expect(http.requests).toEqual([]);
  });

  it('starts probes every interval from the previous start, whatever a probe takes', async () => {
    const { http, deps } = setup(() => ({ status: 503, durationMs: 1500 }));
    const run = await waitForHealthy(config({ gate: { startPeriodMs: 0, retries: 4 } }), deps);
    expect(probeTimes(http)).toEqual([0, 5000, 10_000, 15_000]);
    expect(run.timeline.map((e) => e.durationMs)).toEqual([1500, 1500, 1500, 1500]);
    expect(run.elapsedMs).toBe(16_500);
  });

  it('starts the next probe at once when one took longer than the interval', async () => {
    const { http, deps } = setup(() => ({ status: 503, durationMs: 7000 }));
    await waitForHealthy(
      config({ target: { timeoutMs: 10_000 }, gate: { startPeriodMs: 0, retries: 3 } }),
      deps
    );
    expect(probeTimes(http)).toEqual([0, 7000, 14_000]);
  });

  it('sends /health and /ready of one probe at the same time', async () => {
    const { http, deps } = setup(service(), 400);
    const run = await waitForHealthy(config(), deps);
    expect(http.maxInFlight).toBe(2);
    expect(run.timeline[0]!.durationMs).toBe(400);
  });

  it('skips readiness when there is no ready path', async () => {
    const { http, deps } = setup(service({ ready: () => redisDown }));
    const run = await waitForHealthy(config({ target: { readyPath: undefined } }), deps);
    expect(run.status).toBe('passed');
    expect(http.to('/ready')).toEqual([]);
  });
});

describe('runHealthGate', () => {
  it('reports a healthy service as schema health-gate/v1', async () => {
    const { http, logger, deps } = setup(service());
    const report = await runHealthGate(
      config({
        target: {
          url: 'https://deploy:pw-s3cret@api.example.com',
          expectedVersion: '1.4.0',
          expectedSha: SHA.slice(0, 10)
        }
      }),
      deps
    );
    expect(report).toMatchObject({
      schema: 'health-gate/v1',
      healthy: true,
      verdict: 'Healthy: 2 consecutive passing probes in 5.01s.',
      startedAt: '2026-01-01T00:00:00.000Z',
      target: {
        url: 'https://***@api.example.com',
        healthPath: '/health',
        readyPath: '/ready',
        expectedVersion: '1.4.0',
        expectedSha: SHA.slice(0, 10)
      },
      settings: {
        intervalMs: 5000,
        timeoutMs: 5000,
        startPeriodMs: 10_000,
        retries: 3,
        successThreshold: 2,
        deadlineMs: 300_000,
        maxP99Ms: 500
      },
      gate: { status: 'passed', reason: '2 consecutive passing probes', attempts: 2, elapsedSeconds: 5 },
      reported: { version: '1.4.0', gitSha: SHA, uptimeSeconds: 30 },
      dependencies: [{ name: 'postgres', status: 'pass', latencyMs: 2 }],
      smoke: [],
      failedChecks: [],
      nextSteps: []
    });
    expect(report.checks.map((c) => `${c.name}:${c.status}`)).toEqual([
      'health:pass',
      'version:pass',
      'git-sha:pass',
      'ready:pass'
    ]);
    expect(report).not.toHaveProperty('latency');
    // the credentials are used for the requests, but never reported or logged
    expect(http.requests[0]!.url).toBe('https://deploy:pw-s3cret@api.example.com/health');
    expect(JSON.stringify(report)).not.toContain('pw-s3cret');
    expect(logger.lines.join('\n')).not.toContain('pw-s3cret');
    expect(logger.lines[0]).toBe('info: Waiting for https://***@api.example.com to be healthy (deadline 5m)');
    expect(logger.lines.at(-1)).toBe(`info: ${report.verdict}`);
  });

  it('sends the configured headers with every request, and no-cache', async () => {
    const { http, deps } = setup(service());
    await runHealthGate(
      config({
        target: { headers: { authorization: 'Bearer t0k' } },
        latencySamples: 3,
        smoke: [parseSmokeLine('GET /health 200')!]
      }),
      deps
    );
    expect(http.requests).toHaveLength(4 + 3 + 1);
    for (const request of http.requests) {
      expect(request.headers).toMatchObject({ authorization: 'Bearer t0k', 'cache-control': 'no-cache' });
    }
  });

  it('names the failing dependency in failedChecks and nextSteps', async () => {
    const { http, deps } = setup(service({ ready: () => redisDown }));
    const report = await runHealthGate(
      config({ latencySamples: 10, smoke: [parseSmokeLine('GET /api 200')!] }),
      deps
    );
    expect(report.healthy).toBe(false);
    expect(report.verdict).toBe(
      'Unhealthy: 3 consecutive failed probes after the start period; last: ready: GET /ready HTTP 503 (redis: Connection refused); redis: Connection refused.'
    );
    expect(report.failedChecks).toEqual([
      { name: 'ready', error: 'GET /ready HTTP 503 (redis: Connection refused)' },
      { name: 'redis', error: 'Connection refused' }
    ]);
    expect(report.nextSteps).toEqual([
      'The service answers but reports itself unhealthy: read its logs around the time of the last probes.',
      "Dependency `redis` is failing (Connection refused): check that service and this deployment's connection settings for it."
    ]);
    expect(report.dependencies.map((d) => `${d.name}:${d.status}`)).toEqual(['postgres:pass', 'redis:fail']);
    // no latency sampling and no smoke checks after a failed gate
    expect(report).not.toHaveProperty('latency');
    expect(report.smoke).toEqual([]);
    expect(http.requests.every((r) => r.path === '/health' || r.path === '/ready')).toBe(true);
  });

  it.each<[string, Reply, string]>([
    [
      'refused',
      { error: 'refused' },
      'Nothing accepts connections at https://api.example.com: check that the service started (its logs, the deploy step) and that `url` points at it.'
    ],
    [
      'timeout',
      { status: 200, durationMs: 60_000 },
      'https://api.example.com did not answer within `timeout` (5s): look for a blocked worker, a saturated pool or a slow dependency, or a firewall dropping packets.'
    ],
    [
      'dns',
      { error: 'dns' },
      'The host name in `url` does not resolve: check it, and that the DNS record exists for this environment.'
    ],
    [
      'reset',
      { error: 'reset' },
      'The connection failed: check TLS settings and the network path from the runner to the service.'
    ],
    [
      'not JSON',
      { status: 200, body: '<html>Welcome to nginx!</html>' },
      'An endpoint did not answer the expected JSON: check `health-path`/`ready-path`, and whether a proxy answers with an error page.'
    ]
  ])('advises on a %s failure', async (_name, reply, step) => {
    const { deps } = setup(() => reply);
    const report = await runHealthGate(config({ gate: { startPeriodMs: 0 } }), deps);
    expect(report.healthy).toBe(false);
    expect(report.nextSteps).toEqual([step]);
  });

  it('advises on a version that never arrives', async () => {
    const { deps } = setup(service({ version: () => '1.3.9' }));
    const report = await runHealthGate(
      config({ target: { expectedVersion: '1.4.0' }, gate: { deadlineMs: 20_000 } }),
      deps
    );
    expect(report.failedChecks).toEqual([{ name: 'version', error: 'reports 1.3.9, expected 1.4.0' }]);
    expect(report.nextSteps).toEqual([
      'An instance still reports 1.3.9: the rollout may not have finished, or the load balancer still routes to old instances. Raise `deadline` if rollouts take longer.'
    ]);
  });

  it('reports a gate that made no probe', async () => {
    const { deps } = setup(service());
    const report = await runHealthGate(config({ gate: { deadlineMs: 0 } }), deps);
    expect(report.failedChecks).toEqual([
      {
        name: 'gate',
        error: 'deadline 0ms reached during the health probes, after 0 probes; last: no probe completed'
      }
    ]);
    expect(report.nextSteps).toEqual(['No probe completed: check `deadline` and `timeout`.']);
    expect(report.reported).toEqual({});
    expect(report.checks).toEqual([]);
  });

  describe('latency sampling', () => {
    /** /api/ping answers in 50 ms, except the calls listed in `slow` (1-based) and `failing`. */
    function pinging(slow: Record<number, number> = {}, failing: number[] = []) {
      let calls = 0;
      return service({
        other: (request) => {
          if (request.path !== '/api/ping') return { status: 404 };
          calls++;
          if (failing.includes(calls)) return { status: 500, durationMs: 5 };
          return { status: 200, body: { pong: true }, durationMs: slow[calls] ?? 50 };
        }
      });
    }
    const sampling = { latencySamples: 20, latencyPath: '/api/ping', latencyConcurrency: 4, maxP99Ms: 500 };

    it('samples latency after passing and fails the gate when p99 is above max-p99', async () => {
      const { http, deps } = setup(pinging({ 7: 900 }));
      const report = await runHealthGate(config(sampling), deps);
      expect(http.to('/api/ping')).toHaveLength(20);
      expect(http.maxInFlight).toBe(4);
      expect(report.gate.status).toBe('passed');
      expect(report.healthy).toBe(false);
      expect(report.latency).toMatchObject({
        path: '/api/ping',
        samples: 20,
        failures: 0,
        failureReasons: [],
        p50Ms: 50,
        p95Ms: 50,
        p99Ms: 900,
        maxMs: 900,
        maxP99Ms: 500,
        passed: false
      });
      expect(report.latency!.seriesMs).toHaveLength(20);
      expect(report.latency!.seriesMs.filter((v) => v === 900)).toEqual([900]);
      expect(report.failedChecks).toEqual([{ name: 'latency', error: 'p99 900 ms is above max-p99 500 ms' }]);
      expect(report.verdict).toBe('Unhealthy: the gate passed but latency failed.');
      expect(report.nextSteps).toEqual([
        'Latency is above the limit: compare with the previous version on `/api/ping`, and look for slow queries or cold caches.'
      ]);
    });

    it('passes when p99 is within max-p99', async () => {
      const { deps } = setup(pinging({ 3: 480 }));
      const report = await runHealthGate(config(sampling), deps);
      expect(report.healthy).toBe(true);
      expect(report.latency).toMatchObject({ p50Ms: 50, p99Ms: 480, passed: true });
      expect(report.verdict).toBe('Healthy: 2 consecutive passing probes in 5.01s, p99 480 ms.');
    });

    it('fails on failed sample requests even when the p99 of the rest is fine', async () => {
      const { deps } = setup(pinging({}, [2, 9]));
      const report = await runHealthGate(config(sampling), deps);
      expect(report.healthy).toBe(false);
      expect(report.latency).toMatchObject({
        failures: 2,
        failureReasons: ['HTTP 500 (2×)'],
        p99Ms: 50,
        passed: false
      });
      expect(report.failedChecks).toEqual([
        { name: 'latency', error: '2 of 20 requests failed (HTTP 500 (2×))' }
      ]);
    });

    it('says so when no sample answered 2xx', async () => {
      const { deps } = setup(service({ other: () => ({ error: 'reset' }) }));
      const report = await runHealthGate(config({ ...sampling, latencySamples: 3 }), deps);
      expect(report.latency).toMatchObject({ failures: 3, passed: false, seriesMs: [] });
      expect(report.latency).not.toHaveProperty('p99Ms');
      expect(report.failedChecks).toEqual([
        { name: 'latency', error: 'no request of 3 answered 2xx (connection reset by the server (3×))' }
      ]);
    });

    it('never runs more requests at once than there are samples', async () => {
      const { http, deps } = setup(pinging());
      await runHealthGate(config({ ...sampling, latencySamples: 3, latencyConcurrency: 8 }), deps);
      expect(http.to('/api/ping')).toHaveLength(3);
      expect(http.maxInFlight).toBe(3);
    });
  });

  describe('smoke checks', () => {
    const api: Script = (request) => {
      switch (`${request.method} ${request.path}`) {
        case 'GET /api/items':
          return { status: 200, body: { items: ['a', 'b'] }, durationMs: 30 };
        case 'POST /api/orders':
          return { status: 201, body: { id: 7 }, durationMs: 40 };
        default:
          return { status: 404, body: { detail: 'Not Found' } };
      }
    };

    it('runs every smoke check once, in order and one at a time, and passes', async () => {
      const { http, deps } = setup(service({ other: api }));
      const report = await runHealthGate(
        config({ smoke: smoke('GET /api/items 200 items', 'post /api/orders 2xx') }),
        deps
      );
      expect(report.healthy).toBe(true);
      expect(report.smoke).toEqual([
        {
          check: 'GET /api/items 200 items',
          passed: true,
          detail: 'HTTP 200',
          httpStatus: 200,
          latencyMs: 30
        },
        { check: 'post /api/orders 2xx', passed: true, detail: 'HTTP 201', httpStatus: 201, latencyMs: 40 }
      ]);
      const smokeRequests = http.requests.filter((r) => r.path.startsWith('/api/'));
      expect(smokeRequests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'GET /api/items',
        'POST /api/orders'
      ]);
      expect(smokeRequests[1]!.atMs).toBeGreaterThanOrEqual(smokeRequests[0]!.endMs!);
      expect(report.verdict).toBe('Healthy: 2 consecutive passing probes in 5.01s, 2 smoke checks passed.');
    });

    it('fails on a wrong status, a missing text and a transport error, and says which', async () => {
      const { deps } = setup(
        service({
          other: (request) =>
            request.path === '/api/slow' ? { status: 200, durationMs: 60_000 } : api(request)
        })
      );
      const report = await runHealthGate(
        config({
          smoke: smoke(
            'GET /api/items 200 widgets',
            'GET /api/missing 200',
            'GET /api/items 2xx',
            'GET /api/slow 200'
          )
        }),
        deps
      );
      expect(report.healthy).toBe(false);
      expect(report.gate.status).toBe('passed');
      expect(report.smoke.map((s) => [s.check, s.passed, s.detail])).toEqual([
        ['GET /api/items 200 widgets', false, 'body does not contain "widgets"'],
        ['GET /api/missing 200', false, 'got HTTP 404, expected 200'],
        ['GET /api/items 2xx', true, 'HTTP 200'],
        ['GET /api/slow 200', false, 'no response within 5s']
      ]);
      expect(report.failedChecks).toEqual([
        { name: 'smoke: GET /api/items 200 widgets', error: 'body does not contain "widgets"' },
        { name: 'smoke: GET /api/missing 200', error: 'got HTTP 404, expected 200' },
        { name: 'smoke: GET /api/slow 200', error: 'no response within 5s' }
      ]);
      expect(report.verdict).toBe(
        'Unhealthy: the gate passed but smoke: GET /api/items 200 widgets, smoke: GET /api/missing 200, smoke: GET /api/slow 200 failed.'
      );
      expect(report.nextSteps).toContain(
        'Smoke check `GET /api/missing 200` failed (got HTTP 404, expected 200): try the request by hand against https://api.example.com.'
      );
    });
  });

  describe('one hard deadline over the whole step', () => {
    const fastGate = { intervalMs: 200, startPeriodMs: 0, successThreshold: 2 };
    const hanging: Script = (request) =>
      request.path === '/hang' ? { status: 200, durationMs: 60_000 } : { status: 200, body: { items: [] } };

    it('caps a hanging smoke check by the time left and names the smoke checks', async () => {
      const { clock, http, deps } = setup(service({ other: hanging }));
      const report = await runHealthGate(
        config({
          gate: { ...fastGate, deadlineMs: 2000 },
          smoke: smoke('GET /hang 200', 'GET /api/items 200')
        }),
        deps
      );
      expect(clock.now()).toBe(2000);
      expect(http.to('/hang')[0]!.timeoutMs).toBe(1790);
      expect(http.to('/api/items')).toEqual([]);
      expect(report.healthy).toBe(false);
      expect(report.cutShort).toEqual({
        phase: 'smoke',
        reason:
          'deadline 2s reached during the smoke checks, 1 of 2 checks started; `GET /hang 200` was cut off (no response within 1.79s)'
      });
      expect(report.verdict).toBe(`Unhealthy: ${report.cutShort!.reason}.`);
      expect(report.failedChecks.map((c) => c.name)).toEqual(['smoke: GET /hang 200', 'deadline']);
      expect(report.nextSteps).toContain(
        '`deadline` covers the probes, the latency sampling, the smoke checks and the watch together: raise it, or find out why the cut-short phase took so long.'
      );
    });

    it('stops latency sampling at the deadline, says how far it got, and runs no smoke check', async () => {
      const { clock, http, deps } = setup(
        service({ other: (r) => (r.path === '/api/ping' ? { status: 200, durationMs: 100 } : hanging(r)) })
      );
      const report = await runHealthGate(
        config({
          gate: { ...fastGate, deadlineMs: 2000 },
          latencySamples: 100,
          latencyPath: '/api/ping',
          latencyConcurrency: 1,
          smoke: smoke('GET /api/items 200')
        }),
        deps
      );
      expect(clock.now()).toBeLessThanOrEqual(2000);
      expect(report.cutShort?.phase).toBe('latency');
      expect(report.cutShort?.reason).toMatch(
        /^deadline 2s reached during the latency sampling, 1[0-9] of 100 requests sent$/
      );
      expect(http.to('/api/items')).toEqual([]);
      expect(report.healthy).toBe(false);
    });

    it('names the health probes when the gate itself runs out of time', async () => {
      const { deps } = setup(service({ ready: () => redisDown }));
      const report = await runHealthGate(
        config({ gate: { ...fastGate, retries: 100, deadlineMs: 1000 } }),
        deps
      );
      expect(report.cutShort).toEqual({ phase: 'gate', reason: report.gate.reason });
      expect(report.verdict).toMatch(
        /^Unhealthy: deadline 1s reached during the health probes, after \d+ probes;/
      );
    });

    it('does not start a watch that the time left cannot hold', async () => {
      const { http, deps } = setup(service());
      const report = await runHealthGate(
        config({
          gate: { ...fastGate, deadlineMs: 5000 },
          watch: {
            durationMs: 5000,
            intervalMs: 1000,
            paths: ['/health'],
            rps: 5,
            maxErrorRate: 1,
            maxP99Ms: 500
          }
        }),
        deps
      );
      expect(report.healthy).toBe(false);
      expect(report.cutShort?.phase).toBe('watch');
      expect(report.verdict).toMatch(
        /^Unhealthy: deadline 5s leaves only 4\.\d+s for the post-deploy watch of 5s: it did not start\.$/
      );
      expect(http.to('/health')).toHaveLength(2);
    });
  });

  describe('the post-deploy watch', () => {
    const watch = {
      durationMs: 3000,
      intervalMs: 1000,
      paths: ['/api/items'],
      rps: 10,
      maxErrorRate: 1,
      maxP99Ms: 500
    };

    it('runs after everything else passed and reports every window', async () => {
      const { deps } = setup(service({ other: () => ({ status: 200, durationMs: 30 }) }));
      const report = await runHealthGate(config({ gate: { startPeriodMs: 0 }, watch }), deps);
      expect(report.healthy).toBe(true);
      expect(report.verdict).toBe(
        'Healthy: 2 consecutive passing probes in 5.01s, watched 3s: 3 windows of 1s passed, worst error rate 0 %.'
      );
      expect(report.watch).toMatchObject({
        status: 'passed',
        requests: 30,
        worstErrorRate: 0,
        worstP99Ms: 30
      });
      expect(report.watch?.windows).toHaveLength(3);
    });

    it('fails the step on an error spike and says what to do', async () => {
      const { deps } = setup(service({ other: () => ({ status: 502 }) }));
      const report = await runHealthGate(config({ gate: { startPeriodMs: 0 }, watch }), deps);
      expect(report.healthy).toBe(false);
      expect(report.failedChecks).toEqual([
        {
          name: 'watch',
          error:
            'window 1 of 3 (+0ms to +1s): error spike: 10 of 10 requests failed (100 %, limit 1 %): /api/items: HTTP 502 ×10'
        }
      ]);
      expect(report.verdict).toMatch(
        /^Unhealthy: the gate passed but the post-deploy watch failed: window 1 of 3/
      );
      expect(report.watch?.windows).toHaveLength(1);
      expect(report.nextSteps[0]).toMatch(/^Errors rose after the deploy on `\/api\/items`/);
    });

    it('does not watch when a smoke check already failed', async () => {
      const { http, deps } = setup(service());
      const report = await runHealthGate(
        config({ gate: { startPeriodMs: 0 }, smoke: smoke('GET /api/items 200'), watch }),
        deps
      );
      expect(report.watch).toBeUndefined();
      expect(http.to('/api/items')).toHaveLength(1);
    });
  });
});
