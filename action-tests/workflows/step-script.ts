// Runs a `run:` step of a workflow the way the runner does: its `env:` with the expressions
// resolved from given inputs and secrets, `bash --noprofile --norc -eo pipefail <file>`, and the
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY / GITHUB_ENV files read back afterwards.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAnnotations, type Annotation } from '../run-action.ts';
import { makeTempDir, removeDir } from '../services/index.ts';

type Json = Record<string, unknown>;

export interface StepRun {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  /** The `::error title=...::message` and `::warning::message` lines of stdout. */
  annotations: Annotation[];
}

/**
 * Resolves the `${{ }}` expressions of a step's env: `inputs.<name>` (given value, else the
 * workflow's default), `secrets.<NAME>`, `secrets.<NAME> != ''` and the `github.<path>` values
 * given. Anything else throws, so a test never runs a script with an expression it did not understand.
 */
export function resolveEnv(
  env: Json,
  workflowInputs: Record<string, { default?: unknown }>,
  values: {
    inputs?: Record<string, string | number | boolean>;
    secrets?: Record<string, string>;
    github?: Record<string, string>;
  }
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, raw] of Object.entries(env)) {
    resolved[name] = String(raw).replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
      let match = /^inputs\.([\w-]+)$/.exec(expression);
      if (match) {
        const input = match[1] as string;
        if (!(input in workflowInputs)) throw new Error(`inputs.${input} is not an input of the workflow`);
        return String(values.inputs?.[input] ?? workflowInputs[input]?.default ?? '');
      }
      match = /^secrets\.([\w-]+)( != '')?$/.exec(expression);
      if (match) {
        const secret = values.secrets?.[match[1] as string] ?? '';
        return match[2] ? String(secret !== '') : secret;
      }
      match = /^github\.([\w.]+)$/.exec(expression);
      if (match && values.github?.[match[1] as string] !== undefined)
        return values.github[match[1] as string]!;
      throw new Error(`cannot resolve \${{ ${expression} }} in env ${name}`);
    });
  }
  return resolved;
}

/** Runs one step's script with the given environment (plus the GITHUB_* files). */
export async function runStepScript(
  script: string,
  env: Record<string, string>,
  timeoutMs = 60_000
): Promise<StepRun> {
  const dir = makeTempDir('step');
  try {
    const file = path.join(dir, 'step.sh');
    const output = path.join(dir, 'output');
    const summary = path.join(dir, 'summary');
    for (const name of [output, summary, path.join(dir, 'env')]) writeFileSync(name, '');
    writeFileSync(file, script);
    const result = await runBash(
      file,
      {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? dir,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: summary,
        GITHUB_ENV: path.join(dir, 'env'),
        ...env
      },
      timeoutMs
    );
    const outputs: Record<string, string> = {};
    for (const line of readFileSync(output, 'utf8').split('\n')) {
      const at = line.indexOf('=');
      if (at > 0) outputs[line.slice(0, at)] = line.slice(at + 1);
    }
    return {
      code: result.code,
      stdout: result.stdout,
      stderr: result.stderr,
      outputs,
      summary: readFileSync(summary, 'utf8'),
      annotations: parseAnnotations(result.stdout)
    };
  } finally {
    removeDir(dir);
  }
}

/**
 * `bash --noprofile --norc -eo pipefail <file>` with no stdin (a script that exits at once must not
 * race a write to its stdin), killed with its process group after timeoutMs.
 */
function runBash(
  file: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8')
      });
    });
  });
}
