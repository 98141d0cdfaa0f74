/**
 * The requirements, shown by seeded simulation of the real analysis loop (see
 * simulate.ts): on equal tracks at most 1% false rollbacks over at least 1000 runs; a canary
 * 5 percentage points worse at 10 requests/s (300 requests per 30-second interval) stopped within
 * two intervals. Settings are the action's defaults. The figures are in docs/adrs/0004.
 */
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CONFIG, simulate, type TrackModel } from './simulate.ts';

const TEN_RPS = 300; // 10 requests/s for the default 30-second interval
const latency = { medianMs: 20, sigma: 0.5 }; // a web endpoint: p99 ≈ 3.2 × median

describe('false rollbacks on equal tracks (1000 seeded runs each)', () => {
  it('with the probe (errors and every latency): at most 1%', async () => {
    const track: TrackModel = { errorRate: 0.01, requests: TEN_RPS, latency };
    const result = await simulate(1000, 101, track, track);
    expect(result.runs).toBe(1000);
    expect(result.rollbacks).toBeLessThanOrEqual(10);
    expect(result.promotions + result.rollbacks).toBe(1000);
  });

  it.each([
    [0.005, TEN_RPS, TEN_RPS],
    [0.02, TEN_RPS, TEN_RPS],
    [0.05, TEN_RPS, TEN_RPS],
    // Weight 10 behind a load balancer with Prometheus: the canary serves a ninth of the stable's traffic.
    [0.02, 50, 450]
  ])(
    'with counts only (Prometheus), base error rate %p, %p vs %p requests: at most 1%',
    async (rate, canaryRequests, baselineRequests) => {
      const result = await simulate(
        1000,
        202,
        { errorRate: rate, requests: canaryRequests },
        { errorRate: rate, requests: baselineRequests }
      );
      expect(result.rollbacks).toBeLessThanOrEqual(10);
    }
  );
});

describe('a canary 5 points worse at 10 requests/s (1000 seeded runs each)', () => {
  it('is always stopped within two intervals when the baseline has no errors', async () => {
    const result = await simulate(
      1000,
      303,
      { errorRate: 0.05, requests: TEN_RPS },
      { errorRate: 0, requests: TEN_RPS }
    );
    expect(result.rollbacks).toBe(1000);
    expect(result.rollbacksWithinTwo).toBe(1000);
    expect(result.meanMeasurementsToRollback).toBeLessThan(1.3);
  });

  it('is stopped within two intervals in at least 95% of runs over a 1% baseline, and always by the end', async () => {
    const result = await simulate(
      1000,
      404,
      { errorRate: 0.06, requests: TEN_RPS },
      { errorRate: 0.01, requests: TEN_RPS }
    );
    expect(result.rollbacks).toBe(1000);
    expect(result.rollbacksWithinTwo).toBeGreaterThanOrEqual(950);
  });

  it('stops far earlier than waiting out the duration', async () => {
    const result = await simulate(
      200,
      505,
      { errorRate: 0.055, requests: TEN_RPS },
      { errorRate: 0.005, requests: TEN_RPS }
    );
    // Ten measurements per weight by default: the fixed-window rule decides after the tenth.
    expect(
      (result.meanMeasurementsToRollback / DEFAULT_CONFIG.durationMs) * DEFAULT_CONFIG.intervalMs
    ).toBeLessThan(0.2);
  });
});

describe('a latency regression (probe)', () => {
  it('a canary 50% slower is rolled back, mostly within two intervals', async () => {
    const result = await simulate(
      200,
      606,
      { errorRate: 0.01, requests: TEN_RPS, latency: { medianMs: 30, sigma: 0.5 } },
      { errorRate: 0.01, requests: TEN_RPS, latency }
    );
    expect(result.rollbacks).toBe(200);
    expect(result.rollbacksWithinTwo).toBeGreaterThanOrEqual(190);
  });
});
