/**
 * rollback as users run it: the dist bundle under Node 24, moving real traffic back to stable
 * through a real nginx in front of two real versions of the example app (stable 1.4.0, bad 1.5.0,
 * PostgreSQL and Redis behind them), verified with health-gate's logic through nginx, recorded in
 * the GitHub fake (deployment history, statuses, incident issue) and announced to a loopback
 * webhook receiver.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { readUpstreamWeight, renderUpstream } from '../packages/core/src/providers/traffic/nginx.ts';
import type { RollbackReport } from '../packages/core/src/rollback/run-rollback.ts';
import { startGitHubFake, type GitHubFake } from './fakes/github/index.ts';
import { runAction, type ActionRun } from './run-action.ts';
import {
  EXAMPLE_BACKEND_DIR,
  PYTHON,
  freePort,
  migrateDatabase,
  startExampleApp,
  startPostgres,
  startRedis,
  type ExampleApp,
  type PostgresService,
  type RedisService
} from './services/index.ts';
import { startNginx, type NginxService } from './services/nginx.ts';

const GOOD_SHA = '3f786850e387550fdab836ed7e6dc881de23001b';
const BAD_SHA = '89e6c98d92887913cadf06b2adb97f26cde4849b';
const HOOK_SECRET = 'T0SECRET/B0HOOKPATH/xyzzy4242';
const HEADER_SECRET = 'hdr-secret-9f8e7d';

let postgres: PostgresService;
let redis: RedisService;
let stable: ExampleApp;
let bad: ExampleApp;
let nginx: NginxService;
let fake: GitHubFake | undefined;
let temp: string;

/** A webhook receiver on loopback: records each body; answers `status`. */
const webhook = {
  server: undefined as http.Server | undefined,
  port: 0,
  status: 200,
  bodies: [] as unknown[],
  get url() {
    return `http://127.0.0.1:${this.port}/services/${HOOK_SECRET}`;
  }
};

beforeAll(async () => {
  temp = mkdtempSync(path.join(os.tmpdir(), 'rollback-test-'));
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  await migrateDatabase(postgres.url);
  const badPort = await freePort();
  [stable, bad] = await Promise.all([
    startExampleApp({ version: '1.4.0', gitSha: GOOD_SHA, databaseUrl: postgres.url, redisUrl: redis.url }),
    startExampleApp({
      version: '1.5.0',
      gitSha: BAD_SHA,
      track: 'canary',
      port: badPort,
      databaseUrl: postgres.url,
      redisUrl: redis.url
    })
  ]);
  nginx = await startNginx({
    upstreamServers: [`127.0.0.1:${stable.port} weight=50`, `127.0.0.1:${bad.port} weight=50`]
  });
  webhook.server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      webhook.bodies.push(JSON.parse(body));
      response.writeHead(webhook.status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => webhook.server!.listen(0, '127.0.0.1', resolve));
  webhook.port = (webhook.server.address() as { port: number }).port;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => webhook.server?.close(resolve));
  await Promise.all([nginx?.stop(), stable?.stop(), bad?.stop()]);
  await Promise.all([postgres?.stop(), redis?.stop()]);
  rmSync(temp, { recursive: true, force: true });
});

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  webhook.status = 200;
  webhook.bodies = [];
});

