/**
 * canary-step as users run it: the dist bundle under Node 24, moving real traffic through a real
 * nginx between two real versions of the example app (stable v1, canary v2, PostgreSQL and Redis
 * behind them), measured by its own probe or by a real Prometheus scraping both. The canary is
 * restarted on the same port with the fault switch set for each group of scenarios, so nginx and
 * Prometheus keep their targets.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readUpstreamWeight, renderUpstream } from '../packages/core/src/providers/traffic/nginx.ts';
import { readActionYml, runAction, startAction, type ActionRun } from './run-action.ts';
import {
  freePort,
  httpRequest,
  migrateDatabase,
  sleep,
  startExampleApp,
  startPostgres,
  startRedis,
  type ExampleApp,
  type PostgresService,
  type RedisService
} from './services/index.ts';
import { startNginx, type NginxService } from './services/nginx.ts';
import { startPrometheus, type PrometheusService } from './services/prometheus.ts';

const V1_SHA = '3f786850e387550fdab836ed7e6dc881de23001b';
const V2_SHA = '89e6c98d92887913cadf06b2adb97f26cde4849b';

let postgres: PostgresService;
let redis: RedisService;
let stable: ExampleApp;
let canary: ExampleApp | undefined;
let canaryPort: number;
let nginx: NginxService;
let prometheus: PrometheusService;

/** Restarts the canary (v2) on its port with the fault switch set as given. */
async function useCanary(
  faults: { faultErrorPercent?: number; faultLatencyMs?: number } = {}
): Promise<ExampleApp> {
  await canary?.stop();
  canary = await startExampleApp({
    version: '2.0.0',
    gitSha: V2_SHA,
    track: 'canary',
    port: canaryPort,
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    faultSeed: 11,
    ...faults
  });
  return canary;
}

const servers = () => ({ stableServer: `127.0.0.1:${stable.port}`, canaryServer: `127.0.0.1:${canaryPort}` });

/** All traffic on stable, written the way the router writes it. */
async function resetTraffic(): Promise<void> {
  writeFileSync(nginx.upstreamFile, renderUpstream({ upstreamName: 'backend', ...servers() }, 0));
  await nginx.reload();
  await afterSwitchToStable(0);
}

const routedWeight = () => readUpstreamWeight(readFileSync(nginx.upstreamFile, 'utf8'));

/** Sends requests through nginx one at a time and counts which track answered each. */
async function throughNginx(requests: number): Promise<{ stable: number; canary: number; other: number }> {
  const counts = { stable: 0, canary: 0, other: 0 };
  for (let i = 0; i < requests; i++) {
    const answer = await httpRequest(`${nginx.url}/health`, { timeoutMs: 5000 });
    const track = answer.headers['x-app-track'];
    if (track === 'stable' || track === 'canary') counts[track]++;
    else counts.other++;
  }
  return counts;
}

/**
 * Waits until nginx routes everything to stable, then counts `requests` more through it.
 * `nginx -s reload` only signals the master: until the old worker has stopped accepting, it keeps
 * taking some connections with the old weights (tens to hundreds of milliseconds here; the
 * benchmark measures it). A full second without a canary answer means the old worker is gone.
 */
async function afterSwitchToStable(requests: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let lastCanary = Date.now();
  let since = 0;
  while (Date.now() - lastCanary < 1000 || since < 50) {
    if (Date.now() > deadline) throw new Error('nginx still sends requests to the canary');
    const answer = await httpRequest(`${nginx.url}/health`, { timeoutMs: 5000 });
    if (answer.headers['x-app-track'] === 'stable') since++;
    else {
      lastCanary = Date.now();
      since = 0;
    }
  }
  return throughNginx(requests);
}

