import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatCommandLine, splitCommandLine } from '../../src/exec/command-line.ts';
import {
  ExecError,
  commandEnvironment,
  createExec,
  describeExecResult,
  stopProcessGroups,
  succeeded,
  type ProcessGroup
} from '../../src/exec/exec.ts';

describe('splitCommandLine', () => {
  it.each([
    ['nginx -s reload', ['nginx', '-s', 'reload']],
    ['  nginx   -t  ', ['nginx', '-t']],
    [`./set-weight.sh {weight} 'my upstream'`, ['./set-weight.sh', '{weight}', 'my upstream']],
    [`sh -c "echo \\"$CANARY_WEIGHT\\" > /tmp/w"`, ['sh', '-c', 'echo "$CANARY_WEIGHT" > /tmp/w']],
    [`a\\ b c`, ['a b', 'c']],
    [`'' x`, ['', 'x']],
    [`echo $(rm -rf /) ; ls | wc`, ['echo', '$(rm', '-rf', '/)', ';', 'ls', '|', 'wc']],
    ['nginx \\\n -t', ['nginx', '-t']]
  ])('%j', (text, expected) => {
    expect(splitCommandLine(text)).toEqual(expected);
  });

  it.each([`'open`, `"open`, 'trailing\\'])('rejects %j', (text) => {
    expect(splitCommandLine(text)).toBeUndefined();
  });

  it('formats arguments back so they split the same', () => {
    const argv = ['nginx', '-p', '/tmp/my dir/', "it's", '', '{weight}'];
    expect(splitCommandLine(formatCommandLine(argv))).toEqual(argv);
  });
});

