import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigurationError } from '../../src/errors.ts';
import type { Exec, ExecOptions, ExecResult } from '../../src/exec/exec.ts';
import { createNginxRouter, readUpstreamWeight, renderUpstream } from '../../src/providers/traffic/nginx.ts';
import { TrafficRouterError } from '../../src/providers/traffic/router.ts';
import type { NginxRouterSpec } from '../../src/providers/traffic/nginx.ts';

/** An Exec that records commands and answers from a table, reading the upstream file as nginx -t would. */
class FakeExec implements Exec {
  readonly calls: { argv: string[]; fileAtCall?: string }[] = [];
  constructor(
    private readonly file: string,
    private readonly answer: (argv: readonly string[]) => Partial<ExecResult> = () => ({})
  ) {}
  async run(argv: readonly string[], _options: ExecOptions): Promise<ExecResult> {
    this.calls.push({
      argv: [...argv],
      ...(existsSync(this.file) ? { fileAtCall: readFileSync(this.file, 'utf8') } : {})
    });
    return {
      exitCode: 0,
      signal: null,
      timedOut: false,
      stdout: '',
      stderr: '',
      durationMs: 1,
      ...this.answer(argv)
    };
  }
}

let dir: string;
let file: string;
let spec: NginxRouterSpec;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nginx-router-'));
  file = path.join(dir, 'upstream.conf');
  spec = {
    type: 'nginx',
    upstreamFile: file,
    upstreamName: 'backend',
    stableServer: '127.0.0.1:8001',
    canaryServer: '127.0.0.1:8002',
    testCommand: ['nginx', '-t'],
    reloadCommand: ['nginx', '-s', 'reload'],
    timeoutMs: 5000
  };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('renderUpstream / readUpstreamWeight', () => {
  it.each([0, 1, 10, 50, 99, 100])('weight %p round-trips', (weight) => {
    expect(readUpstreamWeight(renderUpstream(spec, weight))).toBe(weight);
  });

  it('writes weights that sum to 100 and marks a track without traffic down', () => {
    expect(renderUpstream(spec, 10)).toBe(
      [
        '# Written by canary-step: canary weight 10%. Every canary-step and rollback run rewrites this file.',
        'upstream backend {',
        '    server 127.0.0.1:8001 weight=90; # canary-step:stable',
        '    server 127.0.0.1:8002 weight=10; # canary-step:canary',
        '}',
        ''
      ].join('\n')
    );
    expect(renderUpstream(spec, 0)).toContain('server 127.0.0.1:8002 down; # canary-step:canary');
    expect(renderUpstream(spec, 100)).toContain('server 127.0.0.1:8001 down; # canary-step:stable');
  });

  it('does not read a file it did not write', () => {
    expect(readUpstreamWeight('upstream backend { server a:1; server b:2; }')).toBeUndefined();
  });
});

describe('the nginx router', () => {
  it('writes the file, tests, then reloads; verifies by reading it back', async () => {
    const exec = new FakeExec(file);
    const router = createNginxRouter(spec, { exec });
    await router.setWeight(10);
    expect(exec.calls.map((c) => c.argv.join(' '))).toEqual(['nginx -t', 'nginx -s reload']);
    // nginx -t already saw the new file.
    expect(readUpstreamWeight(exec.calls[0]!.fileAtCall!)).toBe(10);
    expect(await router.verifyWeight(10)).toBe(true);
    expect(await router.verifyWeight(50)).toBe(false);
    await router.reset();
    expect(await router.verifyWeight(0)).toBe(true);
    // No temporary file is left behind.
    expect(readFileSync(file, 'utf8')).toBe(renderUpstream(spec, 0));
  });

  it('restores the previous file and does not reload when nginx -t fails', async () => {
    const exec = new FakeExec(file, (argv) =>
      argv.includes('-t')
        ? {
            exitCode: 1,
            stderr:
              'nginx: [emerg] unknown directive "bogus" in /etc/nginx/nginx.conf:3\nnginx: configuration file /etc/nginx/nginx.conf test failed\n'
          }
        : {}
    );
    writeFileSync(file, renderUpstream(spec, 10));
    const router = createNginxRouter(spec, { exec });
    const error = await router.setWeight(50).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrafficRouterError);
    expect((error as TrafficRouterError).trafficChanged).toBe(false);
    expect((error as Error).message).toBe(
      'nginx configuration test failed: `nginx -t` exited with status 1: nginx: [emerg] unknown directive "bogus" in /etc/nginx/nginx.conf:3 / nginx: configuration file /etc/nginx/nginx.conf test failed. The previous upstream file was restored and nginx was not reloaded: traffic is unchanged.'
    );
    expect(exec.calls.map((c) => c.argv.join(' '))).toEqual(['nginx -t']);
    expect(readFileSync(file, 'utf8')).toBe(renderUpstream(spec, 10));
  });

  it('removes its file again when there was none before', async () => {
    const exec = new FakeExec(file, (argv) => (argv.includes('-t') ? { exitCode: 1 } : {}));
    await expect(createNginxRouter(spec, { exec }).setWeight(10)).rejects.toThrow(TrafficRouterError);
    expect(existsSync(file)).toBe(false);
  });

  it('restores the previous file when the reload fails', async () => {
    const exec = new FakeExec(file, (argv) =>
      argv.includes('reload')
        ? { exitCode: 1, stderr: 'nginx: [error] invalid PID number "" in "/run/nginx.pid"' }
        : {}
    );
    writeFileSync(file, renderUpstream(spec, 10));
    await expect(createNginxRouter(spec, { exec }).setWeight(50)).rejects.toThrow(
      /nginx reload failed: .*invalid PID number.*nginx still runs its previous configuration/
    );
    expect(readFileSync(file, 'utf8')).toBe(renderUpstream(spec, 10));
  });

  it('refuses, before changing anything, a missing directory or a file it would clobber', async () => {
    const exec = new FakeExec(file);
    await expect(
      createNginxRouter({ ...spec, upstreamFile: path.join(dir, 'nope', 'u.conf') }, { exec }).preflight!()
    ).rejects.toThrow(ConfigurationError);
    writeFileSync(file, 'server { listen 80; }\n');
    await expect(createNginxRouter(spec, { exec }).preflight!()).rejects.toThrow(
      /does not define `upstream backend`; refusing to overwrite it/
    );
    // A hand-written file defining the same upstream (the initial state) is fine.
    writeFileSync(file, 'upstream backend {\n  server 127.0.0.1:8001;\n}\n');
    await expect(createNginxRouter(spec, { exec }).preflight!()).resolves.toBeUndefined();
    expect(exec.calls).toEqual([]);
  });
});
