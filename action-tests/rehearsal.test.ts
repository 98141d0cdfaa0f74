/**
 * The pipeline's scenarios, each run as `npm run rehearse -- --scenario NAME` runs it: the real
 * workflow files (pipeline.yml, deploy-stage.yml, rollback.yml) executed against the production
 * world on this machine. A scenario checks what it means itself and exits non-zero with one line
 * per miss; this test also checks that nothing it started is left running.
 */
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { node24, repoRoot } from './run-action.ts';

interface CliRun {
  code: number | null;
  output: string;
  seconds: number;
}

function rehearseScenario(name: string, timeoutMs: number): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(node24, [path.join(repoRoot, 'rehearsal', 'main.ts'), '--scenario', name], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe']
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    // SIGINT first: the CLI cancels the rehearsal and stops the world by PID.
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        output: Buffer.concat(chunks).toString('utf8'),
        seconds: (Date.now() - started) / 1000
      });
    });
  });
}

/** The lines that say what went wrong: the scenario's misses and the failed steps. */
const misses = (output: string) =>
  output
    .split('\n')
    .filter((line) => /✖|■ failure|refused|Error:/.test(line))
    .slice(0, 40)
    .join('\n');

describe('npm run rehearse: the pipeline as adopters call it', () => {
  it.each([
    ['release', 20 * 60_000],
    ['manual-rollback', 5 * 60_000],
    // deploy.yml's own staging watch is 5 minutes.
    ['deploy-staging', 15 * 60_000],
    ['cancelled-canary', 15 * 60_000]
  ])(
    'scenario %s passes',
    async (name, timeoutMs) => {
      const run = await rehearseScenario(name, timeoutMs);
      // The whole run, to read after a failure (npm test keeps .tmp/).
      mkdirSync(path.join(repoRoot, '.tmp'), { recursive: true });
      writeFileSync(path.join(repoRoot, '.tmp', `rehearse-${name}.log`), run.output);
      process.stdout.write(`rehearse --scenario ${name}: exit ${run.code} in ${run.seconds.toFixed(0)} s\n`);
      // On a failure, the lines that say why (a bad release's own failing steps are meant and are
      // checked by the scenario, so they are shown only when the scenario failed).
      expect({ code: run.code, why: run.code === 0 ? '' : misses(run.output) }).toEqual({ code: 0, why: '' });
    },
    25 * 60_000
  );
});