/** Steady load through nginx at `rps` (open loop), for the Prometheus scenarios. */
function startLoad(rps: number): { stop(): Promise<number> } {
  let stopped = false;
  let sent = 0;
  const inFlight = new Set<Promise<unknown>>();
  const loop = (async () => {
    let next = performance.now();
    while (!stopped) {
      const request = httpRequest(`${nginx.url}/health`, { timeoutMs: 5000 }).catch(() => undefined);
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
      sent++;
      next += 1000 / rps;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(inFlight);
      return sent;
    }
  };
}

const nginxInputs = () => ({
  router: 'nginx',
  'nginx-upstream-file': nginx.upstreamFile,
  'nginx-stable-server': servers().stableServer,
  'nginx-canary-server': servers().canaryServer,
  'nginx-test-command': nginx.testCommand,
  'nginx-reload-command': nginx.reloadCommand
});

const probeInputs = () => ({
  metrics: 'probe',
  'probe-canary-url': `http://127.0.0.1:${canaryPort}/health`,
  'probe-stable-url': `${stable.url}/health`
});

const prometheusInputs = () => ({ metrics: 'prometheus', 'prometheus-url': prometheus.url });

/** Short windows: the behaviour under test is the same at any speed. */
const PROBE_FAST = { interval: '2s', duration: '4s', 'probe-rps': '50', 'min-requests': '50' };
const PROM_FAST = { interval: '3s', duration: '6s', 'min-requests': '10' };

const report = (run: ActionRun) => JSON.parse(run.outputs.report ?? '{}');
const errors = (run: ActionRun) => run.annotations.filter((a) => a.level === 'error');

beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  await migrateDatabase(postgres.url);
  canaryPort = await freePort();
  [stable] = await Promise.all([
    startExampleApp({
      version: '1.0.0',
      gitSha: V1_SHA,
      track: 'stable',
      databaseUrl: postgres.url,
      redisUrl: redis.url
    }),
    useCanary()
  ]);
  [nginx, prometheus] = await Promise.all([
    startNginx({ upstreamServers: [`127.0.0.1:${stable.port} weight=100`, `127.0.0.1:${canaryPort} down`] }),
    startPrometheus({ targets: [`127.0.0.1:${stable.port}`, `127.0.0.1:${canaryPort}`] })
  ]);
  await prometheus.waitForSeries('app_build_info{track="canary"}');
  await prometheus.waitForSeries('app_build_info{track="stable"}');
});

afterAll(async () => {
  await Promise.all([canary?.stop(), stable?.stop(), nginx?.stop(), prometheus?.stop()]);
  await Promise.all([postgres?.stop(), redis?.stop()]);
});

