import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/clock.ts';
import { ConfigurationError } from '../../src/errors.ts';
import { MemoryLogger } from '../../src/logger.ts';
import {
  MetricError,
  type MetricProvider,
  type TrackMeasurement
} from '../../src/providers/metrics/provider.ts';
import { judgeRecoveryWindow, recoveryWindows, watchRecovery } from '../../src/rollback/recovery.ts';

const config = { windowMs: 60_000, intervalMs: 15_000, maxErrorRatePercent: 1, minRequests: 20 };

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
    expect(judgeRecoveryWindow(measured, 1000, config).status).toBe(status);
  });

  it('says the numbers and the baseline', () => {
    expect(judgeRecoveryWindow({ requests: 200, errors: 3 }, 0, config).detail).toBe(
      '1.50% of 200 requests failed (baseline ≤ 1.00%)'
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
    expect(report.verdict).toContain('not back at the baseline (≤ 1.00%) within 1m');
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
