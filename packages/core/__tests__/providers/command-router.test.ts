import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createExec } from '../../src/exec/exec.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { commandForWeight, createCommandRouter } from '../../src/providers/traffic/command.ts';
import { createTrafficRouter } from '../../src/providers/traffic/factory.ts';
import { TrafficRouterError } from '../../src/providers/traffic/router.ts';

describe('the command router (real processes)', () => {
  it('runs the command with {weight} replaced and CANARY_WEIGHT set; cannot verify', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'command-router-'));
    try {
      const file = path.join(dir, 'weight');
      const logger = new MemoryLogger();
      const router = createTrafficRouter(
        {
          type: 'command',
          command: [
            'sh',
            '-c',
            `echo "$1 $CANARY_WEIGHT" > ${file}; echo applied $1`,
            'set-weight',
            '{weight}'
          ],
          timeoutMs: 5000
        },
        { exec: createExec(), logger }
      );
      expect(router.type).toBe('command');
      await router.setWeight(25);
      expect(readFileSync(file, 'utf8')).toBe('25 25\n');
      expect(await router.verifyWeight(25)).toBeUndefined();
      await router.reset();
      expect(readFileSync(file, 'utf8')).toBe('0 0\n');
      expect(logger.lines).toContain('info: set-weight-command: canary weight 25% (applied 25)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails on a non-zero exit or the time limit, not knowing whether traffic moved', async () => {
    const failing = createCommandRouter(
      { type: 'command', command: ['sh', '-c', 'echo "api said 503" >&2; exit 2'], timeoutMs: 5000 },
      { exec: createExec() }
    );
    const error = await failing.setWeight(10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrafficRouterError);
    expect((error as TrafficRouterError).trafficChanged).toBeUndefined();
    expect((error as Error).message).toBe(
      'set-weight-command failed for weight 10: `sh -c \'echo "api said 503" >&2; exit 2\'` exited with status 2: api said 503'
    );
    const slow = createCommandRouter(
      { type: 'command', command: ['sleep', '10'], timeoutMs: 200 },
      { exec: createExec() }
    );
    await expect(slow.setWeight(10)).rejects.toThrow(/was stopped after .* \(time limit\)/);
  });

  it('replaces every {weight}', () => {
    expect(commandForWeight(['curl', '-d', '{"canary": {weight}, "stable": "{weight}"}'], 7)).toEqual([
      'curl',
      '-d',
      '{"canary": 7, "stable": "7"}'
    ]);
  });
});
