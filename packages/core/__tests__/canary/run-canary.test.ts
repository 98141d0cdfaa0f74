import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/clock.ts';
import { ConfigurationError } from '../../src/errors.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { runCanary, type CanaryConfig } from '../../src/canary/run-canary.ts';
import { FakeRouter, ONE_WEIGHT_CONFIG, ScriptedMetrics, healthy, type Scene } from './fakes.ts';

const config: CanaryConfig = ONE_WEIGHT_CONFIG;

function setup(scene: Scene, overrides: Partial<CanaryConfig> = {}) {
  const clock = new ManualClock();
  const router = new FakeRouter();
  const metrics = new ScriptedMetrics(clock, router, scene);
  const logger = new MemoryLogger();
  const run = () => runCanary({ ...config, ...overrides }, { router, metrics, clock, logger });
  return { clock, router, metrics, logger, run };
}

describe('runCanary', () => {
  it('walks 10/50/100 with a healthy canary and promotes, measuring each weight for its duration', async () => {
    const { run, router, metrics, clock } = setup(() => healthy(), { weights: [10, 50, 100] });
    const result = await run();
    expect(result.decision).toBe('promote');
    expect(router.weights).toEqual([10, 50, 100]);
    expect(result.finalWeight).toBe(100);
    expect(result.measurements.map((m) => `${m.weight}#${m.look}:${m.status}`)).toEqual([
      '10#1:pass',
      '10#2:pass',
      '10#3:pass',
      '50#1:pass',
      '50#2:pass',
      '50#3:pass',
      '100#1:pass',
      '100#2:pass',
      '100#3:pass'
    ]);
    expect(metrics.windows.every((w) => w.durationMs === 20_000)).toBe(true);
    expect(clock.now()).toBe(180_000);
    expect(result.traffic).toEqual({
      action: 'kept',
      ok: true,
      description: 'The canary keeps 100% of traffic.'
    });
    expect(result.last?.canary).toMatchObject({ requests: 900, errors: 0, p99Ms: 40 });
  });

  it('rolls a bad canary back to weight 0 at the first weight, early', async () => {
    const { run, router, clock } = setup(
      (track) => (track === 'canary' ? healthy(300, 30) : healthy(300, 1)),
      { weights: [10, 50, 100], durationMs: 300_000 }
    );
    const result = await run();
    expect(result.decision).toBe('rollback');
    expect(router.weights).toEqual([10, 0]);
    expect(result.finalWeight).toBe(0);
    expect(result.measurements).toHaveLength(1);
    expect(clock.now()).toBe(20_000);
    expect(result.reason).toMatch(
      /^at 10%: measurement 1: stopped early: the canary fails [\d.]+% of requests against [\d.]+% on the stable version/
    );
    expect(result.traffic).toMatchObject({ action: 'reset', ok: true });
    expect(result.weights.map((w) => [w.weight, w.status])).toEqual([[10, 'rollback']]);
  });

  it('leaves traffic with on-failure: fail', async () => {
    const { run, router } = setup((track) => (track === 'canary' ? healthy(300, 30) : healthy()), {
      onFailure: 'fail'
    });
    const result = await run();
    expect(result.decision).toBe('rollback');
    expect(router.weights).toEqual([10]);
    expect(result.finalWeight).toBe(10);
    expect(result.traffic.action).toBe('left');
    expect(result.traffic.description).toMatch(
      /on-failure is `fail`: traffic was left as it is \(canary 10%\)/
    );
  });

  it('ends inconclusive when there is too little traffic, and never promotes', async () => {
    const { run, router } = setup(() => healthy(12), { weights: [10, 50] });
    const result = await run();
    expect(result.decision).toBe('inconclusive');
    expect(result.measurements.map((m) => m.status)).toEqual(['inconclusive', 'inconclusive']);
    expect(router.weights).toEqual([10, 0]);
    expect(result.reason).toMatch(/fewer than min-requests/);
  });

  it('never promotes when the metric source stops answering', async () => {
    const { run } = setup((_track, _weight, call) =>
      call < 2 ? healthy() : { error: 'connection refused' }
    );
    const result = await run();
    expect(result.decision).toBe('inconclusive');
    expect(result.measurements.map((m) => m.status)).toEqual(['pass', 'error', 'error']);
    expect(result.measurements[1]!.reason).toBe('no measurement: connection refused');
  });

  it('leaves traffic unchanged when the router fails to move it, and does not reset what it never moved', async () => {
    const { run, router, logger } = setup(() => healthy());
    router.failOn.set(10, false);
    const result = await run();
    expect(result.decision).toBe('inconclusive');
    expect(result.reason).toMatch(
      /^the router could not set the canary weight to 10%: nginx configuration test failed/
    );
    expect(router.weights).toEqual([]);
    expect(result.traffic).toMatchObject({ action: 'none', ok: true });
    expect(result.finalWeight).toBeUndefined();
    expect(result.weights).toEqual([expect.objectContaining({ weight: 10, status: 'not-applied' })]);
    expect(logger.lines.some((l) => l.startsWith('error: the router could not set'))).toBe(true);
  });

  it('resets when a later weight fails after traffic moved', async () => {
    const { run, router } = setup(() => healthy(), { weights: [10, 50] });
    router.failOn.set(50, false);
    const result = await run();
    expect(router.weights).toEqual([10, 0]);
    expect(result).toMatchObject({ decision: 'inconclusive', finalWeight: 0 });
  });

  it('treats a weight the router does not confirm as not applied and resets', async () => {
    const { run, router } = setup(() => healthy());
    router.verify = (weight) => weight === 0;
    const result = await run();
    expect(result.decision).toBe('inconclusive');
    expect(result.reason).toBe('after setting the canary weight to 10%, fake router does not route it');
    expect(router.weights).toEqual([10, 0]);
  });

  it('reports a reset that failed: weight unknown', async () => {
    const { run, router } = setup((track) => (track === 'canary' ? healthy(300, 60) : healthy()));
    router.failOn.set(0, undefined);
    const result = await run();
    expect(result.traffic.ok).toBe(false);
    expect(result.traffic.description).toMatch(/^Resetting the canary weight to 0 FAILED/);
    expect(result.finalWeight).toBeUndefined();
  });

  it('weight 0 only moves traffic back', async () => {
    const { run, router } = setup(() => healthy(), { weights: [0] });
    const result = await run();
    expect(result).toMatchObject({ decision: 'rollback', finalWeight: 0, measurements: [] });
    expect(router.weights).toEqual([0]);
    expect(result.traffic).toMatchObject({ action: 'reset', ok: true });
  });

  it('compares with earlier baselines at 100% where stable serves nothing', async () => {
    const scene: Scene = (track, weight) =>
      track === 'stable' ? healthy(weight === 100 ? 0 : 300, 1) : healthy(300, 1);
    const { run } = setup(scene, { weights: [50, 100] });
    const result = await run();
    expect(result.decision).toBe('promote');
    expect(
      result.measurements.filter((m) => m.weight === 100).every((m) => m.baselineFrom === 'reference')
    ).toBe(true);
  });

  it('at 100% without any earlier baseline it is inconclusive, unless history brings one', async () => {
    const scene: Scene = (track) => (track === 'stable' ? healthy(0) : healthy());
    expect((await setup(scene, { weights: [100] }).run()).decision).toBe('inconclusive');
    const history = {
      schema: 'canary-step-history/v1' as const,
      measurements: [1, 2, 3].map(() => ({
        weight: 50,
        at: '2026-01-01T00:00:00.000Z',
        status: 'pass' as const,
        canary: { requests: 300, errors: 0, p99Ms: 40 },
        baseline: { requests: 300, errors: 0, p99Ms: 40 }
      }))
    };
    expect((await setup(scene, { weights: [100], history }).run()).decision).toBe('promote');
  });

  it('fails before moving anything when a preflight check fails', async () => {
    const { router, metrics, clock, logger } = setup(() => healthy());
    const failing = Object.assign(metrics, {
      preflight: async () => {
        throw new ConfigurationError('Input `prometheus-url`: nope');
      }
    });
    await expect(runCanary(config, { router, metrics: failing, clock, logger })).rejects.toThrow('nope');
    expect(router.weights).toEqual([]);
  });
});
