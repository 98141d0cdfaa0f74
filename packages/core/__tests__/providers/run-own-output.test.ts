import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runWithOwnOutput } from '../../src/exec/run-own-output.ts';

let stdout: string;

beforeEach(() => {
  stdout = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('runWithOwnOutput (real processes, on @actions/exec)', () => {
  it("copies the program's output unchanged, commands included, with no [command] line", async () => {
    const status = await runWithOwnOutput(process.execPath, [
      '-e',
      "process.stdout.write('::warning::from the action itself\\nplain\\n'); process.exitCode = 3"
    ]);
    expect(status).toBe(3);
    expect(stdout).toBe('::warning::from the action itself\nplain\n');
  });

  it('runs a program whose path has spaces and quotes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'own output "dir" '));
    try {
      const program = path.join(dir, 'my node');
      symlinkSync(process.execPath, program);
      expect(await runWithOwnOutput(program, ['-e', "console.log('ran')"])).toBe(0);
      expect(stdout).toBe('ran\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives status 1 for a program a signal ended, and rejects one that cannot start', async () => {
    expect(await runWithOwnOutput(process.execPath, ['-e', "process.kill(process.pid, 'SIGKILL')"])).toBe(1);
    await expect(runWithOwnOutput(path.join(os.tmpdir(), 'no-such-program'), [])).rejects.toThrow();
  });
});
