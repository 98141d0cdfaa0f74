/**
 * An action run the way an adopter debugs one on a laptop: GitHub's `@github/local-action` runs
 * health-gate's `src/main.ts` (through tsx) with the inputs of a dotenv file, standing in for
 * `@actions/core`, against a real HTTP service on loopback. It shows that `run()` takes no
 * arguments and that the action's outputs and summary reach local-action's own `@actions/core`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './run-action.ts';

const localAction = path.join(repoRoot, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js');

let server: Server;
let url: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'local-action-'));
  const answers: Record<string, unknown> = {
    '/health': { status: 'ok', version: '2.4.1', git_sha: 'a1b2c3d4e5f6', uptime_seconds: 12 },
    '/ready': { status: 'ok', checks: [] }
  };
  server = createServer((request, response) => {
    const body = answers[request.url ?? ''];
    response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? { status: 'error' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** One row of local-action's "Action Outputs" table (its last): `│ n │ 'name' │ 'value' │`. */
function outputRow(log: string, name: string): string | undefined {
  return log
    .slice(log.lastIndexOf('Action Outputs'))
    .match(new RegExp(`│\\s*\\d+\\s*│\\s*'${name}'\\s*│\\s*'([^']*)'`))?.[1];
}

describe('@github/local-action', () => {
  it('runs health-gate from its TypeScript source and shows its outputs', async () => {
    const summary = path.join(dir, 'summary.md');
    const dotenv = path.join(dir, '.env');
    writeFileSync(
      dotenv,
      [
        `INPUT_URL=${url}`,
        'INPUT_EXPECTED-VERSION=2.4.1',
        'INPUT_INTERVAL=200ms',
        'INPUT_LATENCY-SAMPLES=0',
        `GITHUB_STEP_SUMMARY=${summary}`
      ].join('\n')
    );
    // Not spawnSync: the service answers from this process's event loop.
    const child = spawn(
      process.execPath,
      [localAction, 'run', path.join('actions', 'health-gate'), 'src/main.ts', dotenv],
      {
        cwd: repoRoot,
        // What a developer's shell has; none of a runner's variables.
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000
      }
    );
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    if (status !== 0) expect(log).toBe('the log of a run that exits with status 0');
    expect(outputRow(log, 'healthy')).toBe('true');
    expect(outputRow(log, 'version')).toBe('2.4.1');
    expect(readFileSync(summary, 'utf8')).toContain('health-gate');
  });
});
