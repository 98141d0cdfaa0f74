import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/clock.ts';
import { ConfigurationError, HttpRequestError } from '../../src/errors.ts';
import type { HttpClient, HttpRequest } from '../../src/http/client.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { buildCanaryReport } from '../../src/canary/report.ts';
import { createCanaryHealthCheck, judgeHealthAnswer } from '../../src/canary/health-check.ts';
import { runCanary, type CanaryConfig } from '../../src/canary/run-canary.ts';
import { FakeRouter, ONE_WEIGHT_CONFIG, ScriptedMetrics, healthy } from './fakes.ts';

const URL = 'http://monitor:s3cret@10.0.0.12:8000/health';

describe('judgeHealthAnswer', () => {
  it.each([
    [200, '{"status":"healthy","version":"2.0.0"}', true],
    [200, 'OK', true],
    [204, '', true],
    [200, '{"status":"degraded"}', true],
    [200, '{"status":"error"}', false],
    [503, '{"status":"healthy"}', false],
    [500, 'Internal Server Error', false],
    [302, '', false]
  ])('HTTP %i %j: ok %p', (status, body, ok) => {
    const result = judgeHealthAnswer(URL, status, body);
    expect(result.ok).toBe(ok);
    expect(result.detail).not.toContain('s3cret');
  });
});

const config: CanaryConfig = ONE_WEIGHT_CONFIG;

/** An HttpClient that answers the health URL from a list, one answer per request, and records each. */
class HealthEndpoint implements HttpClient {
  readonly requests: (HttpRequest & { at: number })[] = [];
  constructor(
    private readonly clock: ManualClock,
    private readonly answers: ({ status: number; body: string } | 'refused')[]
  ) {}
  async request(request: HttpRequest) {
    this.requests.push({ ...request, at: this.clock.now() });
    const answer = this.answers[Math.min(this.requests.length - 1, this.answers.length - 1)]!;
    if (answer === 'refused') throw new HttpRequestError('connection refused', 'refused', 1);
    return { ...answer, headers: {}, latencyMs: 3 };
  }
}

function setup(answers: ConstructorParameters<typeof HealthEndpoint>[1]) {
  const clock = new ManualClock();
  const router = new FakeRouter();
  const http = new HealthEndpoint(clock, answers);
  const canaryHealth = createCanaryHealthCheck(
    { url: URL, headers: { authorization: 'Bearer t0ken' }, timeoutMs: 5000 },
    { http, clock }
  );
  const run = () =>
    runCanary(config, {
      router,
      metrics: new ScriptedMetrics(clock, router, () => healthy()),
      clock,
      logger: new MemoryLogger(),
      canaryHealth
    });
  return { router, http, run };
}

const ok = { status: 200, body: '{"status":"healthy"}' };

describe('the canary health check in the canary loop', () => {
  it('is requested at the end of every measurement, with its headers, and recorded as a check', async () => {
    const { http, run } = setup([ok]);
    const result = await run();
    expect(result.decision).toBe('promote');
    // One before traffic moves, then one at each window's end.
    expect(http.requests.map((r) => r.at)).toEqual([0, 20_000, 40_000, 60_000]);
    expect(http.requests[1]!.headers).toMatchObject({
      authorization: 'Bearer t0ken',
      'cache-control': 'no-cache'
    });
    expect(http.requests.every((r) => r.timeoutMs === 5000)).toBe(true);
    expect(result.measurements.map((m) => m.checks.find((c) => c.name === 'canary-health')?.status)).toEqual([
      'pass',
      'pass',
      'pass'
    ]);
  });

  it('fails the measurement and rolls back at once when the canary stops being healthy, however good its traffic looks', async () => {
    const { router, http, run } = setup([ok, ok, { status: 503, body: '{"status":"error"}' }]);
    const result = await run();
    expect(result.decision).toBe('rollback');
    expect(result.measurements.map((m) => m.status)).toEqual(['pass', 'fail']);
    expect(result.reason).toMatch(
      /^at 10%: measurement 2: the canary's health check failed: http:\/\/\*\*\*@10\.0\.0\.12:8000\/health answered HTTP 503/
    );
    expect(result.reason).not.toContain('s3cret');
    expect(router.weights).toEqual([10, 0]);
    expect(result.traffic).toMatchObject({ action: 'reset', ok: true });
    expect(http.requests).toHaveLength(3);
    const report = buildCanaryReport({
      config,
      run: result,
      router: { type: 'command', target: 'fake router' },
      metrics: { type: 'probe', canaryUrl: 'http://c/', stableUrl: 'http://s/', rps: 10 }
    });
    expect(report.nextSteps[0]).toMatch(/^The canary failed its health check \(canary-health-url\)/);
  });

  it('a health URL that does not answer stops the step before any traffic moves', async () => {
    const { router, run } = setup(['refused']);
    const error = await run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /^Input `canary-health-url`: .* does not answer \(connection refused\); nothing was changed/
    );
    expect(router.weights).toEqual([]);
  });

  it('a health URL that is not found stops the step before any traffic moves', async () => {
    const { router, run } = setup([{ status: 404, body: 'Not Found' }]);
    await expect(run()).rejects.toThrow(/^Input `canary-health-url`: .* is not found \(HTTP 404\)/);
    expect(router.weights).toEqual([]);
  });
});
