import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '../../src/errors.ts';
import {
  createHaproxyRouter,
  parseRuntimeApiAddress,
  parseWeightAnswer,
  type HaproxyRouterSpec
} from '../../src/providers/traffic/haproxy.ts';
import { TrafficRouterError } from '../../src/providers/traffic/router.ts';

const spec: HaproxyRouterSpec = {
  type: 'haproxy',
  runtimeApi: 'unix:/run/haproxy/admin.sock',
  backend: 'app',
  stableServer: 'stable',
  canaryServer: 'canary',
  timeoutMs: 1000
};

/**
 * The runtime API's answers as HAProxy 2.6 gives them (checked against a real one): an empty
 * answer to a change it made, the reason for one it refused, `N (initial M)` for `get weight`.
 */
class FakeRuntimeApi {
  readonly commands: string[] = [];
  level = 'admin';
  weights = new Map<string, number>([
    ['app/stable', 100],
    ['app/canary', 0]
  ]);
  /** Commands answered with this text instead. */
  refuse = new Map<string, string>();
  down = false;
  backends = new Set(['app']);

  send = async (command: string): Promise<string> => {
    this.commands.push(command);
    if (this.down) throw new Error('connect ENOENT /run/haproxy/admin.sock');
    const refused = this.refuse.get(command);
    if (refused !== undefined) return refused;
    if (command === 'show cli level') return this.level;
    const get = /^get weight (\S+)\/(\S+)$/.exec(command);
    const set = /^set server (\S+)\/(\S+) weight (\d+)$/.exec(command);
    const match = get ?? set;
    if (!match) return 'Unknown command.';
    if (!this.backends.has(match[1]!)) return 'No such backend.';
    const key = `${match[1]}/${match[2]}`;
    if (!this.weights.has(key)) return 'No such server.';
    if (get) return `${this.weights.get(key)} (initial 1)`;
    this.weights.set(key, Number(set![3]));
    return '';
  };

  changes = () => this.commands.filter((c) => c.startsWith('set '));
}

describe('runtime API answers and addresses', () => {
  it.each([
    ['unix:/run/haproxy/admin.sock', { path: '/run/haproxy/admin.sock' }],
    ['127.0.0.1:9999', { host: '127.0.0.1', port: 9999 }],
    ['lb-1.internal:9999', { host: 'lb-1.internal', port: 9999 }],
    ['[::1]:9999', { host: '::1', port: 9999 }],
    ['/run/haproxy/admin.sock', undefined],
    ['unix:relative.sock', undefined],
    ['127.0.0.1:0', undefined],
    ['tcp://127.0.0.1:9999', undefined]
  ])('%s', (value, expected) => {
    expect(parseRuntimeApiAddress(value)).toEqual(expected);
  });

  it.each([
    ['10 (initial 1)', 10],
    ['0 (initial 0)\n', 0],
    ['No such server.', undefined],
    ['', undefined]
  ])('get weight answer %j', (answer, expected) => {
    expect(parseWeightAnswer(answer)).toBe(expected);
  });
});

describe('the haproxy router', () => {
  it('raises the growing weight first, so the share stays between the old and the new one', async () => {
    const api = new FakeRuntimeApi();
    const router = createHaproxyRouter(spec, { exec: undefined as never }, api.send);
    await router.setWeight(10);
    expect(api.changes()).toEqual(['set server app/canary weight 10', 'set server app/stable weight 90']);
    expect(await router.verifyWeight(10)).toBe(true);
    api.commands.length = 0;
    await router.reset();
    expect(api.changes()).toEqual(['set server app/stable weight 100', 'set server app/canary weight 0']);
    expect(await router.verifyWeight(0)).toBe(true);
    expect(await router.verifyWeight(10)).toBe(false);
  });

  it('puts the first weight back when the second change is refused, and says traffic is unchanged', async () => {
    const api = new FakeRuntimeApi();
    api.refuse.set('set server app/stable weight 50', 'Permission denied');
    const router = createHaproxyRouter(spec, { exec: undefined as never }, api.send);
    const error = await router.setWeight(50).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrafficRouterError);
    expect((error as TrafficRouterError).trafficChanged).toBe(false);
    expect((error as Error).message).toMatch(
      /answered "Permission denied"; the canary weight was put back to 0/
    );
    expect(Object.fromEntries(api.weights)).toEqual({ 'app/stable': 100, 'app/canary': 0 });
  });

  it('says traffic may have moved when even the restore fails', async () => {
    const api = new FakeRuntimeApi();
    api.refuse.set('set server app/stable weight 50', 'Permission denied');
    api.refuse.set('set server app/canary weight 0', 'Permission denied');
    const router = createHaproxyRouter(spec, { exec: undefined as never }, api.send);
    const error = (await router.setWeight(50).catch((e: unknown) => e)) as TrafficRouterError;
    expect(error.trafficChanged).toBeUndefined();
    expect(error.message).toMatch(/the canary weight is now 50 and could not be put back/);
  });

  it('neutralises what HAProxy answers before it reaches the log', async () => {
    const api = new FakeRuntimeApi();
    api.refuse.set('set server app/canary weight 10', '::error::injected\nsecond line');
    const router = createHaproxyRouter(spec, { exec: undefined as never }, api.send);
    const error = (await router.setWeight(10).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('::error::');
    expect(error.message).not.toContain('\n');
  });

  describe('preflight: nothing moves when the runtime API or the names are wrong', () => {
    const refused = async (setup: (api: FakeRuntimeApi) => void) => {
      const api = new FakeRuntimeApi();
      setup(api);
      const router = createHaproxyRouter(spec, { exec: undefined as never }, api.send);
      const error = await router.preflight!().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(api.changes()).toEqual([]);
      return (error as Error).message;
    };

    it('a socket that does not answer', async () => {
      expect(await refused((api) => (api.down = true))).toMatch(
        /^Input `haproxy-runtime-api`: unix:\/run\/haproxy\/admin.sock does not answer \(connect ENOENT/
      );
    });
    it('a socket without level admin', async () => {
      expect(await refused((api) => (api.level = 'operator'))).toMatch(
        /^Input `haproxy-runtime-api`: .* level operator; setting weights needs `level admin`/
      );
    });
    it('an unknown backend', async () => {
      expect(await refused((api) => api.backends.clear())).toMatch(/^Input `haproxy-backend`/);
    });
    it('an unknown canary server', async () => {
      expect(await refused((api) => api.weights.delete('app/canary'))).toMatch(
        /^Input `haproxy-canary-server`: backend `app` has no server `canary`/
      );
    });
    it('passes a runtime API that knows both servers', async () => {
      const api = new FakeRuntimeApi();
      await createHaproxyRouter(spec, { exec: undefined as never }, api.send).preflight!();
      expect(api.commands).toEqual(['show cli level', 'get weight app/stable', 'get weight app/canary']);
    });
  });
});
