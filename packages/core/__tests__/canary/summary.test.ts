import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/clock.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { buildCanaryReport } from '../../src/canary/report.ts';
import { runCanary, type CanaryConfig } from '../../src/canary/run-canary.ts';
import { renderCanaryPostSummary, renderCanarySummary } from '../../src/canary/summary.ts';
import type { MetricProviderSpec } from '../../src/providers/metrics/spec.ts';
import { TRAFFIC_ROUTERS, type TrafficRouterType } from '../../src/providers/traffic/registry.ts';
import { ANALYSIS_DEFAULTS, FakeRouter, ScriptedMetrics, healthy, type Scene } from './fakes.ts';

const config: CanaryConfig = {
  weights: [10, 50, 100],
  durationMs: 90_000,
  intervalMs: 30_000,
  analysis: ANALYSIS_DEFAULTS,
  onFailure: 'rollback',
  onInconclusive: 'rollback'
};

const probe: MetricProviderSpec = {
  type: 'probe',
  canaryUrl: 'http://deployer:s3cret-pw@10.0.0.12:8000/api/items',
  stableUrl: 'http://10.0.0.11:8000/api/items',
  rps: 10
};

async function report(
  scene: Scene,
  overrides: Partial<CanaryConfig> = {},
  setup: { router?: FakeRouter; routerType?: TrafficRouterType; metrics?: MetricProviderSpec } = {}
) {
  const clock = new ManualClock(0, Date.UTC(2026, 2, 3, 14, 0, 0));
  const router = setup.router ?? new FakeRouter();
  const cfg = { ...config, ...overrides };
  const run = await runCanary(cfg, {
    router,
    metrics: new ScriptedMetrics(clock, router, scene),
    clock,
    logger: new MemoryLogger()
  });
  return buildCanaryReport({
    config: cfg,
    run,
    router: { type: setup.routerType ?? 'nginx', target: 'nginx upstream backend in /etc/nginx/canary.conf' },
    metrics: setup.metrics ?? probe,
    runId: '42'
  });
}

describe('next steps come from the router and provider modules', () => {
  it.each(
    TRAFFIC_ROUTERS.map((module) => ({
      type: module.type as TrafficRouterType,
      advice: module.adviceWhenNotApplied
    }))
  )(
    'a weight the $type router could not set gets its own advice, whatever the error says',
    async ({ type, advice }) => {
      // The fake's error names nginx: the advice must follow the router, not the text.
      const router = new FakeRouter();
      router.failOn.set(10, false);
      const result = await report(() => healthy(), {}, { router, routerType: type });
      expect(result.nextSteps).toEqual([advice]);
    }
  );

  it('advice for too few requests and for missing data follows the metric provider', async () => {
    const prometheus: MetricProviderSpec = {
      type: 'prometheus',
      url: 'http://prometheus:9090',
      headers: {},
      queries: { requests: 'r{{track}}', errorRate: 'e{{track}}', latencyP99: 'l{{track}}' },
      extraChecks: []
    };
    const few = await report(() => healthy(10), {}, { metrics: prometheus });
    expect(few.metrics).toEqual({
      type: 'prometheus',
      source: 'Prometheus at http://prometheus:9090',
      extraChecks: []
    });
    expect(few.nextSteps.join('\n')).toMatch(/longer `interval`/);
    const probeFew = await report(() => healthy(10));
    expect(probeFew.nextSteps.join('\n')).toMatch(/raise `probe-rps`/);
  });
});