describe('a healthy canary', () => {
  beforeAll(() => resetTraffic());

  it('at weight 10, about 10% of the requests through nginx reach the canary', async () => {
    const run = await runAction('canary-step', {
      inputs: { ...nginxInputs(), ...probeInputs(), ...PROBE_FAST, weight: '10', duration: '2s' }
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ decision: 'promote', weight: '10' });
    expect(routedWeight()).toBe(10);
    const counts = await throughNginx(200);
    expect(counts.other).toBe(0);
    expect(counts.canary).toBeGreaterThanOrEqual(15);
    expect(counts.canary).toBeLessThanOrEqual(25);
  });

  it('probe: is promoted through 10/50/100', async () => {
    await resetTraffic();
    const run = await runAction('canary-step', {
      inputs: { ...nginxInputs(), ...probeInputs(), ...PROBE_FAST, steps: '10,50,100' }
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      decision: 'promote',
      weight: '100',
      'canary-error-rate': '0',
      'baseline-error-rate': '0'
    });
    const result = report(run);
    expect(result.schema).toBe('canary-step/v1');
    expect(result.weights.map((w: { weight: number; status: string }) => `${w.weight}:${w.status}`)).toEqual([
      '10:promote',
      '50:promote',
      '100:promote'
    ]);
    expect(result.measurements).toHaveLength(6);
    expect(result.measurements[0].canary.requests).toBe(100);
    expect(Number(run.outputs['canary-p99-ms'])).toBeGreaterThan(0);
    expect(run.summary).toContain('## ✅ canary-step: promote at 100%');
    expect(run.summary).toContain('```mermaid');
    expect(await throughNginx(20)).toEqual({ stable: 0, canary: 20, other: 0 });
    // The history output carries every measurement to the next step.
    expect(JSON.parse(run.outputs.history!).measurements).toHaveLength(6);
  });

  it('prometheus: is promoted through 10/50/100 under real traffic, comparing with the earlier baseline at 100%', async () => {
    await resetTraffic();
    const load = startLoad(80);
    try {
      const run = await runAction('canary-step', {
        inputs: { ...nginxInputs(), ...prometheusInputs(), ...PROM_FAST, steps: '10,50,100' }
      });
      expect(run.exitCode).toBe(0);
      expect(run.outputs).toMatchObject({ decision: 'promote', weight: '100' });
      const measurements = report(run).measurements as {
        weight: number;
        canary: { requests: number };
        baselineFrom: string;
      }[];
      expect(measurements.map((m) => m.weight)).toEqual([10, 10, 50, 50, 100, 100]);
      // Prometheus counted the traffic nginx sent: about 8 requests/s to the canary at 10%.
      expect(measurements[1]!.canary.requests).toBeGreaterThan(10);
      expect(measurements[1]!.canary.requests).toBeLessThan(50);
      expect(measurements[5]!.baselineFrom).toBe('reference');
    } finally {
      await load.stop();
    }
  });

  it('prometheus: too little traffic ends inconclusive, is not promoted, and traffic goes back to stable', async () => {
    await resetTraffic();
    const run = await runAction('canary-step', {
      inputs: { ...nginxInputs(), ...prometheusInputs(), ...PROM_FAST, 'min-requests': '50', weight: '10' }
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ decision: 'inconclusive', weight: '0' });
    expect(report(run).measurements.map((m: { status: string }) => m.status)).toEqual([
      'inconclusive',
      'inconclusive'
    ]);
    expect(routedWeight()).toBe(0);
    expect(errors(run)[0]?.message).toMatch(
      /^inconclusive: at 10%: 2 measurements were inconclusive .*fewer than min-requests \(50\)/
    );
    expect(run.summary).toContain('Too few requests to judge');
  });

  it('prometheus: Prometheus stopped mid-analysis never promotes', async () => {
    await resetTraffic();
    const own = await startPrometheus({ targets: [`127.0.0.1:${stable.port}`, `127.0.0.1:${canaryPort}`] });
    const load = startLoad(80);
    try {
      await own.waitForSeries('app_build_info{track="canary"}');
      let stopped: Promise<void> | undefined;
      const run = await runAction('canary-step', {
        inputs: {
          ...nginxInputs(),
          ...prometheusInputs(),
          'prometheus-url': own.url,
          interval: '3s',
          duration: '15s',
          'min-requests': '10',
          weight: '10'
        },
        onOutput: (text) => {
          if (!stopped && text.includes('10% #1')) stopped = own.stop();
        }
      });
      await stopped;
      expect(run.exitCode).toBe(1);
      expect(run.outputs.decision).toBe('inconclusive');
      const statuses = report(run).measurements.map((m: { status: string }) => m.status);
      expect(statuses[0]).toBe('pass');
      expect(statuses.slice(1)).toEqual(['error', 'error']);
      expect(report(run).measurements[1].reason).toMatch(/did not answer \(connection refused\)/);
      expect(routedWeight()).toBe(0);
    } finally {
      await load.stop();
      await own.stop();
    }
  });

  it('a broken nginx configuration leaves traffic unchanged and fails the step', async () => {
    await resetTraffic();
    const original = readFileSync(nginx.confFile, 'utf8');
    const upstreamBefore = readFileSync(nginx.upstreamFile, 'utf8');
    appendFileSync(nginx.confFile, '\nthis_is_not_a_directive on;\n');
    try {
      const run = await runAction('canary-step', {
        inputs: { ...nginxInputs(), ...probeInputs(), ...PROBE_FAST, weight: '10' }
      });
      expect(run.exitCode).toBe(1);
      expect(run.outputs).toMatchObject({ decision: 'inconclusive', weight: '' });
      expect(errors(run)[0]?.message).toMatch(
        /could not set the canary weight to 10%: nginx configuration test failed: .*nginx: \[emerg\] unknown directive "this_is_not_a_directive".*traffic is unchanged/
      );
      expect(readFileSync(nginx.upstreamFile, 'utf8')).toBe(upstreamBefore);
      expect(run.summary).toContain('run `nginx -t` where nginx runs');
    } finally {
      writeFileSync(nginx.confFile, original);
    }
    expect(await throughNginx(20)).toEqual({ stable: 20, canary: 0, other: 0 });
  });

  it('SIGTERM during the analysis: the post step puts all traffic back on stable', async () => {
    await resetTraffic();
    const main = startAction('canary-step', {
      inputs: { ...nginxInputs(), ...probeInputs(), ...PROBE_FAST, weight: '10', duration: '60s' }
    });
    try {
      await main.waitFor('10% #1');
      expect(routedWeight()).toBe(10);
      const split = await throughNginx(50);
      expect(split.canary).toBe(5);
      main.child.kill('SIGTERM');
      const stopped = await main.finished;
      expect([stopped.exitCode, stopped.signal]).toEqual([null, 'SIGTERM']);
      const state = stopped.state;
      expect(state).toMatchObject({ weight: '10', 'requested-weight': '10' });
      expect(state.finished).toBeUndefined();
      expect(routedWeight()).toBe(10);

      const post = await runAction('canary-step', { entry: 'post.js', state });
      expect(post.exitCode).toBe(0);
      expect(routedWeight()).toBe(0);
      expect(await afterSwitchToStable(20)).toEqual({ stable: 20, canary: 0, other: 0 });
      expect(post.summary).toContain('canary-step post: traffic reset');
      expect(post.annotations).toEqual([
        expect.objectContaining({
          level: 'warning',
          message: expect.stringMatching(/did not finish .* canary weight reset to 0/)
        })
      ]);
    } finally {
      main.child.kill('SIGKILL');
    }
  });

  it('the post step does nothing after a main step that finished', async () => {
    const post = await runAction('canary-step', {
      entry: 'post.js',
      state: {
        router: JSON.stringify({ type: 'command', command: ['false'], timeoutMs: 1000 }),
        weight: '10',
        finished: 'true'
      }
    });
    expect(post.exitCode).toBe(0);
    expect(post.summary).toBe('');
    expect(post.log).toMatch(/Nothing to reset: the canary step finished/);
  });
});

