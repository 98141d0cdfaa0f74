import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatCommandLine, splitCommandLine } from '../../src/exec/command-line.ts';
import { ExecError, createExec, describeExecResult, succeeded } from '../../src/exec/exec.ts';

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
