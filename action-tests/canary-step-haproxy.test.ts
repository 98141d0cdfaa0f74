/**
 * canary-step with `router: haproxy`, as users run it: the dist bundle under Node 24 moving real
 * traffic through a real HAProxy (started here on loopback, stopped by PID) between two loopback
 * tracks, its weights set through the runtime API without a reload. The weights are observed
 * through traffic (which server answered each request) and read back with `get weight`. The
 * canary's own health check (`canary-health-url`) is tested here too, against the canary track.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startHttpStub, type HttpStub } from './fakes/http-stub.ts';
import { runAction, type ActionRun } from './run-action.ts';
import { startHaproxy, type HaproxyService } from './services/haproxy.ts';

let stable: HttpStub;
let canary: HttpStub;
let haproxy: HaproxyService;
/** What the canary answers: 200, or 500 to make it a bad canary. */
let canaryStatus = 200;
/** What the canary's /health answers to its n-th request (from 1). */
let healthStatus: (n: number) => number = () => 200;

const haproxyInputs = () => ({
  router: 'haproxy',
  'haproxy-runtime-api': haproxy.runtimeApi,
  'haproxy-backend': 'app',
  'haproxy-stable-server': 'stable',
  'haproxy-canary-server': 'canary'
});

const probeInputs = () => ({
  metrics: 'probe',
  'probe-canary-url': `${canary.url}/probe`,
  'probe-stable-url': `${stable.url}/probe`,
  interval: '2s',
  duration: '4s',
  'probe-rps': '50',
  'min-requests': '50'
});

const weights = async () => ({
  stable: await haproxy.weight('stable'),
  canary: await haproxy.weight('canary')
});
const errors = (run: ActionRun) => run.annotations.filter((a) => a.level === 'error');
const probeRequests = () => stable.requests.length + canary.requests.length;

/** All traffic on stable, set by hand. */
async function resetByHand() {
  await haproxy.command('set server app/stable weight 100');
  await haproxy.command('set server app/canary weight 0');
}

beforeAll(async () => {
  stable = await startHttpStub(() => ({ status: 200, body: '{"status":"healthy"}' }));
  canary = await startHttpStub((req) => {
    if (req.url !== '/health') return { status: canaryStatus, body: '{"status":"healthy"}' };
    const status = healthStatus(canary.requests.filter((r) => r.path === '/health').length);
    return { status, body: JSON.stringify({ status: status === 200 ? 'healthy' : 'error' }) };
  });
  haproxy = await startHaproxy({
    servers: [
      { name: 'stable', address: stable.url.replace('http://', ''), weight: 100 },
      { name: 'canary', address: canary.url.replace('http://', ''), weight: 0 }
    ]
  });
});

afterAll(async () => {
  await haproxy?.stop();
  await Promise.all([stable?.close(), canary?.close()]);
});

beforeEach(async () => {
  canaryStatus = 200;
  healthStatus = () => 200;
  await resetByHand();
});

describe('canary-step with router: haproxy', () => {
  it('at weight 10, about 10% of the requests through HAProxy reach the canary; the weights read back', async () => {
    const pid = haproxy.pid;
    const run = await runAction('canary-step', {
      inputs: { ...haproxyInputs(), ...probeInputs(), weight: '10' }
    });
    expect(errors(run)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ decision: 'promote', weight: '10' });
    expect(await weights()).toEqual({ stable: 90, canary: 10 });
    const served = await haproxy.servedBy(200);
    expect(served.canary).toBeGreaterThanOrEqual(15);
    expect(served.canary).toBeLessThanOrEqual(25);
    expect((served.stable ?? 0) + (served.canary ?? 0)).toBe(200);
    // No reload: the same HAProxy process served throughout.
    expect(haproxy.pid).toBe(pid);
    expect(JSON.parse(run.outputs.report!).router).toEqual({
      type: 'haproxy',
      target: `haproxy backend app via ${haproxy.runtimeApi}`
    });
  });

  it('rolls a bad canary back: its weight goes to 0, confirmed, and no request through HAProxy reaches it', async () => {
    canaryStatus = 500;
    const run = await runAction('canary-step', {
      inputs: { ...haproxyInputs(), ...probeInputs(), weight: '50' }
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ decision: 'rollback', weight: '0' });
    expect(run.summary).toContain('Traffic is back on the stable version (canary weight 0).');
    expect(await weights()).toEqual({ stable: 100, canary: 0 });
    expect(await haproxy.servedBy(100)).toEqual({ stable: 100 });
  });

  it('the post step resets a canary main left at 50% to 0 and reads it back', async () => {
    await haproxy.command('set server app/canary weight 50');
    await haproxy.command('set server app/stable weight 50');
    const spec = {
      type: 'haproxy',
      runtimeApi: haproxy.runtimeApi,
      backend: 'app',
      stableServer: 'stable',
      canaryServer: 'canary',
      timeoutMs: 5000
    };
    const post = await runAction('canary-step', {
      entry: 'post.js',
      state: { router: JSON.stringify(spec), 'requested-weight': '50', weight: '50' }
    });
    expect(post.exitCode).toBe(0);
    expect(post.summary).toContain('canary weight reset to 0 and read back');
    expect(await weights()).toEqual({ stable: 100, canary: 0 });
    expect(await haproxy.servedBy(50)).toEqual({ stable: 50 });
  });

  describe('refuses before any traffic moves', () => {
    beforeEach(async () => {
      // Traffic split by hand: a refused step must leave it exactly so.
      await haproxy.command('set server app/canary weight 20');
      await haproxy.command('set server app/stable weight 80');
    });

    it.each<[string, Record<string, string>, string, RegExp]>([
      [
        'a socket that does not exist',
        { 'haproxy-runtime-api': 'unix:/nonexistent/haproxy.sock' },
        'haproxy-runtime-api',
        /does not answer .*ENOENT.*; nothing was changed/
      ],
      [
        'a runtime API without level admin',
        {},
        'haproxy-runtime-api',
        /level operator; setting weights needs `level admin`/
      ],
      [
        'an unknown backend',
        { 'haproxy-backend': 'shop' },
        'haproxy-backend',
        /HAProxy has no backend `shop`/
      ],
      [
        'an unknown canary server',
        { 'haproxy-canary-server': 'canary-2' },
        'haproxy-canary-server',
        /backend `app` has no server `canary-2`/
      ]
    ])('%s', async (name, given, input, message) => {
      const inputs =
        name === 'a runtime API without level admin'
          ? { ...haproxyInputs(), ...probeInputs(), weight: '10', 'haproxy-runtime-api': haproxy.operatorApi }
          : { ...haproxyInputs(), ...probeInputs(), weight: '10', ...given };
      const before = probeRequests();
      const run = await runAction('canary-step', { inputs });
      expect(run.exitCode).toBe(1);
      const [error, ...more] = errors(run);
      expect(more).toEqual([]);
      expect(error!.message).toMatch(new RegExp(`^Input \`${input}\`: `));
      expect(error!.message).toMatch(message);
      expect(await weights()).toEqual({ stable: 80, canary: 20 });
      // The router is checked first: not even the probe's checks went out.
      expect(probeRequests()).toBe(before);
    });
  });
});

