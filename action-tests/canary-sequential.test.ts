/**
 * The anytime-valid sequential analysis through the real canary-step bundle under Node 24 and its
 * own probe, against two real versions of the example app answering errors on purpose (the fault
 * switch): 100 requests/s per track, 3-second intervals, so fifteen looks a minute. A canary
 * failing 3% of requests against the stable version's 1% (2 points, the limit is 1) is stopped
 * before the planned end and rolled back; a canary as good as the stable version is promoted.
 * `/health` touches no dependency, so neither PostgreSQL nor Redis is started.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runAction, type ActionRun } from './run-action.ts';
import { startExampleApp, type ExampleApp } from './services/index.ts';

const UNUSED_DATABASE = 'postgresql://postgres@127.0.0.1:9/unused';
const UNUSED_REDIS = 'redis://127.0.0.1:9/0';
const LOOKS = 15;

let stable: ExampleApp;
const canaries: ExampleApp[] = [];

async function startApp(track: 'stable' | 'canary', faultErrorPercent: number, faultSeed: number) {
  return startExampleApp({
    version: track === 'stable' ? '1.0.0' : '2.0.0',
    gitSha:
      track === 'stable'
        ? '3f786850e387550fdab836ed7e6dc881de23001b'
        : '89e6c98d92887913cadf06b2adb97f26cde4849b',
    track,
    databaseUrl: UNUSED_DATABASE,
    redisUrl: UNUSED_REDIS,
    faultErrorPercent,
    faultSeed
  });
}

/** canary-step at 10% through a router that cannot verify (a no-op command), measured by the probe. */
function runCanaryStep(canary: ExampleApp): Promise<ActionRun> {
  return runAction('canary-step', {
    inputs: {
      router: 'command',
      'set-weight-command': 'true',
      metrics: 'probe',
      'probe-canary-url': `${canary.url}/health`,
      'probe-stable-url': `${stable.url}/health`,
      'probe-rps': '100',
      interval: '3s',
      duration: `${3 * LOOKS}s`,
      weight: '10'
    },
    timeoutMs: 120_000
  });
}

const report = (run: ActionRun) => JSON.parse(run.outputs.report ?? '{}');

beforeAll(async () => {
  stable = await startApp('stable', 1, 1);
});

afterAll(async () => {
  await Promise.all([stable?.stop(), ...canaries.map((c) => c.stop())]);
});

describe('canary-step, anytime-valid analysis, 100 requests/s per track, 3-second intervals', () => {
  it('rolls back a canary failing 3% of requests against 1%, before the planned end', async () => {
    const canary = await startApp('canary', 3, 2);
    canaries.push(canary);
    const run = await runCanaryStep(canary);
    expect(run.outputs).toMatchObject({ decision: 'rollback', weight: '0' });
    expect(run.exitCode).toBe(1);
    const result = report(run);
    expect(result.measurements.length).toBeLessThan(LOOKS);
    const stopped = result.measurements.at(-1);
    const look = stopped.sequential.find((l: { stop: boolean }) => l.stop);
    expect(look).toMatchObject({ metric: 'error-rate', test: 'error rates', alpha: 0.01 });
    expect(look.eValue).toBeGreaterThanOrEqual(100);
    expect(look.canary - look.baseline).toBeGreaterThan(1);
    expect(run.summary).toMatch(
      /\*\*Why it was stopped:\*\* The canary fails [\d.]+% of requests against [\d.]+% on the stable version, [\d.]+ points more where 1 is allowed; it is worse with 99% confidence after \d+ canary and \d+ stable requests\./
    );
    expect(run.summary).toContain('<details><summary>The sequential test in detail</summary>');
  });

  it('promotes a canary as good as the stable version after every planned measurement', async () => {
    const canary = await startApp('canary', 1, 3);
    canaries.push(canary);
    const run = await runCanaryStep(canary);
    expect(run.outputs).toMatchObject({ decision: 'promote', weight: '10' });
    expect(run.exitCode).toBe(0);
    const result = report(run);
    expect(result.measurements).toHaveLength(LOOKS);
    expect(
      result.measurements.every((m: { sequential: { stop: boolean }[] }) =>
        m.sequential.every((l) => !l.stop)
      )
    ).toBe(true);
    // Enough requests behind the decision: the probe kept close to its rate.
    expect(result.lastWeight.canary.requests).toBeGreaterThan(LOOKS * 200);
    expect(run.summary).not.toContain('Why it was stopped');
  });
});
