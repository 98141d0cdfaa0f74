import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/clock.ts';
import { ConfigurationError } from '../../src/errors.ts';
import { MemoryLogger } from '../../src/logger.ts';
import {
  MetricError,
  type MetricProvider,
  type TrackMeasurement
} from '../../src/providers/metrics/provider.ts';
import type { CanaryHistory } from '../../src/canary/history.ts';
import {
  baselineFromHistory,
  judgeRecoveryWindow,
  measureBaseline,
  recoveryWindows,
  unknownBaseline,
  watchRecovery
} from '../../src/rollback/recovery.ts';

const baseline = unknownBaseline('not measured in this test');
const config = { windowMs: 60_000, intervalMs: 15_000, tolerancePercent: 1, minRequests: 20, baseline };
const limits = { baselinePercent: 0, thresholdPercent: 1, minRequests: 20 };

/** A provider answering one scripted result per window, taking the window's time on the clock. */
function scripted(clock: ManualClock, answers: (TrackMeasurement | Error)[]) {
  const tracks: string[] = [];
  let i = 0;
  const provider: MetricProvider = {
    type: 'prometheus',
    async measure(track, window) {
      tracks.push(track);
      await clock.sleep(window.end - clock.now());
      const answer = answers[Math.min(i++, answers.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return answer;
    }
  };
  return { provider, tracks };
}

describe('judgeRecoveryWindow', () => {
  it.each([
    [{ requests: 200, errors: 2 }, 'recovered'],
    [{ requests: 200, errors: 3 }, 'above'],
    [{ requests: 19, errors: 0 }, 'too-few'],
    [new MetricError('Prometheus did not answer', 'unavailable'), 'error']
  ] as const)('judges %j as %s', (measured, status) => {
    expect(judgeRecoveryWindow(measured, 1000, limits).status).toBe(status);
  });

  it('says the numbers and the baseline', () => {
    expect(judgeRecoveryWindow({ requests: 200, errors: 3 }, 0, limits).detail).toBe(
      '1.50% of 200 requests failed (baseline 0.00%, recovered at ≤ 1.00%)'
    );
  });
});

describe('watchRecovery', () => {
  it('stops at the first window back at the baseline, measuring the stable track', async () => {
    const clock = new ManualClock();
    const { provider, tracks } = scripted(clock, [
      { requests: 100, errors: 30 },
      { requests: 100, errors: 0 }
    ]);
    const report = await watchRecovery(config, { provider, clock, logger: new MemoryLogger() });
    expect(report).toMatchObject({ recovered: true, recoveredAfterMs: 30_000 });
    expect(tracks).toEqual(['stable', 'stable']);
    expect(report.verdict).toMatch(/^error rate back at the baseline after 30s/);
  });

  it('never counts missing data or too few requests as recovered, and waits out each window', async () => {
    const clock = new ManualClock();
    const { provider } = scripted(clock, [
      new MetricError('connection refused', 'unavailable'),
      { requests: 3, errors: 0 },
      new MetricError('error-rate-query: returned 7', 'garbage')
    ]);
    const report = await watchRecovery(config, { provider, clock, logger: new MemoryLogger() });
    expect(report.recovered).toBe(false);
    expect(report.measurements.map((m) => m.status)).toEqual(['error', 'too-few', 'error', 'error']);
    expect(clock.now()).toBe(60_000);
    expect(report.verdict).toContain('not back at the baseline (0.00%, recovered at ≤ 1.00%) within 1m');
  });

  it('fails at once when the metric source rejects the configuration', async () => {
    const clock = new ManualClock();
    const provider: MetricProvider = {
      type: 'prometheus',
      async preflight() {
        throw new ConfigurationError(
          'Input `error-rate-query`: got "x"; expected a query Prometheus accepts'
        );
      },
      async measure() {
        throw new Error('not reached');
      }
    };
    await expect(watchRecovery(config, { provider, clock, logger: new MemoryLogger() })).rejects.toThrow(
      'error-rate-query'
    );
    expect(clock.now()).toBe(0);
  });

  it('fits whole windows into the recovery window, at least one', () => {
    expect(recoveryWindows({ windowMs: 60_000, intervalMs: 15_000 })).toBe(4);
    expect(recoveryWindows({ windowMs: 50_000, intervalMs: 15_000 })).toBe(3);
    expect(recoveryWindows({ windowMs: 5_000, intervalMs: 15_000 })).toBe(1);
  });
});

describe('the recovery baseline', () => {
  const entry = (baseline?: { requests: number; errors: number }) => ({
    weight: 10,
    at: '2026-03-02T09:00:00Z',
    status: 'pass' as const,
    canary: { requests: 50, errors: 10 },
    ...(baseline ? { baseline } : {})
  });
  const history = (...entries: ReturnType<typeof entry>[]): CanaryHistory => ({
    schema: 'canary-step-history/v1',
    measurements: entries
  });

  it("is the stable track's error rate over the canary's measurements, not the canary's", () => {
    const b = baselineFromHistory(
      history(entry({ requests: 400, errors: 2 }), entry(), entry({ requests: 600, errors: 8 })),
      20
    )!;
    expect(b).toMatchObject({ percent: 1, source: 'history', requests: 1000 });
    expect(b.detail).toBe('1.00% of 1000 stable requests in 2 canary measurement(s)');
  });

  it('says nothing from a history with too few stable requests', () => {
    expect(baselineFromHistory(history(entry({ requests: 10, errors: 0 })), 20)).toBeUndefined();
    expect(baselineFromHistory(history(), 20)).toBeUndefined();
  });

  it('measures the window that ends now on Prometheus, the next interval with the probe', async () => {
    const clock = new ManualClock(5000);
    const windows: { type: string; end: number }[] = [];
    const provider = (type: 'probe' | 'prometheus'): MetricProvider => ({
      type,
      async measure(track, window) {
        windows.push({ type, end: window.end });
        return { requests: 200, errors: 4 };
      }
    });
    const fromPrometheus = await measureBaseline(provider('prometheus'), config, clock);
    await measureBaseline(provider('probe'), config, clock);
    expect(windows).toEqual([
      { type: 'prometheus', end: 5000 },
      { type: 'probe', end: 20_000 }
    ]);
    expect(fromPrometheus).toMatchObject({ percent: 2, source: 'measured', requests: 200 });
  });

  it('is unknown, so 0 (the strictest), when the stable track cannot be measured or served too little', async () => {
    const clock = new ManualClock();
    const failing = scripted(clock, [new MetricError('connection refused', 'unavailable')]).provider;
    const thin = scripted(clock, [{ requests: 3, errors: 3 }]).provider;
    expect(await measureBaseline(failing, config, clock)).toMatchObject({ percent: 0, source: 'unknown' });
    const few = await measureBaseline(thin, config, clock);
    expect(few).toMatchObject({ percent: 0, source: 'unknown' });
    expect(few.detail).toContain('3 stable request(s), fewer than the 20 needed');
  });

  it('judges each window against the baseline plus the tolerance', async () => {
    const clock = new ManualClock();
    const { provider } = scripted(clock, [
      { requests: 100, errors: 5 },
      { requests: 100, errors: 3 }
    ]);
    const measured = { percent: 2, source: 'measured' as const, requests: 500, detail: '2.00%' };
    const report = await watchRecovery(
      { ...config, baseline: measured },
      { provider, clock, logger: new MemoryLogger() }
    );
    expect(report).toMatchObject({ recovered: true, baselinePercent: 2, thresholdPercent: 3 });
    expect(report.measurements.map((m) => m.status)).toEqual(['above', 'recovered']);
  });
});
