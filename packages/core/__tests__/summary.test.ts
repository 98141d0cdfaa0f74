import { describe, expect, it } from '@jest/globals';
import { assessProbe, type ProbeTarget } from '../src/health/probe.ts';
import { buildHealthGateReport } from '../src/health/report.ts';
import { interpretAnswer } from '../src/health/responses.ts';
import type { GateRun, HealthGateConfig } from '../src/health/run-health-gate.ts';
import type { TimelineEntry } from '../src/health/report.ts';
import { parseSmokeLine } from '../src/health/smoke.ts';
import { summarizeLatencies } from '../src/stats/percentiles.ts';
import { renderHealthGateSummary } from '../src/health/summary.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const startedAt = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));

function config(target: Partial<ProbeTarget>, rest: Partial<HealthGateConfig> = {}): HealthGateConfig {
  return {
    target: {
      url: 'https://deploy:pw-s3cret@staging-api.example.com',
      healthPath: '/health',
      readyPath: '/ready',
      headers: {},
      timeoutMs: 5000,
      ...target
    },
    gate: { intervalMs: 5000, startPeriodMs: 10_000, retries: 3, successThreshold: 2, deadlineMs: 300_000 },
    latencySamples: 0,
    latencyPath: '/health',
    latencyConcurrency: 4,
    maxP99Ms: 500,
    smoke: [],
    ...rest
  };
}

const entry = (
  attempt: number,
  outcome: TimelineEntry['outcome'],
  summary: string,
  extra: Partial<TimelineEntry> = {}
) =>
  ({
    attempt,
    atMs: (attempt - 1) * 5000,
    durationMs: 12,
    outcome,
    inStartPeriod: false,
    summary,
    ...extra
  }) satisfies TimelineEntry;

