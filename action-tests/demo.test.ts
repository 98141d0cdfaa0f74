/**
 * `npm run demo` both ways, as a user runs it (scripts/demo.mjs, setup skipped: the suite's own
 * setup ran): the production stage (deploy-stage.yml) and rollback.yml run by the rehearsal
 * engine, the exit code, the verdicts on the terminal, every job summary in the Markdown file
 * under its stage, no secret anywhere, and no process left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './run-action.ts';
import { isAlive } from './services/index.ts';

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  markdown: string;
  seconds: number;
}

/** Where the demo's services live: the test points TMPDIR here, so it can look for leftovers. */
let temp: string;

beforeAll(() => {
  temp = mkdtempSync(path.join(os.tmpdir(), 'demo-test-'));
  // PostgreSQL runs as the postgres user and nginx workers as nobody: they must enter it.
  chmodSync(temp, 0o755);
});

afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

function runDemo(args: string[], out: string): Promise<DemoRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'scripts', 'demo.mjs'), '--skip-setup', '--out', out, ...args],
      {
        cwd: repoRoot,
        env: { ...process.env, TMPDIR: temp, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe']
      }
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // The demo promises to end within three minutes; past that it is stopped like Ctrl-C would.
    const timer = setTimeout(() => child.kill('SIGINT'), 180_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout,
        stderr,
        markdown: existsSync(out) ? readFileSync(out, 'utf8') : '',
        seconds: (performance.now() - started) / 1000
      });
    });
  });
}

/** The PIDs the demo reports on its `processes stopped:` line. */
function reportedProcesses(stdout: string): { name: string; pid: number }[] {
  const line = /^processes stopped: (.*)$/m.exec(stdout)?.[1] ?? '';
  return line
    .split('; ')
    .filter(Boolean)
    .map((entry) => {
      const at = entry.lastIndexOf('=');
      return { name: entry.slice(0, at), pid: Number(entry.slice(at + 1)) };
    });
}