describe('canary-health-url', () => {
  const healthUrl = () => canary.url.replace('http://', 'http://monitor:h3alth-pw@') + '/health';
  const healthRequests = () => canary.requests.filter((r) => r.path === '/health');

  it('is requested at every measurement with its headers; when it fails, the step rolls back at once', async () => {
    const before = healthRequests().length;
    // The check before traffic moves and the first measurement's pass; then the canary is unhealthy.
    healthStatus = (n) => (n - before <= 2 ? 200 : 503);
    const run = await runAction('canary-step', {
      inputs: {
        ...haproxyInputs(),
        ...probeInputs(),
        duration: '8s',
        weight: '20',
        'canary-health-url': healthUrl(),
        'canary-health-headers': 'X-Health-Token: t0ken-value'
      }
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ decision: 'rollback', weight: '0' });
    const report = JSON.parse(run.outputs.report!);
    expect(report.measurements.map((m: { status: string }) => m.status)).toEqual(['pass', 'fail']);
    expect(
      report.measurements.map(
        (m: { checks: { name: string; status: string }[] }) =>
          m.checks.find((c) => c.name === 'canary-health')?.status
      )
    ).toEqual(['pass', 'fail']);
    expect(report.reason).toMatch(
      /^at 20%: measurement 2: the canary's health check failed: http:\/\/\*\*\*@127\.0\.0\.1:\d+\/health answered HTTP 503/
    );
    expect(run.summary).toContain("the canary's health check failed");
    expect(run.summary).toContain('The canary failed its health check (canary-health-url)');
    // Traffic is back on stable, confirmed and observed.
    expect(await weights()).toEqual({ stable: 100, canary: 0 });
    expect(await haproxy.servedBy(50)).toEqual({ stable: 50 });
    const sent = healthRequests().slice(before);
    expect(sent).toHaveLength(3);
    expect(sent.every((r) => r.headers['x-health-token'] === 't0ken-value')).toBe(true);
    expect(sent[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from('monitor:h3alth-pw').toString('base64')}`
    );
    // Masked for the runner (it consumes `::add-mask::`), and written nowhere else.
    const logLines = run.log.split('\n');
    expect(logLines).toEqual(expect.arrayContaining(['::add-mask::h3alth-pw', '::add-mask::t0ken-value']));
    const shown = logLines.filter((line) => !line.startsWith('::add-mask::')).join('\n');
    for (const text of [shown, run.summary, JSON.stringify(run.outputs)]) {
      expect(text).not.toContain('h3alth-pw');
      expect(text).not.toContain('t0ken-value');
    }
  });

  it.each([
    ['a URL that is not one', 'canary/health', /^Input `canary-health-url`: got "canary\/health"; expected /],
    [
      'a URL that does not answer',
      'http://127.0.0.1:1/health',
      /^Input `canary-health-url`: .* does not answer/
    ],
    ['a URL that is not found', 'HEALTH_404', /^Input `canary-health-url`: .* is not found \(HTTP 404\)/]
  ])('refuses %s before any traffic moves', async (_name, url, message) => {
    await haproxy.command('set server app/canary weight 20');
    await haproxy.command('set server app/stable weight 80');
    healthStatus = () => 404;
    const given = url === 'HEALTH_404' ? `${canary.url}/health` : url;
    const run = await runAction('canary-step', {
      inputs: { ...haproxyInputs(), ...probeInputs(), weight: '50', 'canary-health-url': given }
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run).map((e) => e.message)).toEqual([expect.stringMatching(message)]);
    expect(await weights()).toEqual({ stable: 80, canary: 20 });
  });
});