describe('a canary answering 5% errors', () => {
  beforeAll(async () => {
    await useCanary({ faultErrorPercent: 5 });
    await resetTraffic();
  });

  it('probe: is rolled back at 10%, early, and traffic goes back to stable', async () => {
    await resetTraffic();
    const run = await runAction('canary-step', {
      inputs: {
        ...nginxInputs(),
        ...probeInputs(),
        interval: '2s',
        duration: '30s',
        'probe-rps': '100',
        steps: '10,50,100'
      }
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ decision: 'rollback', weight: '0' });
    const result = report(run);
    expect(result.weights).toEqual([expect.objectContaining({ weight: 10, status: 'rollback' })]);
    // Fifteen measurements were planned at 10%; a clearly bad canary is stopped far sooner.
    expect(result.measurements.length).toBeLessThanOrEqual(4);
    expect(Number(run.outputs['canary-error-rate'])).toBeGreaterThan(2);
    expect(routedWeight()).toBe(0);
    expect(await afterSwitchToStable(30)).toEqual({ stable: 30, canary: 0, other: 0 });
    expect(errors(run)).toHaveLength(1);
    expect(errors(run)[0]!.message).toMatch(/^rollback: at 10%: /);
    expect(run.summary).toContain('## ❌ canary-step: rollback at 10%');
    expect(run.summary).toMatch(/The canary answers errors the stable version does not \(HTTP 500 ×\d+\)/);
  });

  it('prometheus: is rolled back at 10% under real traffic', async () => {
    await resetTraffic();
    const load = startLoad(200);
    try {
      const run = await runAction('canary-step', {
        inputs: {
          ...nginxInputs(),
          ...prometheusInputs(),
          interval: '3s',
          duration: '45s',
          'min-requests': '10',
          steps: '10,50,100'
        }
      });
      expect(run.exitCode).toBe(1);
      expect(run.outputs).toMatchObject({ decision: 'rollback', weight: '0' });
      expect(report(run).weights).toEqual([expect.objectContaining({ weight: 10, status: 'rollback' })]);
      expect(report(run).elapsedSeconds).toBeLessThan(40);
      expect(routedWeight()).toBe(0);
    } finally {
      await load.stop();
    }
    expect(await afterSwitchToStable(30)).toEqual({ stable: 30, canary: 0, other: 0 });
  });

  it('the command router: runs set-weight-command for each weight, and for the rollback', async () => {
    await resetTraffic();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'canary-command-'));
    try {
      const calls = path.join(dir, 'calls');
      const { stableServer, canaryServer } = servers();
      // A deploy script of the kind people write: rewrite the upstream and reload nginx.
      const script = [
        'w=$1',
        `echo "$w $CANARY_WEIGHT" >> ${calls}`,
        'if [ "$w" = 0 ]; then c=down; else c="weight=$w"; fi',
        'if [ "$w" = 100 ]; then s=down; else s="weight=$((100 - w))"; fi',
        `printf "upstream backend {\\n server ${stableServer} $s;\\n server ${canaryServer} $c;\\n}\\n" > ${nginx.upstreamFile}`,
        nginx.reloadCommand
      ].join('; ');
      const run = await runAction('canary-step', {
        inputs: {
          router: 'command',
          'set-weight-command': `sh -c '${script}' set-weight {weight}`,
          ...probeInputs(),
          interval: '2s',
          duration: '20s',
          'probe-rps': '100',
          weight: '25'
        }
      });
      expect(run.exitCode).toBe(1);
      expect(run.outputs).toMatchObject({ decision: 'rollback', weight: '0' });
      expect(readFileSync(calls, 'utf8')).toBe('25 25\n0 0\n');
      expect(await afterSwitchToStable(20)).toEqual({ stable: 20, canary: 0, other: 0 });
      expect(run.summary).toContain('the router cannot verify it');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await resetTraffic();
    }
  });
});