/** The bad version has half the traffic, as after a canary step; history: 1.3.0, 1.4.0, then 1.5.0. */
async function badRelease(history: 'full' | 'first-only' = 'full'): Promise<GitHubFake> {
  writeFileSync(
    nginx.upstreamFile,
    renderUpstream(
      {
        upstreamName: 'backend',
        stableServer: `127.0.0.1:${stable.port}`,
        canaryServer: `127.0.0.1:${bad.port}`
      },
      50
    )
  );
  await nginx.reload();
  fake = await startGitHubFake();
  const s = fake.state;
  if (history === 'full') {
    s.addDeployment({
      sha: 'c'.repeat(40),
      environment: 'production',
      payload: { version: '1.3.0' },
      statuses: ['success', 'inactive']
    });
    s.addDeployment({
      sha: GOOD_SHA,
      environment: 'production',
      payload: { version: '1.4.0' },
      statuses: ['success', 'inactive']
    });
  }
  s.addDeployment({
    sha: BAD_SHA,
    environment: 'production',
    payload: { version: '1.5.0' },
    statuses: ['success']
  });
  // The incident reads the commits between the good and the bad version, their files, and the
  // bad commit's CODEOWNERS.
  s.setComparison(GOOD_SHA, BAD_SHA, {
    aheadBy: 2,
    behindBy: 0,
    commits: [
      { sha: 'd'.repeat(40), message: 'feat: faster checkout', author: 'alice' },
      { sha: BAD_SHA, message: 'fix: cache keys', author: 'bob' }
    ],
    files: ['backend/app/payments.py', 'frontend/src/App.tsx']
  });
  s.setFile(
    BAD_SHA,
    '.github/CODEOWNERS',
    '*  @octo-org/platform\n/backend/  @octo-org/api\n*.tsx  @octo-org/web\n'
  );
  return fake;
}

const redeployLog = () => path.join(temp, 'redeploy.txt');

function inputs(github: GitHubFake, given: Record<string, string> = {}): Record<string, string> {
  return {
    'github-token': github.token,
    environment: 'production',
    reason: 'error rate 6% on 1.5.0',
    router: 'nginx',
    'nginx-upstream-file': nginx.upstreamFile,
    'nginx-stable-server': `127.0.0.1:${stable.port}`,
    'nginx-canary-server': `127.0.0.1:${bad.port}`,
    'nginx-test-command': nginx.testCommand,
    'nginx-reload-command': nginx.reloadCommand,
    'redeploy-command': `sh -c 'echo "$ROLLBACK_VERSION $ROLLBACK_SHA $ENVIRONMENT" > ${redeployLog()}'`,
    'health-url': nginx.url,
    'health-expected-version': '1.4.0',
    'health-interval': '300ms',
    'health-start-period': '0',
    'health-deadline': '20s',
    'health-headers': `X-Probe-Token: ${HEADER_SECRET}`,
    'notify-webhook': webhook.url,
    'notify-format': 'json',
    ...given
  };
}

function rollback(
  github: GitHubFake,
  given: Record<string, string> = {},
  options: { env?: Record<string, string>; apiUrl?: string; timeoutMs?: number } = {}
): Promise<ActionRun> {
  return runAction('rollback', {
    inputs: inputs(github, given),
    env: { GITHUB_API_URL: options.apiUrl ?? github.url, ...options.env },
    timeoutMs: options.timeoutMs ?? 60_000
  });
}

const weight = () => readUpstreamWeight(readFileSync(nginx.upstreamFile, 'utf8'));
const report = (run: ActionRun) => JSON.parse(run.outputs.report!) as RollbackReport;
const stepStatus = (run: ActionRun) =>
  Object.fromEntries(
    (report(run).steps as { name: string; status: string }[]).map((s) => [s.name, s.status])
  );

/** Every place a secret could leak: log, outputs, summary, annotations, issue bodies, webhook bodies. */
function everythingSaid(run: ActionRun, github: GitHubFake): string {
  // `::add-mask::` lines are commands the runner consumes; they never reach the visible log.
  const visibleLog = run.log
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  expect(run.log).toContain(`::add-mask::${HEADER_SECRET}`);
  return [
    visibleLog,
    JSON.stringify(run.outputs),
    run.summary,
    JSON.stringify(run.annotations),
    JSON.stringify(github.state.issues),
    JSON.stringify(webhook.bodies)
  ].join('\n');
}

