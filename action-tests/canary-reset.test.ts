/**
 * canary-step's cancellation and post step, through the real bundles: a router command that is
 * still running when main is cancelled (SIGTERM) or killed (SIGKILL) must never set its weight
 * after the post step's reset, and the saved router spec must reach the post step unchanged.
 * The command router writes each weight it applies to a file, so the file is the traffic.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHttpStub, type HttpStub } from './fakes/http-stub.ts';
import { runAction, startAction, type ActionRun } from './run-action.ts';
import { sleep } from './services/index.ts';

/** Seconds a weight other than 0 takes to apply: the command is still running when main is stopped. */
const APPLY_SECONDS = 3;

let tracks: HttpStub;
let dir: string;

beforeAll(async () => {
  tracks = await startHttpStub(() => ({ status: 200, body: '{"status":"ok"}' }));
});

afterAll(async () => {
  await tracks?.close();
});

const weightsFile = () => path.join(dir, 'weights.log');
const appliedWeights = () => (existsSync(weightsFile()) ? readFileSync(weightsFile(), 'utf8') : '');

/** A set-weight command that records when it starts, and applies weights other than 0 slowly. */
const slowCommand = () =>
  `sh -c 'echo "$1" >> ${dir}/started; if [ "$1" != 0 ]; then sleep ${APPLY_SECONDS}; fi; echo "$1" >> ${dir}/weights.log' set-weight {weight}`;

const inputs = (command: string, probeUser = '') => ({
  router: 'command',
  'set-weight-command': command,
  metrics: 'probe',
  'probe-canary-url': tracks.url.replace('http://', `http://${probeUser}`) + '/canary',
  'probe-stable-url': `${tracks.url}/stable`,
  interval: '2s',
  duration: '4s',
  'probe-rps': '25',
  'min-requests': '10'
});

/** Starts main at weight 50 and waits until its set-weight command runs. */
async function mainSettingFifty() {
  const main = startAction('canary-step', { inputs: { ...inputs(slowCommand()), weight: '50' } });
  for (let i = 0; i < 300 && !readStarted().includes('50'); i++) await sleep(50);
  expect(readStarted()).toBe('50\n');
  return main;
}

const readStarted = () =>
  existsSync(path.join(dir, 'started')) ? readFileSync(path.join(dir, 'started'), 'utf8') : '';

async function runPost(state: Record<string, string>): Promise<ActionRun> {
  return runAction('canary-step', { entry: 'post.js', state });
}

describe('a step stopped while its router command runs', () => {
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'canary-reset-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('SIGTERM: main stops the command, and the weight the post step sets is the last one applied', async () => {
    const main = await mainSettingFifty();
    main.child.kill('SIGTERM');
    const stopped = await main.finished;
    expect([stopped.exitCode, stopped.signal]).toEqual([null, 'SIGTERM']);
    // No weight was applied (main's own rollback to 0 may have been requested, and refused).
    expect(stopped.state.weight).toBeUndefined();
    expect(stopped.state['requested-weight']).toMatch(/^(50|0)$/);

    const post = await runPost(stopped.state);
    expect(post.exitCode).toBe(0);
    expect(appliedWeights()).toBe('0\n');
    // Longer than the stopped command would have taken: it never applies its 50.
    await sleep((APPLY_SECONDS + 1.5) * 1000);
    expect(appliedWeights()).toBe('0\n');
    expect(post.annotations).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(
          /being changed to (50|0)%.*canary weight reset to 0: the command succeeded/
        )
      })
    ]);
  });

  it('SIGKILL: the post step stops the command main left running before it resets', async () => {
    const main = await mainSettingFifty();
    main.child.kill('SIGKILL');
    const killed = await main.finished;
    expect(killed.signal).toBe('SIGKILL');
    expect(JSON.parse(killed.state.commands ?? '[]')).toHaveLength(1);

    const post = await runPost(killed.state);
    expect(post.exitCode).toBe(0);
    expect(post.log).toMatch(/Stopped the router command main left running \(process group \d+\)/);
    await sleep((APPLY_SECONDS + 1.5) * 1000);
    expect(appliedWeights()).toBe('0\n');
  });
});

describe('the saved router spec', () => {
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'canary-reset-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is not rewritten by masking: a probe URL user `weights` leaves `weights.log` in the command', async () => {
    const command = `sh -c 'echo {weight} >> ${dir}/weights.log'`;
    const main = await runAction('canary-step', {
      inputs: { ...inputs(command, 'weights:pw-5e1d0c77@'), weight: '10', duration: '2s' }
    });
    expect(main.exitCode).toBe(0);
    expect(JSON.parse(main.state.router!).command).toEqual([
      'sh',
      '-c',
      `echo {weight} >> ${dir}/weights.log`
    ]);
    // The password is still masked where things are shown.
    expect(main.log).toContain('::add-mask::pw-5e1d0c77');
    expect(main.summary).not.toContain('pw-5e1d0c77');

    // As if the job had died after the change: the post step resets through the saved command.
    const post = await runPost({ ...main.state, finished: '' });
    expect(post.exitCode).toBe(0);
    expect(appliedWeights()).toBe('10\n0\n');
    expect(readdirSync(dir)).toEqual(['weights.log']);
  });
});

describe("the router command's environment", () => {
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'canary-reset-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is what a run: step sees, plus CANARY_WEIGHT: no input (a probe URL password) and no state', async () => {
    const main = await runAction('canary-step', {
      inputs: { ...inputs(`sh -c 'env > ${dir}/env'`, 'reader:pw-9c8b7a61@'), weight: '10', duration: '2s' }
    });
    expect(main.exitCode).toBe(0);
    const env = readFileSync(path.join(dir, 'env'), 'utf8');
    expect(env).toMatch(/^CANARY_WEIGHT=10$/m);
    expect(env).toMatch(/^GITHUB_SHA=/m);
    expect(env).toMatch(/^RUNNER_TEMP=/m);
    expect(env).not.toMatch(/^(INPUT|STATE)_/im);
    expect(env).not.toContain('pw-9c8b7a61');
  });
});