describe('a canary with a latency regression', () => {
  beforeAll(async () => {
    await useCanary({ faultLatencyMs: 120 });
  });

  it('probe: is rolled back', async () => {
    await resetTraffic();
    const run = await runAction('canary-step', {
      inputs: {
        ...nginxInputs(),
        ...probeInputs(),
        interval: '2s',
        duration: '20s',
        'probe-rps': '50',
        weight: '10'
      }
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.decision).toBe('rollback');
    expect(Number(run.outputs['canary-p99-ms'])).toBeGreaterThan(120);
    expect(Number(run.outputs['baseline-p99-ms'])).toBeLessThan(100);
    expect(report(run).measurements.length).toBeLessThanOrEqual(2);
    expect(routedWeight()).toBe(0);
    expect(run.summary).toContain('The canary is slower than the stable version');
  });

  it('prometheus: is rolled back', async () => {
    await resetTraffic();
    const load = startLoad(80);
    try {
      const run = await runAction('canary-step', {
        inputs: { ...nginxInputs(), ...prometheusInputs(), ...PROM_FAST, duration: '15s', weight: '10' }
      });
      expect(run.exitCode).toBe(1);
      expect(run.outputs.decision).toBe('rollback');
      expect(Number(run.outputs['canary-p99-ms'])).toBeGreaterThan(100);
      expect(routedWeight()).toBe(0);
    } finally {
      await load.stop();
    }
  });
});

describe('secrets', () => {
  it('never shows Prometheus credentials or header values in logs, outputs, summary or report', async () => {
    await resetTraffic();
    const password = 'pw-7c222fb2927d828af22f';
    const token = 'Bearer tok_9f8e7d6c5b4a39281706';
    const url = prometheus.url.replace('http://', `http://reader:${password}@`);
    const run = await runAction('canary-step', {
      inputs: {
        ...nginxInputs(),
        metrics: 'prometheus',
        'prometheus-url': url,
        'prometheus-headers': `Authorization: ${token}`,
        interval: '3s',
        duration: '3s',
        'min-requests': '1000',
        weight: '10'
      }
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.decision).toBe('inconclusive');
    const logLines = run.log.split('\n');
    expect(logLines).toEqual(expect.arrayContaining([`::add-mask::${password}`, `::add-mask::${token}`]));
    const everything = [
      logLines.filter((line) => !line.startsWith('::add-mask::')).join('\n'),
      run.summary,
      JSON.stringify(run.outputs),
      JSON.stringify(run.annotations)
    ].join('\n');
    for (const secret of [password, token, 'tok_9f8e7d6c5b4a39281706'])
      expect(everything).not.toContain(secret);
    expect(run.summary).toContain('Prometheus at http://***@127.0.0.1');
  });
});

describe('bad input fails the step before any traffic moves', () => {
  /** At least one invalid value for every input. */
  const invalid: Record<string, string> = {
    weight: '150',
    steps: '10,abc',
    duration: 'forever',
    interval: '0s',
    router: 'traefik',
    'nginx-upstream-file': 'a\nb',
    'nginx-upstream-name': 'my upstream',
    'nginx-stable-server': 'localhost',
    'nginx-canary-server': 'http://127.0.0.1:80',
    'nginx-test-command': "nginx -t -c '/etc/nginx.conf",
    'nginx-reload-command': 'nginx -s {signal}',
    'haproxy-runtime-api': '/run/haproxy/admin.sock',
    'haproxy-backend': 'app; disable server app/stable',
    'haproxy-stable-server': 'app/stable',
    'haproxy-canary-server': 'canary server',
    'set-weight-command': './set-weight {wieght}',
    'command-timeout': '11m',
    metrics: 'datadog',
    'probe-canary-url': 'canary:8000',
    'probe-stable-url': 'ftp://stable',
    'probe-rps': '0',
    'prometheus-url': 'prometheus:9090',
    'prometheus-headers': 'Authorization Bearer x',
    'error-rate-query': 'sum(rate(http_requests_total[1m]))',
    'latency-p99-query': 'histogram_quantile(0.99, x{track="{{track}}"}[{{window}}])',
    'requests-query': 'sum(increase(http_requests_total[1m]))',
    'extra-checks': 'checkouts sum(rate(checkouts_total[1m])) > 1',
    'max-error-rate-delta': '-1',
    'max-p99-ratio': '0.5',
    'min-p99-delta': 'soon',
    'min-requests': '0',
    'failure-limit': '-1',
    'inconclusive-limit': 'x',
    'on-failure': 'ignore',
    'on-inconclusive': 'promote',
    history: '{"schema":"nope"}',
    'canary-health-url': 'canary/health',
    'canary-health-headers': 'Authorization Bearer x'
  };

  it('covers every input declared in action.yml', () => {
    expect(Object.keys(invalid).sort()).toEqual(
      Object.keys(readActionYml('canary-step').inputs ?? {}).sort()
    );
  });

  const base = () => ({ ...nginxInputs(), ...probeInputs(), ...PROBE_FAST, weight: '10' });

  async function expectNothingChanged(run: ActionRun, input: string) {
    expect(run.exitCode).toBe(1);
    const found = errors(run);
    expect(found).toHaveLength(1);
    expect(found[0]?.properties.title).toBe(`canary-step: invalid input \`${input}\``);
    expect(found[0]?.message).toMatch(new RegExp(`^Input \`${input}\`: got .+; expected .+`));
    expect(run.outputs).toEqual({});
    expect(run.state).toEqual({});
  }

  beforeAll(() => resetTraffic());

  it.each(Object.entries(invalid))('rejects %s = %p, naming the input', async (name, value) => {
    const before = readFileSync(nginx.upstreamFile, 'utf8');
    const run = await runAction('canary-step', { inputs: { ...base(), [name]: value } });
    await expectNothingChanged(run, name);
    expect(readFileSync(nginx.upstreamFile, 'utf8')).toBe(before);
  });

  it.each<[string, Record<string, string>, string]>([
    ['weight -1', { weight: '-1' }, 'weight'],
    ['the nginx router without its file', { 'nginx-upstream-file': '' }, 'nginx-upstream-file'],
    ['prometheus without its URL', { metrics: 'prometheus' }, 'prometheus-url'],
    [
      'a malformed extra-checks line',
      {
        metrics: 'prometheus',
        'prometheus-url': 'http://127.0.0.1:9',
        'extra-checks': 'ok: up == 1\nnot a check'
      },
      'extra-checks'
    ]
  ])('rejects %s', async (_name, change, input) => {
    const before = readFileSync(nginx.upstreamFile, 'utf8');
    const run = await runAction('canary-step', { inputs: { ...base(), ...change } });
    await expectNothingChanged(run, input);
    expect(readFileSync(nginx.upstreamFile, 'utf8')).toBe(before);
  });

  it('rejects a query Prometheus does not accept, before moving traffic', async () => {
    const run = await runAction('canary-step', {
      inputs: {
        ...base(),
        ...prometheusInputs(),
        'error-rate-query': 'sum(rate(x{track="{{track}}"}[{{interval}}]) /'
      }
    });
    expect(run.exitCode).toBe(1);
    expect(errors(run)[0]?.properties.title).toBe('canary-step: invalid input `error-rate-query`');
    expect(errors(run)[0]?.message).toMatch(/Prometheus answered bad_data/);
    expect(routedWeight()).toBe(0);
    expect(run.state.weight).toBeUndefined();
  });
});