describe('createExec (real processes)', () => {
  const exec = createExec();

  it('runs a program directly with extra environment, and reports its exit status and output', async () => {
    const result = await exec.run(['sh', '-c', 'echo "w=$CANARY_WEIGHT"; echo oops >&2; exit 3'], {
      env: { CANARY_WEIGHT: '10' },
      timeoutMs: 10_000
    });
    expect(result).toMatchObject({
      exitCode: 3,
      signal: null,
      timedOut: false,
      stdout: 'w=10\n',
      stderr: 'oops\n'
    });
    expect(succeeded(result)).toBe(false);
    expect(describeExecResult(['sh', '-c', 'x'], result)).toBe('`sh -c x` exited with status 3: oops');
  });

  it('describes a failure with a short excerpt that keeps no credential', () => {
    const result = {
      exitCode: 3,
      signal: null,
      timedOut: false,
      stdout: '',
      stderr: [
        'x'.repeat(1000),
        'connecting to postgresql://app:S3cretDbPw@127.0.0.1/db',
        `Authorization: Bearer ${'t'.repeat(400)}`
      ].join('\n'),
      durationMs: 12
    };
    const message = describeExecResult(['./deploy.sh', '--password=hunter22'], result);
    expect(message).toMatch(/^`\.\/deploy\.sh --password=\*\*\*` exited with status 3: …/);
    expect(message).toContain('postgresql://***@127.0.0.1/db / Authorization: ***');
    expect(message.length).toBeLessThan(400);
    for (const secret of ['S3cretDbPw', 'hunter22', 'tttt']) expect(message).not.toContain(secret);
  });

  it('passes arguments without a shell: nothing is expanded', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'exec-test-'));
    try {
      const file = path.join(dir, 'args');
      const script = `require('fs').writeFileSync(${JSON.stringify(file)}, JSON.stringify(process.argv.slice(1)))`;
      const result = await exec.run([process.execPath, '-e', script, '$HOME', '*', '$(id)', '; ls'], {
        timeoutMs: 10_000
      });
      expect(succeeded(result)).toBe(true);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(['$HOME', '*', '$(id)', '; ls']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('kills a program (and what it started) at the time limit', async () => {
    const started = Date.now();
    const result = await exec.run(['sh', '-c', 'sleep 30 & sleep 30'], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(succeeded(result)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(describeExecResult(['sh'], result)).toMatch(/^`sh` was stopped after \d+ms \(time limit\)$/);
  });

  it('rejects a program that does not exist', async () => {
    await expect(exec.run(['no-such-program-canary'], { timeoutMs: 1000 })).rejects.toThrow(
      new ExecError('could not start `no-such-program-canary`: not found')
    );
  });
});

describe('commandEnvironment', () => {
  it('keeps what a run: step sees, and drops what only the action may see', () => {
    const env = commandEnvironment({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      GITHUB_SHA: 'abc',
      RUNNER_TEMP: '/tmp/r',
      KUBECONFIG: '/home/runner/.kube/config',
      'INPUT_GITHUB-TOKEN': 'ghs_secret',
      'INPUT_DATABASE-URL': 'postgresql://u:pw@db/app',
      input_lowercase: 'x',
      STATE_router: '{}',
      ACTIONS_RUNTIME_TOKEN: 'runtime-secret',
      ACTIONS_RESULTS_URL: 'https://results',
      UNSET: undefined
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      GITHUB_SHA: 'abc',
      RUNNER_TEMP: '/tmp/r',
      KUBECONFIG: '/home/runner/.kube/config'
    });
  });

  it('is what a real program receives, with its own variables added', async () => {
    const exec = createExec({
      env: {
        PATH: process.env.PATH,
        'INPUT_GITHUB-TOKEN': 'ghs_secret',
        STATE_weight: '10',
        GITHUB_SHA: 'abc'
      }
    });
    const result = await exec.run(['sh', '-c', 'env'], { env: { CANARY_WEIGHT: '5' }, timeoutMs: 10_000 });
    const names = result.stdout
      .split('\n')
      .map((line) => line.split('=')[0])
      .filter((name) => name !== '');
    expect(names).toEqual(expect.arrayContaining(['PATH', 'GITHUB_SHA', 'CANARY_WEIGHT']));
    expect(result.stdout).not.toMatch(/INPUT_|STATE_|ghs_secret/);
  });
});

describe('process groups', () => {
  // A killed orphan stays a zombie until its new parent reaps it: only a running process counts.
  const alive = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
    } catch {
      return false;
    }
  };
  const pidFile = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'exec-groups-'));
    return { file: path.join(dir, 'pid'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  };
  const waitForFile = async (file: string) => {
    for (let i = 0; i < 250 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
    return Number(readFileSync(file, 'utf8'));
  };

  it('knows the groups running now, and stopAll stops them with what they started', async () => {
    const { file, cleanup } = pidFile();
    try {
      const changes: ProcessGroup[][] = [];
      const exec = createExec({ onRunningChange: (groups) => changes.push(groups) });
      const running = exec.run(['sh', '-c', `sleep 30 & echo $! > ${file}; wait`], { timeoutMs: 60_000 });
      const grandchild = await waitForFile(file);
      expect(exec.running()).toHaveLength(1);
      expect(changes[0]).toEqual([expect.objectContaining({ id: exec.running()[0]!.id })]);
      await exec.stopAll();
      expect(alive(grandchild)).toBe(false);
      expect((await running).signal).toBe('SIGTERM');
      expect(exec.running()).toEqual([]);
      expect(changes.at(-1)).toEqual([]);
      await expect(exec.run(['true'], { timeoutMs: 1000 })).rejects.toThrow(/the step is being stopped/);
    } finally {
      cleanup();
    }
  });

  it('stopProcessGroups stops a group this process did not start, and skips a reused group id', async () => {
    const { file, cleanup } = pidFile();
    try {
      const exec = createExec();
      const running = exec.run(['sh', '-c', `sleep 30 & echo $! > ${file}; wait`], { timeoutMs: 60_000 });
      const grandchild = await waitForFile(file);
      const [group] = exec.running();
      // A leader that started at another time is another program that got the same id.
      expect(await stopProcessGroups([{ id: group!.id, leaderStartedAt: '1' }])).toEqual({
        stopped: [],
        survivors: []
      });
      expect(alive(grandchild)).toBe(true);
      expect(await stopProcessGroups([group!])).toEqual({ stopped: [group!.id], survivors: [] });
      expect(alive(grandchild)).toBe(false);
      await running;
      expect(await stopProcessGroups([group!])).toEqual({ stopped: [], survivors: [] });
    } finally {
      cleanup();
    }
  });
});