describe('the canary-step report and summary', () => {
  it('shows a rollback: verdict, traffic, charts, every measurement, what to do next', async () => {
    // The canary's errors rise in its second window.
    const result = await report((track, _weight, call) =>
      track === 'canary'
        ? { ...healthy(300, call < 2 ? 1 : 24, 48), errorsByReason: { 'HTTP 500': call < 2 ? 1 : 24 } }
        : healthy(300, 1, 41)
    );
    expect(result).toMatchObject({
      schema: 'canary-step/v1',
      decision: 'rollback',
      weight: 0,
      lastWeight: { canary: { requests: 600, errors: 25 }, baseline: { requests: 600, errors: 2 } }
    });
    expect(result.history.runId).toBe('42');
    expect(result.history.measurements).toHaveLength(2);
    const markdown = renderCanarySummary(result);
    expect(markdown).not.toContain('s3cret-pw');
    expect(markdown).toMatchInlineSnapshot(`
     "## ❌ canary-step: rollback at 10% after 2 measurements (1m)

     > at 10%: measurement 2: stopped early: the canary fails 4.167% of requests against 0.333% on the stable version, 3.83 points more where 1 is allowed; it is worse with 99% confidence after 600 canary and 600 stable requests

     | decision | canary weight now | weights | measurements | elapsed | router | metrics |
     | --- | --- | --- | --- | --- | --- | --- |
     | ❌ rollback | 0% | 10% → 50% → 100% | 2 | 1m | nginx | probe |

     **Traffic:** Traffic is back on the stable version (canary weight 0).

     **Why it was stopped:** The canary fails 4.167% of requests against 0.333% on the stable version, 3.83 points more where 1 is allowed; it is worse with 99% confidence after 600 canary and 600 stable requests.

     <details><summary>The sequential test in detail</summary>

     | metric | test | canary / baseline | requests canary / baseline | e-value | stop at | anytime p | result |
     | --- | --- | --- | --- | --- | --- | --- | --- |
     | error-rate | error rates | 4.17% / 0.33% | 600 / 600 | 2750 | 100 | 0.00036 | stop |
     | p99 | p99 log ratio | p99 ×1.171 the baseline's | 600 / 600 | 1 | 100 | 1 | go on |

     <sub>Anytime-valid one-sided tests over everything measured at 10%: normal-mixture e-values (a mixture SPRT) on the difference of error rates and on the Mann-Whitney effect of every latency (probe), a Bayes factor t test on the p99 log ratio across measurements (Prometheus). A canary no worse than the stable version reaches an e-value of 100 with probability at most 1% per metric and weight however many measurements are looked at, so the budget is not split over the 3 planned; a stop also needs the observed difference above the limit. Measurement 2 of 3 at this weight.</sub>

     </details>

     ### Weights

     | weight | result | measurements | why |
     | --- | --- | --- | --- |
     | 10% | ❌ rollback | 2 | measurement 2: stopped early: the canary fails 4.167% of requests against 0.333% on the stable version, 3.83 points more where 1 is allowed; it is worse with 99% confidence after 600 canary and 600 stable requests |

     ### Canary against baseline over time

     \`\`\`mermaid
     xychart-beta
       title "Error rate (%): bars canary, line baseline"
       x-axis ["10%#1", "10%#2"]
       y-axis "errors (%)" 0 --> 9.2
       bar [0.33, 8]
       line [0.33, 0.33]
     \`\`\`

     \`\`\`mermaid
     xychart-beta
       title "p99 latency (ms): bars canary, line baseline"
       x-axis ["10%#1", "10%#2"]
       y-axis "p99 (ms)" 0 --> 55
       bar [48, 48]
       line [41, 41]
     \`\`\`

     ### Measurements

     | # | weight | at | requests canary / baseline | errors canary / baseline | p99 canary / baseline | result |
     | --- | --- | --- | --- | --- | --- | --- |
     | ✅ 1 | 10% | +30s | 300 / 300 | 0.33% / 0.33% | 48 ms / 41 ms | 2 checks passed |
     | ❌ 2 | 10% | +1m | 300 / 300 | 8% / 0.33% | 48 ms / 41 ms | stopped early: the canary fails 4.167% of requests against 0.333% on the stable version, 3.83 points more where 1 is allowed; it is worse with 99% confidence after 600 canary and 600 stable requests |

     <sub>✅ pass · ❌ fail · ❔ inconclusive (too few requests) · ⚠️ no data. Rules: canary error rate ≤ baseline + 1 pp; p99 ≤ 1.2 × baseline (differences under 5 ms ignored); at least 50 requests per track per measurement. A check fails only when the difference is also significant (p &lt; 0.01); 1 failed and 1 inconclusive measurement(s) tolerated per weight; a sequential test over each weight stops a clearly worse canary at once (anytime-valid: false-stop budget 1% per metric and weight, whatever the number of measurements). Source: probe at 10 requests/s per track: canary http://***@10.0.0.12:8000/api/items, stable http://10.0.0.11:8000/api/items; router: nginx upstream backend in /etc/nginx/canary.conf.</sub>

     ### What to do next

     - The canary answers errors the stable version does not (HTTP 500 ×25): read the canary's logs for the failing requests.
     - Fix the canary and deploy it again; the stable version keeps serving meanwhile.
     "
    `);
  });

  it('shows a promotion through every weight, with next steps', async () => {
    // At 100% the stable version serves nothing: the earlier baseline stands in.
    const result = await report((track, weight) =>
      track === 'stable' && weight === 100 ? healthy(0) : healthy(300, 1, 40)
    );
    expect(result.decision).toBe('promote');
    const markdown = renderCanarySummary(result);
    expect(markdown).toContain('## ✅ canary-step: promote at 100% after 9 measurements (4m30s)');
    expect(markdown).toContain('make it the new stable version');
    expect(markdown.match(/```mermaid/g)).toHaveLength(2);
    expect(markdown).toContain(
      '| ✅ 9 | 100% | +4m30s | 300 / 0* | 0.33% / 0% | 40 ms / 40 ms | 2 checks passed (against the earlier baseline) |'
    );
    expect(markdown).toContain('the canary was compared with the baseline of earlier measurements');
  });

  it('explains an inconclusive run', async () => {
    const result = await report(() => healthy(20));
    expect(result.decision).toBe('inconclusive');
    expect(result.nextSteps[0]).toMatch(/Too few requests to judge: raise `probe-rps` or `interval`/);
    expect(renderCanarySummary(result)).toContain(
      '## ⚠️ canary-step: inconclusive at 10% after 2 measurements (1m)'
    );
  });

  it('renders the post step note', () => {
    expect(
      renderCanaryPostSummary({
        action: 'reset',
        ok: true,
        reason:
          'the canary step did not finish (cancelled, timed out or crashed) while the canary had 10% of traffic',
        outcome: 'canary weight reset to 0: all traffic is on the stable version'
      })
    ).toMatchInlineSnapshot(`
     "## ↩️ canary-step post: traffic reset

     > the canary step did not finish (cancelled, timed out or crashed) while the canary had 10% of traffic: canary weight reset to 0: all traffic is on the stable version.

     The canary was taken out of traffic because the step did not finish; run the canary again once the cause is fixed.
     "
    `);
  });
});
