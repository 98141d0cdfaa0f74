/**
 * The deploy record end to end, as the pipeline uses it: the health-gate bundle verifies a deploy
 * of a loopback service and records it in the GitHub fake (checked against GitHub's OpenAPI
 * description), beside the deployments GitHub itself creates for `environment:` jobs; then the
 * rollback bundle reads that same state and hands the recorded version and images to the redeploy
 * command.
 */
import { afterEach, beforeAll, afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGitHubFake, type GitHubFake } from './fakes/github/index.ts';
import { startHttpStub, type HttpStub } from './fakes/http-stub.ts';
import { runAction, type ActionRun } from './run-action.ts';

const GOOD_SHA = '3f786850e387550fdab836ed7e6dc881de23001b';
const BAD_SHA = '89e6c98d92887913cadf06b2adb97f26cde4849b';
const NEXT_SHA = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3';
const image = (name: string, fill: string) => `ghcr.io/octo-org/${name}@sha256:${fill.repeat(64)}`;
const FAST = { interval: '200ms', timeout: '2s', 'start-period': '0s', retries: '2', deadline: '20s' };

let temp: string;
let fake: GitHubFake | undefined;
let service: HttpStub | undefined;

beforeAll(() => {
  temp = mkdtempSync(path.join(os.tmpdir(), 'deploy-record-test-'));
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all([fake?.close(), service?.close()]);
  fake = undefined;
  service = undefined;
});

/** A service answering /health with `version` and `sha`, and /ready as `ready` says. */
async function serve(version: string, sha: string, ready = true): Promise<HttpStub> {
  await service?.close();
  service = await startHttpStub((req) =>
    req.url === '/health'
      ? { status: 200, body: JSON.stringify({ status: 'ok', version, git_sha: sha, uptime_seconds: 3 }) }
      : ready
        ? { status: 200, body: JSON.stringify({ status: 'ok', checks: [] }) }
        : {
            status: 503,
            body: JSON.stringify({
              status: 'fail',
              checks: [{ name: 'redis', status: 'fail', error: 'down' }]
            })
          }
  );
  return service;
}

/**
 * One deploy job of `environment: production`: GitHub's own deployment (ref = the branch, no
 * payload) while the job runs, health-gate's record once the gate decided, then GitHub's status
 * when the job ends.
 */
async function deploy(
  github: GitHubFake,
  release: { version: string; sha: string; images: string[]; alembicHead: string; ready?: boolean }
): Promise<ActionRun> {
  const own = github.state.addDeployment({
    sha: release.sha,
    ref: 'main',
    environment: 'production',
    payload: {},
    statuses: ['in_progress']
  });
  const url = (await serve(release.version, release.sha, release.ready ?? true)).url;
  const run = await runAction('health-gate', {
    inputs: {
      ...FAST,
      url,
      'expected-version': release.version,
      'expected-sha': release.sha.slice(0, 10),
      'record-environment': 'production',
      'record-images': release.images.join('\n'),
      'record-alembic-head': release.alembicHead,
      'github-token': github.token
    },
    env: { GITHUB_API_URL: github.url, GITHUB_SHA: release.sha },
    timeoutMs: 30_000
  });
  github.state.addDeploymentStatus(own.id, { state: run.exitCode === 0 ? 'success' : 'failure' });
  return run;
}

const GOOD = {
  version: '1.4.0',
  sha: GOOD_SHA,
  images: [`api=${image('api', 'a')}`, `web=${image('web', 'b')}`],
  alembicHead: 'ae1027a6acf'
};
const BAD = {
  version: '1.5.0',
  sha: BAD_SHA,
  images: [`api=${image('api', 'c')}`, `web=${image('web', 'd')}`],
  alembicHead: '27c6a30d7c24'
};