describe('rollback', () => {
  it('runs the full sequence: traffic to stable, redeploy, health, statuses, notification, incident', async () => {
    const github = await badRelease();
    const run = await rollback(github);
    expect(run.exitCode).toBe(0);
    expect(weight()).toBe(0);
    expect(run.outputs['rolled-back-to']).toBe('1.4.0');
    expect(run.outputs.healthy).toBe('true');
    expect(run.outputs.verified).toBe('true');
    expect(readFileSync(redeployLog(), 'utf8').trim()).toBe(`1.4.0 ${GOOD_SHA} production`);
    expect(stepStatus(run)).toMatchObject({
      traffic: 'done',
      target: 'done',
      redeploy: 'done',
      health: 'done',
      'deployment-status': 'done',
      notify: 'done',
      incident: 'done'
    });
    const r = report(run);
    expect(r.schema).toBe('rollback/v1');
    expect(r.from).toMatchObject({ version: '1.5.0', sha: BAD_SHA });
    // The bad deployment is marked failed; a new deployment of the good sha is recorded as success.
    const badDeployment = github.state.deployments.find((d) => d.sha === BAD_SHA)!;
    expect(badDeployment.statuses.at(-1)!.state).toBe('failure');
    const restored = github.state.deployments.at(-1)!;
    expect(restored).toMatchObject({ sha: GOOD_SHA, payload: { version: '1.4.0', rollback: true } });
    expect(restored.statuses.at(-1)!.state).toBe('success');
    const issue = github.state.issues.at(-1)!;
    expect(issue.labels).toEqual(['incident', 'rollback']);
    expect(run.outputs['incident-url']).toContain(`/issues/${issue.number}`);
    expect(webhook.bodies).toHaveLength(1);
    expect(JSON.stringify(webhook.bodies[0])).toContain('1.4.0');
    expect(run.summary).toContain('rollback of production');
    expect(github.violations).toEqual([]);
    const said = everythingSaid(run, github);
    for (const secret of [github.token, HOOK_SECRET, HEADER_SECRET]) expect(said).not.toContain(secret);
  }, 60_000);

  it('opens an incident the owners of the change own: teams mentioned, authors assigned, dashboards, review, marker', async () => {
    const github = await badRelease();
    const run = await rollback(github, {
      'dashboard-url':
        'https://grafana.example.com/d/api?from={from}&to={to}&var-env={environment}&v={version}',
      'review-due': '2d'
    });
    expect(run.exitCode).toBe(0);
    const issue = github.state.issues.at(-1)!;
    expect(issue.assignees).toEqual(['alice', 'bob']);
    expect(issue.body).toContain('**Owners of the changed files:** @octo-org/api @octo-org/web');
    expect(issue.body).toMatch(
      /\| dashboards \| https:\/\/grafana\.example\.com\/d\/api\?from=\d+&to=\d+&var-env=production&v=1\.5\.0 \|/
    );
    expect(issue.body).toMatch(/### Post-incident review \(due \d{4}-\d{2}-\d{2}\)/);
    expect(issue.body).toContain(`<!-- deploy-actions:rolled-back sha=${BAD_SHA} environment=production -->`);
    // The notification links the same dashboards.
    expect(JSON.stringify(webhook.bodies[0])).toContain('https://grafana.example.com/d/api?from=');
    expect(github.callsTo('repos/get-content').map((c) => c.status)).toEqual([200]);
    expect(github.violations).toEqual([]);
  }, 60_000);

  it('keeps preflight-validate from deploying the rolled-back commit again while its incident is open', async () => {
    const github = await badRelease();
    const rolledBack = await rollback(github, { 'notify-webhook': '' });
    expect(rolledBack.exitCode).toBe(0);
    // Both commits passed staging: preflight adds staging-verified for production.
    const FIX_SHA = 'e'.repeat(40);
    for (const sha of [BAD_SHA, FIX_SHA])
      github.state.addDeployment({ sha, environment: 'staging', statuses: ['in_progress', 'success'] });
    const preflight = (sha: string) =>
      runAction('preflight-validate', {
        inputs: { 'github-token': github.token, environment: 'production', sha, checks: 'incidents' },
        env: { GITHUB_API_URL: github.url },
        timeoutMs: 30_000
      });
    const again = await preflight(BAD_SHA);
    expect(again.exitCode).toBe(1);
    expect(again.outputs['failed-checks']).toBe('incidents');
    const issue = github.state.issues.at(-1)!;
    expect(again.summary).toContain(`${BAD_SHA.slice(0, 7)} was rolled back from production`);
    // Another commit (the fix) is not held back by the marker.
    expect((await preflight(FIX_SHA)).exitCode).toBe(0);
    issue.state = 'closed';
    expect((await preflight(BAD_SHA)).exitCode).toBe(0);
    expect(github.violations).toEqual([]);
  }, 90_000);

  it('restores the given version, finding its sha in the history', async () => {
    const github = await badRelease();
    const run = await rollback(github, {
      version: '1.3.0',
      'health-url': '',
      router: '',
      'create-incident': 'false'
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['rolled-back-to']).toBe('1.3.0');
    expect(readFileSync(redeployLog(), 'utf8').trim()).toBe(`1.3.0 ${'c'.repeat(40)} production`);
    expect(run.outputs.healthy).toBe('');
    expect(run.outputs['incident-url']).toBe('');
    expect(stepStatus(run)).toMatchObject({ traffic: 'skipped', health: 'skipped', incident: 'skipped' });
    expect(weight()).toBe(50);
  }, 30_000);

  it('fails clearly without a previous deployment, still putting traffic on stable and telling people', async () => {
    const github = await badRelease('first-only');
    const run = await rollback(github, { 'health-expected-version': '' });
    expect(run.exitCode).toBe(1);
    expect(weight()).toBe(0);
    expect(run.outputs['rolled-back-to']).toBe('');
    expect(stepStatus(run)).toMatchObject({
      traffic: 'done',
      target: 'failed',
      notify: 'done',
      incident: 'done'
    });
    expect(run.log).toContain('no successful deployment before the current one');
    expect(run.summary).toContain('version');
    expect(webhook.bodies).toHaveLength(1);
  }, 60_000);

  it('tells several webhooks, each in its format, after the incident so that each links it', async () => {
    const github = await badRelease();
    const run = await rollback(github, {
      'notify-webhook': `slack ${webhook.url}/chat\nteams ${webhook.url}/teams\n${webhook.url}/status`
    });
    expect(run.exitCode).toBe(0);
    expect(
      report(run)
        .steps.map((s) => s.name)
        .slice(-2)
    ).toEqual(['incident', 'notify']);
    const issueUrl = run.outputs['incident-url']!;
    expect(issueUrl).toMatch(/\/issues\/\d+$/);
    expect(webhook.bodies).toHaveLength(3);
    const byShape = (test: (body: Record<string, unknown>) => boolean) =>
      (webhook.bodies as Record<string, unknown>[]).find(test)!;
    const slack = byShape((b) => Array.isArray(b.blocks));
    const teams = byShape((b) => b.type === 'message');
    // A line without a format takes notify-format (json here).
    const status = byShape((b) => b.schema === 'rollback-notification/v1');
    expect(JSON.stringify(slack)).toContain(`<${issueUrl}|incident>`);
    expect(JSON.stringify(teams)).toContain('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(teams)).toContain(issueUrl);
    expect(status.incidentUrl).toBe(issueUrl);
    expect(report(run).notifications!.map((n) => n.target)).toEqual(['slack #1', 'teams #2', 'json #3']);
    const said = everythingSaid(run, github);
    for (const secret of [github.token, HOOK_SECRET, HEADER_SECRET]) expect(said).not.toContain(secret);
  }, 60_000);

  it('completes the rollback when the webhook is down, reporting the failed notification', async () => {
    const github = await badRelease();
    webhook.status = 503;
    const run = await rollback(github);
    expect(run.exitCode).toBe(0);
    expect(weight()).toBe(0);
    expect(run.outputs['rolled-back-to']).toBe('1.4.0');
    expect(stepStatus(run).notify).toBe('failed');
    expect(report(run).notifications).toEqual([
      expect.objectContaining({ target: 'json #1', delivered: false, status: 503 })
    ]);
    expect(run.annotations.some((a) => a.level === 'warning' && a.message.includes('notify'))).toBe(true);
    expect(webhook.bodies.length).toBeGreaterThan(1);
    const said = everythingSaid(run, github);
    for (const secret of [github.token, HOOK_SECRET, HEADER_SECRET]) expect(said).not.toContain(secret);
  }, 60_000);

  it('fails when health is not verified after the rollback', async () => {
    const github = await badRelease();
    // The bad version answers directly: it never reports 1.4.0.
    const run = await rollback(github, { 'health-url': bad.url, 'health-deadline': '3s' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.healthy).toBe('false');
    expect(stepStatus(run)).toMatchObject({ health: 'failed', notify: 'done', incident: 'done' });
    expect(github.state.deployments.at(-1)!.statuses.at(-1)!.state).toBe('failure');
    expect(github.state.issues.at(-1)!.body).toContain('health');
  }, 60_000);

  it('verifies that /health reports the restored version without being told it, and runs health-smoke', async () => {
    const github = await badRelease();
    const run = await rollback(github, {
      'health-expected-version': '',
      'health-smoke': 'GET /api/items 200\nGET /health 200 1.4.0'
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.verified).toBe('true');
    expect(report(run).verification).toEqual({
      verified: true,
      health: 'held',
      version: 'held',
      smoke: 'held',
      recovery: 'not checked',
      expected: { source: 'restored', version: '1.4.0' }
    });
    expect(run.summary).toContain('**✅ verified**');
    expect(run.summary).toContain('1.4.0, the restored version');
  }, 60_000);

  it('is not verified when the old version still answers /health, or a smoke check fails', async () => {
    const github = await badRelease();
    // The bad version answers directly, healthy but 1.5.0: only the version check can catch it.
    const stale = await rollback(github, {
      'health-url': bad.url,
      'health-expected-version': '',
      'health-deadline': '3s'
    });
    expect(stale.exitCode).toBe(1);
    expect(stale.outputs.verified).toBe('false');
    expect(report(stale).verification).toMatchObject({ version: 'failed' });
    expect(report(stale).health!.failedChecks.map((c) => c.name)).toContain('version');

    await fake!.close();
    const again = await badRelease();
    const smokeFails = await rollback(again, { 'health-smoke': 'GET /api/no-such-thing 200' });
    expect(smokeFails.exitCode).toBe(1);
    expect(smokeFails.outputs.verified).toBe('false');
    expect(report(smokeFails).verification).toMatchObject({ health: 'failed', smoke: 'failed' });
    expect(stepStatus(smokeFails)).toMatchObject({ traffic: 'done', health: 'failed', incident: 'done' });
  }, 60_000);

  it('sends no secret off the runner when a failing redeploy prints a token and a database URL', async () => {
    const token = 'dpl-tok-8f2e4a9c1b7d';
    const dbPassword = 'S3cretDbPw';
    const github = await badRelease();
    const run = await rollback(
      github,
      {
        // What a deploy script's verbose mode prints before it fails.
        'redeploy-command': `sh -c 'echo "POST /deploy Authorization: Bearer $DEPLOY_TOKEN" >&2; echo "cannot migrate $DATABASE_URL" >&2; exit 3'`
      },
      {
        env: {
          DEPLOY_TOKEN: token,
          DATABASE_URL: `postgresql://app:${dbPassword}@127.0.0.1/db`
        }
      }
    );
    expect(run.exitCode).toBe(1);
    expect(weight()).toBe(0);
    expect(stepStatus(run)).toMatchObject({ redeploy: 'failed', notify: 'done', incident: 'done' });
    const issue = github.state.issues.at(-1)!;
    // What was sent still says what failed: the exit status and a redacted excerpt.
    expect(issue.body).toContain('exited with status 3');
    expect(issue.body).toContain('Authorization: ***');
    expect(issue.body).toContain('postgresql://***@127.0.0.1/db');
    const places = {
      'issue title': github.state.issues.map((i) => i.title).join('\n'),
      'issue body': github.state.issues.map((i) => i.body ?? '').join('\n'),
      'deployment descriptions': github.state.deployments.map((d) => d.description ?? '').join('\n'),
      'deployment statuses': github.state.deployments
        .flatMap((d) => d.statuses.map((s) => s.description))
        .join('\n'),
      'webhook bodies': JSON.stringify(webhook.bodies),
      log: run.log,
      outputs: JSON.stringify(run.outputs),
      summary: run.summary,
      state: JSON.stringify(run.state),
      annotations: JSON.stringify(run.annotations)
    };
    expect(webhook.bodies).toHaveLength(1);
    for (const [place, text] of Object.entries(places)) {
      for (const secret of [token, dbPassword]) {
        expect({ place, leaks: text.includes(secret) }).toEqual({ place, leaks: false });
      }
    }
  }, 60_000);

  it('moves traffic first and gives GitHub one minute in all when it never answers, saying what was not written', async () => {
    const github = await badRelease();
    // GitHub's API accepts connections and never answers.
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentUrl = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    try {
      const run = await rollback(github, { version: '1.4.0' }, { apiUrl: silentUrl, timeoutMs: 170_000 });
      // The budget is 60 s; the slack covers nginx, the redeploy, health and a loaded machine.
      expect(run.durationMs).toBeLessThan(100_000);
      expect(run.exitCode).toBe(0);
      expect(weight()).toBe(0);
      const steps = report(run).steps;
      const step = (name: string) => steps.find((s) => s.name === name)!;
      // Traffic went back to stable before anything waited for GitHub.
      expect(step('traffic')).toMatchObject({ status: 'done' });
      expect(step('traffic').startedMs).toBeLessThan(step('target').startedMs + 1);
      expect(step('target').detail).toContain('history unavailable');
      expect(stepStatus(run)).toMatchObject({
        redeploy: 'done',
        health: 'done',
        notify: 'done',
        'deployment-status': 'failed',
        incident: 'failed'
      });
      expect(step('deployment-status').detail).toMatch(
        /^not written: the deployment of 1\.4\.0 and its success status \(.*60 s .* GitHub ran out\)$/
      );
      expect(step('incident').detail).toMatch(/^not written: the incident issue \(.*ran out\)$/);
      for (const said of [run.summary, run.log]) {
        expect(said).toContain('not written: the deployment of 1.4.0');
        expect(said).toContain('not written: the incident issue');
      }
      expect(run.outputs['rolled-back-to']).toBe('1.4.0');
      expect(github.calls).toHaveLength(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 200_000);

  it('refuses a rollback with neither router nor redeploy-command before anything is touched', async () => {
    const github = await badRelease();
    const run = await rollback(github, { router: '', 'redeploy-command': '' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['rolled-back-to']).toBeUndefined();
    const refusal = run.annotations.find((a) => a.level === 'error')!;
    expect(refusal.properties.title).toContain('router');
    expect(refusal.message).toContain('redeploy-command');
    expect(weight()).toBe(50);
    expect(webhook.bodies).toHaveLength(0);
    expect(github.calls).toHaveLength(0);
    expect(github.state.deployments.at(-1)!.payload).toEqual({ version: '1.5.0' });
  }, 30_000);

  it.each([
    ['environment', ''],
    ['reason', 'x'.repeat(1001)],
    ['notify-format', 'discord'],
    ['notify-webhook', 'not a url'],
    ['notify-webhook', `slack https://hooks.example.com/x\ndiscord https://discord.example.com/y`],
    ['router', 'haproxy'],
    ['nginx-stable-server', 'nowhere'],
    ['redeploy-command', "sh -c 'unterminated"],
    ['migrate-downgrade', 'maybe'],
    ['database-url', ''],
    ['database-url', 'not-a-url'],
    ['working-directory', 'no/such/directory'],
    ['alembic-config', 'missing.ini'],
    ['python', 'python-without-alembic'],
    ['allow-destructive-downgrade', 'maybe'],
    ['health-url', 'ftp://x'],
    ['health-interval', 'soon'],
    ['health-retries', '0'],
    ['health-expected-sha', 'xyz'],
    ['recovery-window', 'soon'],
    ['probe-stable-url', ''],
    ['recovery-interval', '1h'],
    ['create-incident', 'yes'],
    ['verify-version', 'maybe'],
    ['health-smoke', 'fetch everything'],
    ['history', '{"schema": "something-else/v1"}'],
    ['incident-assign', 'everyone'],
    ['dashboard-url', 'https://grafana.example.com/d?from={start}'],
    ['review-due', 'next week']
  ])(
    'refuses %s=%j before anything is touched',
    async (input, value) => {
      const github = await badRelease();
      const given: Record<string, string> = { [input]: value };
      // The database inputs are checked when the downgrade is asked for; the probe's when the watch is.
      if (['database-url', 'working-directory', 'alembic-config', 'python'].includes(input))
        Object.assign(given, {
          'migrate-downgrade': 'true',
          'database-url': postgres.url,
          'working-directory': EXAMPLE_BACKEND_DIR,
          python: PYTHON,
          [input]: value
        });
      if (['probe-stable-url', 'recovery-interval', 'history'].includes(input))
        Object.assign(given, { 'recovery-window': '10s', 'probe-stable-url': nginx.url, [input]: value });
      // An empty redeploy-command is simply absent; test an unterminated quote instead.
      if (input === 'redeploy-command') given[input] = `sh -c 'unterminated`;
      const run = await rollback(github, given);
      expect(run.exitCode).toBe(1);
      expect(run.log).toContain(input);
      expect(weight()).toBe(50);
      expect(webhook.bodies).toHaveLength(0);
      expect(github.calls).toHaveLength(0);
    },
    30_000
  );
});

/** canary-step's history of the bad canary: the stable track failed 0.5% of its requests meanwhile. */
const canaryHistory = JSON.stringify({
  schema: 'canary-step-history/v1',
  measurements: [10, 50].map((weight) => ({
    weight,
    at: '2026-03-02T09:00:00Z',
    status: 'fail',
    canary: { requests: 100, errors: 9 },
    baseline: { requests: 200, errors: 1 }
  }))
});

describe('rollback of the database and the recovery watch', () => {
  const DB_SECRET = 'db-pw-5ec7e7';
  let databaseUrl: string;
  /** The database's URL with a password (trust authentication ignores it): it must never be shown. */
  const withPassword = (url: string) =>
    url.replace('postgresql://postgres@', `postgresql://postgres:${DB_SECRET}@`);
  const revision = () => postgres.query('SELECT version_num FROM alembic_version', 'rollback_db');
  const categoryColumn = () =>
    postgres.query(
      "SELECT count(*) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'category'",
      'rollback_db'
    );

  beforeAll(async () => {
    databaseUrl = await postgres.createDatabase('rollback_db');
    await migrateDatabase(databaseUrl);
    await postgres.query("INSERT INTO items (name, category) VALUES ('lamp', 'lighting')", 'rollback_db');
  }, 60_000);

  const downgradeInputs = (extra: Record<string, string> = {}) => ({
    'migrate-downgrade': 'true',
    'database-url': withPassword(databaseUrl),
    'working-directory': EXAMPLE_BACKEND_DIR,
    python: PYTHON,
    'downgrade-lock-timeout': '2s',
    ...extra
  });

  it('refuses a destructive downgrade, then runs it when allowed', async () => {
    const github = await badRelease();
    const refused = await rollback(github, downgradeInputs());
    expect(refused.exitCode).toBe(1);
    expect(weight()).toBe(0);
    expect(stepStatus(refused)).toMatchObject({
      'migrate-downgrade': 'failed',
      health: 'done',
      notify: 'done',
      incident: 'done'
    });
    const refusedReport = report(refused).downgrade!;
    expect(refusedReport).toMatchObject({
      from: '0003_add_item_category',
      to: '0002_create_reviews',
      decision: 'refused',
      destructive: true
    });
    expect(refusedReport.findings.map((f) => f.rule)).toContain('ban-drop-column');
    expect(refused.summary).toContain('### Database downgrade');
    expect(refused.summary).toContain('DROP COLUMN category');
    expect(refused.summary).toContain('allow-destructive-downgrade');
    // Nothing was run: the column and its data are still there.
    expect(await revision()).toBe('0003_add_item_category');
    expect(await categoryColumn()).toBe('1');
    const said = everythingSaid(refused, github);
    expect(said).not.toContain(DB_SECRET);

    await fake!.close();
    const again = await badRelease();
    const allowed = await rollback(
      again,
      downgradeInputs({ 'allow-destructive-downgrade': 'true', 'backup-command': 'true' })
    );
    expect(allowed.exitCode).toBe(0);
    expect(stepStatus(allowed)['migrate-downgrade']).toBe('done');
    expect(report(allowed).downgrade).toMatchObject({ decision: 'ran', after: ['0002_create_reviews'] });
    expect(await revision()).toBe('0002_create_reviews');
    expect(await categoryColumn()).toBe('0');
    expect(await postgres.query('SELECT name FROM items', 'rollback_db')).toBe('lamp');
    expect(everythingSaid(allowed, again)).not.toContain(DB_SECRET);
  }, 120_000);

  it('watches the error rate of the restored version come back to the baseline', async () => {
    const github = await badRelease();
    const run = await rollback(github, {
      'recovery-window': '6s',
      'recovery-interval': '2s',
      'probe-stable-url': `${nginx.url}/health`,
      'probe-rps': '20'
    });
    expect(run.exitCode).toBe(0);
    expect(stepStatus(run).recovery).toBe('done');
    const recovery = report(run).recovery!;
    expect(recovery.recovered).toBe(true);
    expect(recovery.measurements.at(-1)).toMatchObject({ status: 'recovered', errorRatePercent: 0 });
    expect(run.summary).toContain('### Error rate after the rollback');
    // No history: the baseline was measured on the stable track as the rollback started.
    expect(recovery.baseline).toMatchObject({ source: 'measured', percent: 0 });
    expect(run.summary).toContain('Baseline (measured on the stable track)');
  }, 60_000);

  it("takes the baseline from canary-step's history, and shows each window against it", async () => {
    const github = await badRelease();
    const run = await rollback(github, {
      'recovery-window': '6s',
      'recovery-interval': '2s',
      'probe-stable-url': `${nginx.url}/health`,
      'probe-rps': '20',
      history: canaryHistory
    });
    expect(run.exitCode).toBe(0);
    const recovery = report(run).recovery!;
    expect(recovery.baseline).toMatchObject({ source: 'history', requests: 400, percent: 0.5 });
    expect(recovery.thresholdPercent).toBeCloseTo(1.5);
    expect(run.outputs.verified).toBe('true');
    expect(run.summary).toContain("Baseline (canary-step's history): 0.50% of 400 stable requests");
    expect(run.summary).toMatch(
      /\| \+\d+(\.\d+)?s \| \d+ \| 0\.00% \| .* \| 0\.50% \| ≤ 1\.50% \| ✅ recovered \|/
    );
  }, 60_000);

  it('fails when the error rate stays above the baseline for the whole window', async () => {
    const github = await badRelease();
    const run = await rollback(github, {
      'recovery-window': '4s',
      'recovery-interval': '2s',
      'probe-stable-url': `${nginx.url}/no-such-page`,
      'probe-rps': '20',
      history: canaryHistory
    });
    expect(run.exitCode).toBe(1);
    expect(stepStatus(run)).toMatchObject({ health: 'done', recovery: 'failed', incident: 'done' });
    expect(report(run).recovery!.measurements.map((m) => m.status)).toEqual(['above', 'above']);
    expect(github.state.issues.at(-1)!.body).toContain('error rate at +');
  }, 60_000);
});