describe('renderHealthGateSummary', () => {
  it('renders a healthy gate with latency and smoke checks', () => {
    const cfg = config(
      { expectedVersion: '1.4.0', expectedSha: SHA },
      { latencySamples: 8, latencyPath: '/api/ping', smoke: [parseSmokeLine('GET /api/items 200 items')!] }
    );
    const last = assessProbe(cfg.target, {
      health: {
        kind: 'answer',
        httpStatus: 200,
        latencyMs: 12,
        answer: interpretAnswer(
          200,
          JSON.stringify({ status: 'ok', version: '1.4.0', git_sha: SHA, uptime_seconds: 95 })
        )
      },
      ready: {
        kind: 'answer',
        httpStatus: 200,
        latencyMs: 9,
        answer: interpretAnswer(
          200,
          JSON.stringify({
            status: 'ok',
            checks: [
              { name: 'postgres', status: 'ok', latency_ms: 2.5 },
              { name: 'redis', status: 'ok', latency_ms: 0.8 }
            ]
          })
        )
      }
    });
    const gate: GateRun = {
      status: 'passed',
      reason: '2 consecutive passing probes',
      attempts: 3,
      elapsedMs: 10_012,
      timeline: [
        entry(1, 'fail', 'health: GET /health: connection refused', { inStartPeriod: true, durationMs: 1 }),
        entry(2, 'pass', 'healthy, version 1.4.0', { version: '1.4.0' }),
        entry(3, 'pass', 'healthy, version 1.4.0', { version: '1.4.0' })
      ],
      last,
      deadlineReached: false
    };
    const latencies = [41.23, 38.5, 40, 45.71, 39.9, 120.04, 42, 40.5];
    const report = buildHealthGateReport({
      config: cfg,
      gate,
      latency: {
        sent: latencies.length,
        latenciesMs: latencies,
        failures: 0,
        failureReasons: [],
        summary: summarizeLatencies(latencies)!
      },
      smoke: [
        {
          check: cfg.smoke[0]!,
          passed: true,
          detail: 'HTTP 200',
          httpStatus: 200,
          latencyMs: 33.333
        }
      ],
      watch: undefined,
      cutShort: undefined,
      startedAt
    });
    expect(report.healthy).toBe(true);
    const markdown = renderHealthGateSummary(report);
    expect(markdown).not.toContain('pw-s3cret');
    expect(markdown).toMatchInlineSnapshot(`
     "## ✅ health-gate: healthy

     > Healthy: 2 consecutive passing probes in 10s, p99 120 ms, 1 smoke check passed.

     | target | expected | reported | uptime | probes | elapsed |
     | --- | --- | --- | --- | --- | --- |
     | \`https://***@staging-api.example.com\` | 1.4.0 @ 0123456789ab | 1.4.0 @ 0123456789ab | 1m35s | 3 | 10s |

     ### Probes

     🟡✅✅

     <sub>✅ passed · ❌ failed · 🟡 failed in the start period (not counted) · ⏳ healthy but another version · every 5s, 2 passes in a row needed, 3 counted failures in a row fail, start period 10s, deadline 5m</sub>

     | probe | at | took | version | result |
     | --- | --- | --- | --- | --- |
     | 🟡 1 | +0ms | 1.0 ms | – | health: GET /health: connection refused |
     | ✅ 2 | +5s | 12 ms | 1.4.0 | healthy, version 1.4.0 |
     | ✅ 3 | +10s | 12 ms | 1.4.0 | healthy, version 1.4.0 |

     ### Checks at the last probe

     | check | result | detail |
     | --- | --- | --- |
     | health | ✅ | HTTP 200 |
     | version | ✅ | 1.4.0 |
     | git-sha | ✅ | 0123456789ab |
     | ready | ✅ | HTTP 200 |

     | dependency | status | latency | error |
     | --- | --- | --- | --- |
     | postgres | ✅ | 2.5 ms | – |
     | redis | ✅ | 0.8 ms | – |

     ### Latency ✅

     | requests | failed | p50 | p95 | p99 | max | p99 limit |
     | --- | --- | --- | --- | --- | --- | --- |
     | 8 | 0 | 41 ms | 120 ms | 120 ms | 120 ms | 500 ms |

     Latency of \`/api/ping\` per request, in completion order: ▁▁▁▁▁█▁▁

     ### Smoke checks ✅

     | check | result | detail | took |
     | --- | --- | --- | --- |
     | GET /api/items 200 items | ✅ | HTTP 200 | 33 ms |
     "
    `);
  });

  it('renders an unhealthy gate with a failing dependency and a long timeline', () => {
    const cfg = config(
      { url: 'https://staging-api.example.com' },
      {
        gate: { intervalMs: 5000, startPeriodMs: 10_000, retries: 8, successThreshold: 2, deadlineMs: 60_000 }
      }
    );
    const last = assessProbe(cfg.target, {
      health: {
        kind: 'answer',
        httpStatus: 200,
        latencyMs: 12,
        answer: interpretAnswer(200, JSON.stringify({ status: 'ok', version: '1.4.0' }))
      },
      ready: {
        kind: 'answer',
        httpStatus: 503,
        latencyMs: 30,
        answer: interpretAnswer(
          503,
          JSON.stringify({
            status: 'fail',
            checks: [
              { name: 'postgres', status: 'ok', latency_ms: 3 },
              { name: 'redis', status: 'fail', error: 'Connection refused | 10.0.0.5:6379 <primary>' }
            ]
          })
        )
      }
    });
    const timeline = Array.from({ length: 10 }, (_, i) =>
      entry(i + 1, 'fail', last.summary, { inStartPeriod: i < 2, version: '1.4.0' })
    );
    const report = buildHealthGateReport({
      config: cfg,
      gate: {
        status: 'failed',
        reason: `8 consecutive failed probes after the start period; last: ${last.summary}`,
        attempts: 10,
        elapsedMs: 45_030,
        timeline,
        last,
        deadlineReached: false
      },
      latency: undefined,
      smoke: [],
      watch: undefined,
      cutShort: undefined,
      startedAt
    });
    expect(report.healthy).toBe(false);
    expect(renderHealthGateSummary(report)).toMatchInlineSnapshot(`
     "## ❌ health-gate: unhealthy

     > Unhealthy: 8 consecutive failed probes after the start period; last: ready: GET /ready HTTP 503 (redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt;); redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt;.

     | target | expected | reported | uptime | probes | elapsed |
     | --- | --- | --- | --- | --- | --- |
     | \`https://staging-api.example.com\` | any version | 1.4.0 | – | 10 | 45s |

     ### Probes

     🟡🟡❌❌❌❌❌❌❌❌

     <sub>✅ passed · ❌ failed · 🟡 failed in the start period (not counted) · ⏳ healthy but another version · every 5s, 2 passes in a row needed, 8 counted failures in a row fail, start period 10s, deadline 1m</sub>

     <details><summary>All 10 probes</summary>

     | probe | at | took | version | result |
     | --- | --- | --- | --- | --- |
     | 🟡 1 | +0ms | 12 ms | 1.4.0 | ready: GET /ready HTTP 503 (redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt;); redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt; |
     | 🟡 2 | +5s | 12 ms | 1.4.0 | ready: GET /ready HTTP 503 (redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt;); redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt; |
     | ❌ 3 | +10s | 12 ms | 1.4.0 | ready: GET /ready HTTP 503 (redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt;); redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt; |
     | ❌ 4 | +15s | 12 ms | 1.4.0 | ready: GET /ready HTTP 503 (redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt;); redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt; |
     | ❌ 5 | +20s | 12 ms | 1.4.0 | ready: GET /ready HTTP 503 (redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt;); redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt; |
     | ❌ 6 | +25s | 12 ms | 1.4.0 | ready: GET /ready HTTP 503 (redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt;); redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt; |
     | ❌ 7 | +30s | 12 ms | 1.4.0 | ready: GET /ready HTTP 503 (redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt;); redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt; |
     | ❌ 8 | +35s | 12 ms | 1.4.0 | ready: GET /ready HTTP 503 (redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt;); redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt; |
     | ❌ 9 | +40s | 12 ms | 1.4.0 | ready: GET /ready HTTP 503 (redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt;); redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt; |
     | ❌ 10 | +45s | 12 ms | 1.4.0 | ready: GET /ready HTTP 503 (redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt;); redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt; |

     </details>

     ### Checks at the last probe

     | check | result | detail |
     | --- | --- | --- |
     | health | ✅ | HTTP 200 |
     | ready | ❌ | GET /ready HTTP 503 (redis: Connection refused \\| 10.0.0.5:6379 &lt;primary&gt;) |
     | redis | ❌ | Connection refused \\| 10.0.0.5:6379 &lt;primary&gt; |

     | dependency | status | latency | error |
     | --- | --- | --- | --- |
     | postgres | ✅ | 3.0 ms | – |
     | redis | ❌ | – | Connection refused \\| 10.0.0.5:6379 &lt;primary&gt; |

     ### What to look at next

     - The service answers but reports itself unhealthy: read its logs around the time of the last probes.
     - Dependency \`redis\` is failing (Connection refused | 10.0.0.5:6379 &lt;primary&gt;): check that service and this deployment's connection settings for it.
     "
    `);
  });

  it('renders a watch stopped at an error spike: a row per window, the error rate drawn, what to do', () => {
    const watch = {
      durationMs: 300_000,
      intervalMs: 30_000,
      paths: ['/api/items', '/health'],
      rps: 5,
      maxErrorRate: 1,
      maxP99Ms: 500
    };
    const cfg = config({}, { watch });
    const last = assessProbe(cfg.target, {
      health: {
        kind: 'answer',
        httpStatus: 200,
        latencyMs: 12,
        answer: interpretAnswer(200, JSON.stringify({ status: 'ok', version: '1.4.0' }))
      }
    });
    const window = (n: number, errors: number, p99Ms: number) => ({
      window: n,
      startMs: (n - 1) * 30_000,
      endMs: n * 30_000,
      requests: 150,
      errors,
      errorReasons: errors ? { '/api/items: HTTP 503': errors } : ({} as Record<string, number>),
      errorRate: (errors / 150) * 100,
      p99Ms
    });
    const report = buildHealthGateReport({
      config: cfg,
      gate: {
        status: 'passed',
        reason: '2 consecutive passing probes',
        attempts: 2,
        elapsedMs: 5010,
        timeline: [entry(1, 'pass', 'healthy'), entry(2, 'pass', 'healthy')],
        last,
        deadlineReached: false
      },
      latency: undefined,
      smoke: [],
      watch: {
        status: 'failed',
        reason:
          'window 3 of 10 (+1m to +1m30s): error spike: 12 of 150 requests failed (8 %, limit 1 %): /api/items: HTTP 503 ×12',
        windows: [
          { ...window(1, 0, 41), verdict: 'pass', reason: '0 of 150 requests failed (0 %), p99 41 ms' },
          { ...window(2, 1, 44), verdict: 'pass', reason: '1 of 150 requests failed (0.7 %), p99 44 ms' },
          {
            ...window(3, 12, 63),
            verdict: 'errors',
            reason: 'error spike: 12 of 150 requests failed (8 %, limit 1 %): /api/items: HTTP 503 ×12'
          }
        ],
        plannedWindows: 10,
        requests: 480,
        elapsedMs: 90_400
      },
      cutShort: undefined,
      startedAt
    });
    expect(report.healthy).toBe(false);
    expect(report.watch).toMatchObject({ worstErrorRate: 8, worstP99Ms: 63, requests: 480 });
    const markdown = renderHealthGateSummary(report);
    expect(markdown.slice(markdown.indexOf('### Post-deploy watch'))).toMatchInlineSnapshot(`
     "### Post-deploy watch ❌

     5 requests/s to \`/api/items\`, \`/health\` for 5m, judged every 30s: a window fails above 1 % errors (5xx, timeouts, refused) or a p99 above 500 ms, and is inconclusive with fewer than 5 answers.

     Outcome: window 3 of 10 (+1m to +1m30s): error spike: 12 of 150 requests failed (8 %, limit 1 %): /api/items: HTTP 503 ×12.

     Error rate per window: \`▁▁█\` ✅✅❌ (stopped after 3 of 10 windows)

     | window | requests | errors | error rate | p99 | verdict |
     | --- | --- | --- | --- | --- | --- |
     | 1 (+0ms) | 150 | 0 | 0 % | 41 ms | ✅ 0 of 150 requests failed (0 %), p99 41 ms |
     | 2 (+30s) | 150 | 1 | 0.7 % | 44 ms | ✅ 1 of 150 requests failed (0.7 %), p99 44 ms |
     | 3 (+1m) | 150 | 12 | 8 % | 63 ms | ❌ error spike: 12 of 150 requests failed (8 %, limit 1 %): /api/items: HTTP 503 ×12 |

     ### What to look at next

     - Errors rose after the deploy on \`/api/items\`, \`/health\`: read the service's logs for the failing window and roll back if users are affected; the watch stopped at the first failing window.
     "
    `);
  });
});