describe('health-gate records the deploy, rollback restores exactly that', () => {
  it('writes the record with its payload and success, as GitHub accepts it', async () => {
    fake = await startGitHubFake();
    const run = await deploy(fake, GOOD);
    expect(run.exitCode).toBe(0);
    const record = fake.state.deployments.find((d) => d.ref === GOOD_SHA)!;
    expect(run.outputs['deployment-id']).toBe(String(record.id));
    expect(record).toMatchObject({
      sha: GOOD_SHA,
      environment: 'production',
      production: true,
      payload: {
        schema: 'deploy-record/v1',
        version: '1.4.0',
        sha: GOOD_SHA,
        images: { api: image('api', 'a'), web: image('web', 'b') },
        alembic_head: 'ae1027a6acf',
        run_url: 'https://github.com/octo-org/shop/actions/runs/9876543210'
      }
    });
    expect(record.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(record.statuses.at(-1)).toMatchObject({
      environmentUrl: service!.url,
      logUrl: 'https://github.com/octo-org/shop/actions/runs/9876543210'
    });
    expect(run.summary).toContain(`### Deploy record ✅ deployment #${record.id} of production: success`);
    expect(fake.violations).toEqual([]);
    // The token is masked (the runner consumes `::add-mask::`) and written nowhere else.
    expect(run.log).toContain(`::add-mask::${fake.token}`);
    const visibleLog = run.log
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    for (const said of [
      visibleLog,
      run.summary,
      JSON.stringify(run.outputs),
      JSON.stringify(fake.state.deployments)
    ])
      expect(said).not.toContain(fake.token);
  }, 60_000);

  it('records a failed gate as failure, and rollback never restores it', async () => {
    fake = await startGitHubFake();
    expect((await deploy(fake, GOOD)).exitCode).toBe(0);
    const failed = await deploy(fake, { ...BAD, ready: false });
    expect(failed.exitCode).toBe(1);
    const record = fake.state.deployments.find((d) => d.ref === BAD_SHA)!;
    expect(record.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
    expect(failed.outputs).toMatchObject({ healthy: 'false', 'deployment-id': String(record.id) });
    expect(fake.violations).toEqual([]);
  }, 60_000);

  it('rollback picks the recorded version over GitHub’s own deployments and hands its images over', async () => {
    fake = await startGitHubFake();
    expect((await deploy(fake, GOOD)).exitCode).toBe(0);
    expect((await deploy(fake, BAD)).exitCode).toBe(0);
    const written = path.join(temp, 'redeploy.env');
    const run = await runAction('rollback', {
      inputs: {
        'github-token': fake.token,
        environment: 'production',
        'create-incident': 'false',
        'redeploy-command': `sh -c 'env | grep -E "^(ROLLBACK_|ENVIRONMENT=)" | sort > ${written}'`
      },
      env: { GITHUB_API_URL: fake.url },
      timeoutMs: 60_000
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs['rolled-back-to']).toBe('1.4.0');
    const env = Object.fromEntries(
      readFileSync(written, 'utf8')
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
    );
    expect(env).toEqual({
      ENVIRONMENT: 'production',
      ROLLBACK_VERSION: '1.4.0',
      ROLLBACK_SHA: GOOD_SHA,
      ROLLBACK_IMAGES: JSON.stringify({ api: image('api', 'a'), web: image('web', 'b') }),
      ROLLBACK_ALEMBIC_HEAD: 'ae1027a6acf'
    });
    // The rollback's own deployment carries the restored record, so the next rollback reads it too.
    const restored = fake.state.deployments.at(-1)!;
    expect(restored.payload).toMatchObject({
      schema: 'deploy-record/v1',
      version: '1.4.0',
      sha: GOOD_SHA,
      images: { api: image('api', 'a'), web: image('web', 'b') },
      alembic_head: 'ae1027a6acf',
      rollback: true
    });
    expect(run.summary).toContain('rollback of production by octocat');
    expect(fake.violations).toEqual([]);
  }, 90_000);

  it('restores by sha, never by branch, when no deployment has a record', async () => {
    fake = await startGitHubFake();
    for (const sha of [GOOD_SHA, NEXT_SHA])
      fake.state.addDeployment({
        sha,
        ref: 'main',
        environment: 'production',
        payload: {},
        statuses: ['success']
      });
    const written = path.join(temp, 'redeploy-sha.txt');
    const run = await runAction('rollback', {
      inputs: {
        'github-token': fake.token,
        environment: 'production',
        'create-incident': 'false',
        'redeploy-command': `sh -c 'echo "$ROLLBACK_VERSION $ROLLBACK_SHA [$ROLLBACK_IMAGES]" > ${written}'`
      },
      env: { GITHUB_API_URL: fake.url },
      timeoutMs: 60_000
    });
    expect(run.exitCode).toBe(0);
    expect(readFileSync(written, 'utf8').trim()).toBe(`${GOOD_SHA} ${GOOD_SHA} []`);
    const own = fake.state.deployments[0]!;
    const message = `no deploy record on deployment #${own.id}; restoring by sha ${GOOD_SHA.slice(0, 7)}`;
    expect(run.log).toContain(message);
    expect(run.summary).toContain(message);
  }, 60_000);
});