/** Processes whose command line mentions the directory (a service left running there). */
function processesMentioning(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (command.includes(dir)) found.push(`${entry}: ${command}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function expectCleanEnd(run: DemoRun, names: string[]) {
  const processes = reportedProcesses(run.stdout);
  expect(processes.map((p) => p.name).sort()).toEqual([...names].sort());
  for (const { name, pid } of processes) expect([name, pid, isAlive(pid)]).toEqual([name, pid, false]);
  expect(processesMentioning(temp)).toEqual([]);
  // The demo's own directory (and every service directory in it) is gone.
  expect(readdirSync(temp).filter((entry) => entry.startsWith('deploy-actions-'))).toEqual([]);
}

/** The fake's tokens (ghs_fake + 32 hex) and the webhook's secret path must show nowhere. */
function expectNoSecrets(run: DemoRun) {
  for (const text of [run.stdout, run.stderr, run.markdown]) {
    expect(text).not.toMatch(/ghs_fake[0-9a-f]{8,}/);
    expect(text).not.toMatch(/\/hooks\/demo-[0-9a-f]+/);
  }
}

/** What the production world started: the staging app runs v1 on a stable track of its own. */
const WORLD = ['postgres', 'redis', 'nginx', 'prometheus', 'app 1.0.0 (stable)', 'app 1.0.0 (stable)'];

/** Each heading is in the Markdown file, in this order. */
function expectInOrder(markdown: string, headings: string[]): void {
  const positions = headings.map((heading) => markdown.indexOf(heading));
  expect(headings.filter((_heading, i) => positions[i]! < 0)).toEqual([]);
  expect([...positions].sort((a, b) => a - b)).toEqual(positions);
}

describe('npm run demo', () => {
  it('promotes the healthy canary through 10, 50 and 100%', async () => {
    const out = path.join(temp, 'normal.md');
    const run = await runDemo([], out);
    expect({ code: run.code, stderr: run.stderr, end: run.stdout.slice(-3000) }).toMatchObject({ code: 0 });
    expect(run.seconds).toBeLessThan(180);

    expect(run.stdout).toContain('Rehearsal of .github/workflows/deploy-stage.yml (workflow_call): success');
    expect(run.stdout).toMatch(/━━━ 2\/2 deploy-stage · promoted to 100%, v2\.0\.0 live ✔/);
    expect(run.stdout).toMatch(/✔ deploy \(production\) {2}success/);
    expect(run.stdout).toContain('production runs v2.0.0 on the stable track, no canary');
    // The business metric: users' items were saved by the canary, and canary-step held it to that.
    expect(run.stdout).toMatch(/v2\.0\.0 \d+ \(0 errors, [1-9]\d* items created\)/);
    expect(run.markdown).toMatch(/extra checks: items-created (>|&gt;) 0/);
    expect(run.stdout).toContain('✅ Demo complete');
    expect(run.stdout).toMatch(/Elapsed: \d+\.\d s/);
    // Rendered for a terminal: no Markdown table syntax, no HTML.
    expect(run.stdout).not.toMatch(/^\| .* \|$/m);
    expect(run.stdout).not.toMatch(/<\/?(details|summary|br)>/);

    // The production stage's job summaries, in order, under its header.
    const headings = [
      '## 1. production: v1.0.0 live',
      '## 2. deploy-stage: promoted to 100%, v2.0.0 live',
      '## ✅ preflight-validate',
      '## ✅ migrate-dry-run: passed',
      '## ✅ health-gate: healthy',
      '## ✅ canary-step: promote at 100%',
      // The final gate, on production, records the deploy.
      'Deploy record ✅',
      '## Recap'
    ];
    expectInOrder(run.markdown, headings);
    expectNoSecrets(run);
    expectCleanEnd(run, [...WORLD, 'app 2.0.0 (canary)', 'app 2.0.0 (stable)']);
  }, 240_000);

  it('--bad-canary: canary-step rolls the canary back, then rollback.yml restores v1 from its deploy record', async () => {
    const out = path.join(temp, 'bad.md');
    const run = await runDemo(['--bad-canary'], out);
    expect({ code: run.code, stderr: run.stderr, end: run.stdout.slice(-3000) }).toMatchObject({ code: 0 });
    expect(run.seconds).toBeLessThan(180);

    // The bad canary passes its health gate: only user traffic shows its errors.
    expect(run.stdout).toContain('migrate-dry-run: success, health-gate on the canary: success');
    expect(run.stdout).toMatch(/━━━ 2\/3 deploy-stage · canary rolled back \(weight now 0\) ✔/);
    expect(run.stdout).toContain('Rehearsal of .github/workflows/rollback.yml (workflow_dispatch): success');
    expect(run.stdout).toMatch(/━━━ 3\/3 rollback · back on v1\.0\.0, success ✔/);
    expect(run.stdout).toContain('webhook received 1 notification');
    expect(run.stdout).toContain('error rate back at the baseline');
    expect(run.stdout).toMatch(/incident issue #\d+ "Rollback of production/);
    expect(run.stdout).toContain('✅ Demo complete');

    const headings = [
      '## 2. deploy-stage: canary rolled back (weight now 0)',
      '## ✅ health-gate: healthy',
      '## ❌ canary-step: rollback at',
      '## 3. rollback: back on v1.0.0, success',
      '## ⏪ rollback of production: done',
      '## Recap'
    ];
    expectInOrder(run.markdown, headings);
    expectNoSecrets(run);
    expectCleanEnd(run, [...WORLD, 'app 2.0.0 (canary)']);
  }, 240_000);

  it('refuses an unknown argument before starting anything', async () => {
    const run = await runDemo(['--bogus'], path.join(temp, 'never.md'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('demo: unknown argument "--bogus"');
    expect(run.stderr).toContain('Usage: npm run demo');
    expect(run.markdown).toBe('');
    expect(readdirSync(temp).filter((entry) => entry.startsWith('deploy-actions-'))).toEqual([]);
  });
});
