import { describe, expect, it } from '@jest/globals';
import { MemoryLogger } from '../../src/logger.ts';
import { CanaryState, planPostStep, recordWeightChanges, runCanaryPost } from '../../src/canary/state.ts';
import type { TrafficRouterSpec } from '../../src/providers/traffic/spec.ts';
import { FakeRouter } from './fakes.ts';

const spec: TrafficRouterSpec = { type: 'command', command: ['./set-weight', '{weight}'], timeoutMs: 60_000 };
const state = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const routerJson = JSON.stringify(spec);

describe('recordWeightChanges', () => {
  it('saves the weight before and after each change', async () => {
    const saved: [string, string][] = [];
    const inner = new FakeRouter();
    const router = recordWeightChanges(inner, (name, value) => saved.push([name, value]));
    await router.setWeight(10);
    await router.reset();
    expect(saved).toEqual([
      [CanaryState.requestedWeight, '10'],
      [CanaryState.weight, '10'],
      [CanaryState.requestedWeight, '0'],
      [CanaryState.weight, '0']
    ]);
    expect(await router.verifyWeight(0)).toBe(true);
  });

  it('leaves only the request when the change fails (so the post step still resets)', async () => {
    const saved: [string, string][] = [];
    const inner = new FakeRouter();
    inner.failOn.set(50, undefined);
    const router = recordWeightChanges(inner, (name, value) => saved.push([name, value]));
    await expect(router.setWeight(50)).rejects.toThrow();
    expect(saved).toEqual([[CanaryState.requestedWeight, '50']]);
  });
});

describe('planPostStep', () => {
  it.each([
    [
      'main finished',
      { finished: 'true', router: routerJson, weight: '10', 'requested-weight': '10' },
      'nothing',
      /finished/
    ],
    ['main failed on its inputs', {}, 'nothing', /before it could move traffic/],
    ['main never changed the weight', { router: routerJson }, 'nothing', /before it changed the weight/],
    [
      'all traffic already on stable',
      { router: routerJson, weight: '0', 'requested-weight': '0' },
      'nothing',
      /already on the stable/
    ],
    [
      'cancelled while split',
      { router: routerJson, weight: '10', 'requested-weight': '10' },
      'reset',
      /did not finish .* while the canary had 10% of traffic/
    ],
    [
      'killed while changing',
      { router: routerJson, weight: '10', 'requested-weight': '50' },
      'reset',
      /being changed to 50% \(from 10%\)/
    ],
    [
      'killed during the first change',
      { router: routerJson, 'requested-weight': '10' },
      'reset',
      /being changed to 10%$/
    ],
    [
      'a state that cannot be read',
      { router: '{"type":"ftp"}', weight: '10', 'requested-weight': '10' },
      'error',
      /cannot be read/
    ]
  ])('%s: %s', (_name, values, action, reason) => {
    const plan = planPostStep(state(values));
    expect(plan.action).toBe(action);
    expect(plan.reason).toMatch(reason);
  });
});

describe('runCanaryPost', () => {
  it('resets through a router built from the saved spec', async () => {
    const router = new FakeRouter();
    router.current = 10;
    const specs: TrafficRouterSpec[] = [];
    const result = await runCanaryPost(
      state({ router: routerJson, weight: '10', 'requested-weight': '10' }),
      {
        createRouter: (s) => {
          specs.push(s);
          return router;
        },
        stopCommands: noLeftovers,
        logger: new MemoryLogger()
      }
    );
    expect(specs).toEqual([spec]);
    expect(router.weights).toEqual([0]);
    expect(result).toMatchObject({ action: 'reset', ok: true });
    expect(result.outcome).toBe(
      'canary weight reset to 0 and read back: all traffic is on the stable version'
    );
  });

  it('reports a failed reset', async () => {
    const router = new FakeRouter();
    router.failOn.set(0, undefined);
    const result = await runCanaryPost(
      state({ router: routerJson, weight: '10', 'requested-weight': '10' }),
      {
        createRouter: () => router,
        stopCommands: noLeftovers,
        logger: new MemoryLogger()
      }
    );
    expect(result).toMatchObject({ action: 'reset', ok: false });
    expect(result.outcome).toMatch(/^the reset failed: nginx configuration test failed for 0/);
  });

  it('does nothing when main finished', async () => {
    const result = await runCanaryPost(state({ finished: 'true', router: routerJson, weight: '10' }), {
      createRouter: () => {
        throw new Error('must not build a router');
      },
      stopCommands: noLeftovers,
      logger: new MemoryLogger()
    });
    expect(result).toMatchObject({ action: 'nothing', ok: true });
  });

  it('stops the router commands main left running before it resets', async () => {
    const events: string[] = [];
    const router = new FakeRouter();
    router.current = 50;
    const logger = new MemoryLogger();
    const result = await runCanaryPost(
      state({
        router: routerJson,
        weight: '10',
        'requested-weight': '50',
        commands: JSON.stringify([{ id: 4242, leaderStartedAt: '777' }])
      }),
      {
        createRouter: () => {
          events.push('router');
          return router;
        },
        stopCommands: async (groups) => {
          events.push(`stop ${JSON.stringify(groups)}`);
          return { stopped: [4242], survivors: [] };
        },
        logger
      }
    );
    expect(events).toEqual(['stop [{"id":4242,"leaderStartedAt":"777"}]', 'router']);
    expect(result).toMatchObject({ action: 'reset', ok: true });
    expect(logger.lines[0]).toMatch(
      /^info: Stopped the router command main left running \(process group 4242\)/
    );
  });

  it('does not reset while a command main started cannot be stopped (it could apply its weight after)', async () => {
    const result = await runCanaryPost(
      state({ router: routerJson, 'requested-weight': '50', commands: '[{"id":4242}]' }),
      {
        createRouter: () => {
          throw new Error('must not build a router');
        },
        stopCommands: async () => ({ stopped: [4242], survivors: [4242] }),
        logger: new MemoryLogger()
      }
    );
    expect(result).toMatchObject({ action: 'reset', ok: false });
    expect(result.reason).toMatch(/still running \(process group 4242\) and could not be stopped/);
  });

  it('does not reset when the saved commands cannot be read', async () => {
    const result = await runCanaryPost(
      state({ router: routerJson, 'requested-weight': '50', commands: '[{"id":"x"}]' }),
      {
        createRouter: () => {
          throw new Error('must not build a router');
        },
        stopCommands: noLeftovers,
        logger: new MemoryLogger()
      }
    );
    expect(result).toMatchObject({ action: 'reset', ok: false });
  });
});

async function noLeftovers(groups: unknown[]) {
  if (groups.length > 0) throw new Error(`no commands were saved, got ${JSON.stringify(groups)}`);
  return { stopped: [], survivors: [] };
}
