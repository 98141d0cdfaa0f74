/**
 * One step of a job, the way the runner runs it: `if:` (with the step-level status functions),
 * `env:` layered over the job's, `continue-on-error`, `timeout-minutes`, fresh GITHUB_OUTPUT /
 * GITHUB_ENV / GITHUB_PATH / GITHUB_STEP_SUMMARY files read back afterwards. `run:` goes to bash
 * (or sh), `uses:` to this repository's action (through its action.yml) or to the world's
 * stand-in for a third-party action. Post steps of this repository's actions run at job end.
 */
import { isBasicExpression } from '@actions/workflow-parser';
import type { MappingToken, TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CommandReader, parseFileCommands, parsePathFile, RefusedCommand } from './commands.ts';
import { errorMessage, refuse, RehearsalError } from './errors.ts';
import {
  asText,
  conditionHolds,
  evaluateCondition,
  evaluateText,
  evaluateToken,
  isTruthy,
  type Scope
} from './expressions.ts';
import { jobLog, stepScope, type JobRuntime } from './job-runtime.ts';
import { prepareOurAction, resolveOurAction } from './our-action.ts';
import { runProcess, type ProcessRun } from './process.ts';
import { node24, runnerEnv } from './run-context.ts';
import type { StandIn, StepContext } from './stand-in.ts';
import { child, entries, literalText, refuseUnknownKeys } from './tokens.ts';
import type { Outcome, StepResult } from './types.ts';

/** GitHub's cancel-timeout-minutes default: time left to steps that run after a cancellation. */
const CANCEL_TIMEOUT_MS = 5 * 60_000;

const STEP_KEYS = [
  'id',
  'name',
  'if',
  'run',
  'uses',
  'with',
  'env',
  'shell',
  'working-directory',
  'continue-on-error',
  'timeout-minutes'
] as const;

/** GitHub's shells on Linux: unspecified is `bash -e`, an explicit `bash` adds pipefail. */
const SHELLS: Record<string, (script: string) => [string, string[]]> = {
  '': (script) => ['bash', ['-e', script]],
  bash: (script) => ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', script]],
  sh: (script) => ['sh', ['-e', script]]
};

/** The files a step writes to talk to the runner. */
interface StepFiles {
  GITHUB_OUTPUT: string;
  GITHUB_ENV: string;
  GITHUB_PATH: string;
  GITHUB_STEP_SUMMARY: string;
  GITHUB_STATE: string;
}

function createStepFiles(rt: JobRuntime, index: string): StepFiles {
  const dir = path.join(rt.runnerTemp, '_runner_file_commands', index);
  mkdirSync(dir, { recursive: true });
  const files: StepFiles = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_ENV: path.join(dir, 'env'),
    GITHUB_PATH: path.join(dir, 'path'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'),
    GITHUB_STATE: path.join(dir, 'state')
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  return files;
}

/** What a step produced besides its exit: read from its files (or a stand-in's calls). */
interface StepEffects {
  outputs: Record<string, string>;
  env: Record<string, string>;
  path: string[];
  summary: string;
}

function readStepFiles(files: StepFiles): StepEffects {
  return {
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8'), 'GITHUB_OUTPUT'),
    env: parseFileCommands(readFileSync(files.GITHUB_ENV, 'utf8'), 'GITHUB_ENV'),
    path: parsePathFile(readFileSync(files.GITHUB_PATH, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  };
}

/** Applies a step's effects on the job: env and PATH for later steps, its summary. */
function applyEffects(rt: JobRuntime, effects: StepEffects): void {
  for (const [name, value] of Object.entries(effects.env)) {
    if (name === 'NODE_OPTIONS')
      throw new Error('GITHUB_ENV cannot set NODE_OPTIONS (the runner refuses it)');
    rt.env[name] = value;
  }
  rt.extraPath.unshift(...effects.path);
  if (effects.summary.trim() !== '') rt.result.summaries.push(effects.summary);
}

/** The environment a step's process gets: base, runner variables, env context, step env, files. */
function processEnv(
  rt: JobRuntime,
  stepEnv: Record<string, string>,
  files: StepFiles
): Record<string, string> {
  const run = rt.run;
  const env: Record<string, string> = {
    ...run.baseEnv,
    ...runnerEnv(run, rt.jobKey, rt.workspace, rt.runnerTemp),
    ...rt.env,
    ...stepEnv,
    ...files
  };
  env.PATH = [...run.world.toolsPath(run.runDir), ...rt.extraPath, run.baseEnv.PATH ?? '/usr/bin:/bin'].join(
    path.delimiter
  );
  return env;
}

function numberOf(file: string, token: TemplateToken, scope: Scope, what: string): number {
  const value = Number(evaluateToken(token, scope));
  if (!Number.isFinite(value) || value <= 0) throw refuse(file, token, `${what} must be a positive number`);
  return value;
}

function textOf(step: MappingToken, key: string, scope: Scope): string | undefined {
  const token = child(step, key);
  return token ? evaluateText(token, scope) : undefined;
}

/** The name GitHub shows: `name:`, else `Run <first line>` or `Run <uses>`. */
function displayName(step: MappingToken, scope: Scope): string {
  const name = child(step, 'name');
  if (name) {
    try {
      return evaluateText(name, scope);
    } catch (error) {
      if (error instanceof RehearsalError) throw error;
    }
  }
  const run = child(step, 'run');
  if (run) {
    const text = isBasicExpression(run) ? (run.source ?? run.expression) : run.toString();
    return `Run ${(text.split('\n').find((l) => l.trim() !== '') ?? '').trim()}`.trim();
  }
  return `Run ${child(step, 'uses')?.toString() ?? 'step'}`;
}

function remainingMs(rt: JobRuntime, stepTimeoutMs: number): number {
  return Math.max(0, Math.min(stepTimeoutMs, rt.deadline - Date.now()));
}

async function runScript(
  rt: JobRuntime,
  step: MappingToken,
  name: string,
  scope: Scope,
  env: Record<string, string>,
  timeoutMs: number
): Promise<{ ok: boolean; why?: string }> {
  const runToken = child(step, 'run') as TemplateToken;
  const script = evaluateText(runToken, scope);
  const shellToken = child(step, 'shell');
  const shell = shellToken ? evaluateText(shellToken, scope) : (rt.defaults.shell ?? '');
  const command = SHELLS[shell];
  if (!command) {
    throw refuse(rt.file, shellToken ?? runToken, `the rehearsal runs shell bash or sh, not '${shell}'`);
  }
  const directory = textOf(step, 'working-directory', scope) ?? rt.defaults.workingDirectory ?? '';
  const cwd = path.resolve(rt.workspace, directory);
  if (!existsSync(cwd)) return { ok: false, why: `working-directory ${directory} does not exist` };
  const scriptFile = path.join(rt.runnerTemp, `${globalThis.crypto.randomUUID()}.sh`);
  writeFileSync(scriptFile, script);
  const [program, args] = command(scriptFile);
  const reader = new CommandReader(rt.run.masker, (line) => jobLog(rt, name, line));
  const result = await runJobProcess(rt, program, args, { env, cwd, timeoutMs, reader });
  rt.result.annotations.push(...reader.annotations);
  return exitOutcome(result);
}

/** runProcess, with its process group recorded for the job's orphan cleanup. */
async function runJobProcess(
  rt: JobRuntime,
  command: string,
  args: string[],
  options: Omit<Parameters<typeof runProcess>[2], 'onStart'>
): Promise<ProcessRun> {
  let group: number | undefined;
  try {
    return await runProcess(command, args, {
      ...options,
      onStart: (pid) => {
        group = pid;
        rt.runningGroup = pid;
        rt.processGroups.push(pid);
        rt.run.processGroups.add(pid);
      }
    });
  } finally {
    rt.runningGroup = undefined;
    if (group !== undefined) rt.run.processGroups.delete(group);
  }
}

/** A process's end as a step's: exit code 0 passes; a timeout or another code fails. */
function exitOutcome(result: ProcessRun): { ok: boolean; why?: string } {
  if (result.timedOut) return { ok: false, why: 'timed out' };
  if (result.exitCode === null) return { ok: false, why: 'killed' };
  return result.exitCode === 0 ? { ok: true } : { ok: false, why: `exit code ${result.exitCode}` };
}

/** A stand-in's promise, failed when `timeoutMs` passes first. */
async function withinTime(work: Promise<void>, timeoutMs: number): Promise<{ ok: boolean; why?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>(
    (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))
  );
  try {
    const finished = await Promise.race([work.then(() => 'done' as const), timeout]);
    return finished === 'timeout' ? { ok: false, why: 'timed out' } : { ok: true };
  } catch (error) {
    return { ok: false, why: errorMessage(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a stand-in through the StepContext interface; its effects land where the files' would. */
async function runStandIn(
  rt: JobRuntime,
  step: MappingToken,
  name: string,
  uses: string,
  scope: Scope,
  env: Record<string, string>,
  timeoutMs: number,
  effects: StepEffects
): Promise<{ ok: boolean; why?: string }> {
  const usesToken = child(step, 'uses') as TemplateToken;
  const target = uses.replace(/@.*$/, '');
  const standIn = rt.run.world.standIns.find((s) => s.uses === target);
  if (!standIn) {
    throw refuse(
      rt.file,
      usesToken,
      `no stand-in for ${uses}; the rehearsal declares stand-ins in rehearsal/world/stand-ins.ts`
    );
  }
  const inputs: Record<string, string> = {};
  const withToken = child(step, 'with');
  for (const entry of withToken ? entries(withToken as MappingToken) : []) {
    if (!standIn.inputs.includes(entry.key)) {
      throw refuse(
        rt.file,
        entry.keyToken,
        `the stand-in for ${target} does not honour '${entry.key}' (it honours: ${standIn.inputs.join(', ') || 'none'})`
      );
    }
    inputs[entry.key] = evaluateText(entry.value, scope);
  }
  jobLog(rt, name, `stand-in: ${standIn.description}`);
  const contextFor = (logName: string, sink: StepEffects): StepContext => ({
    inputs,
    env,
    workspace: rt.workspace,
    runnerTemp: rt.runnerTemp,
    runDir: rt.run.runDir,
    setOutput: (key, value) => void (sink.outputs[key] = value),
    exportVariable: (key, value) => void (sink.env[key] = value),
    addPath: (dir) => void sink.path.unshift(dir),
    appendSummary: (markdown) => void (sink.summary += markdown),
    log: (line) => jobLog(rt, logName, line)
  });
  // A stand-in for an action with a post step (actions/cache saves at the end of a successful
  // job) has `post`, run with the same inputs, like the real action's post-if: success().
  const post = (standIn as StandIn & { post?: (step: StepContext) => Promise<void> }).post;
  if (post) {
    const postName = `Post ${name}`;
    rt.posts.push({
      name: postName,
      condition: 'success()',
      run: async (postTimeoutMs) => {
        const postEffects: StepEffects = { outputs: {}, env: {}, path: [], summary: '' };
        const outcome = await withinTime(
          post.call(standIn, contextFor(postName, postEffects)),
          postTimeoutMs
        );
        applyEffects(rt, postEffects);
        return outcome;
      }
    });
  }
  return withinTime(standIn.run(contextFor(name, effects)), timeoutMs);
}

async function runOurAction(
  rt: JobRuntime,
  step: MappingToken,
  stepId: string,
  name: string,
  actionName: string,
  scope: Scope,
  env: Record<string, string>,
  files: StepFiles,
  timeoutMs: number
): Promise<{ ok: boolean; why?: string }> {
  const usesToken = child(step, 'uses') as TemplateToken;
  const action = prepareOurAction(
    rt,
    actionName,
    usesToken,
    child(step, 'with') as MappingToken | undefined,
    scope
  );
  const actionEnv = {
    ...env,
    ...action.inputEnv,
    GITHUB_ACTION: stepId,
    GITHUB_ACTION_PATH: action.dir,
    GITHUB_ACTION_REPOSITORY: rt.run.actionRepository
  };
  const reader = new CommandReader(rt.run.masker, (line) => jobLog(rt, name, line));
  const result = await runJobProcess(rt, node24, [action.main], {
    env: actionEnv,
    cwd: rt.workspace,
    timeoutMs,
    reader
  });
  rt.result.annotations.push(...reader.annotations);
  if (action.post) {
    const state = parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8'), 'GITHUB_STATE');
    const stateEnv = Object.fromEntries(Object.entries(state).map(([key, value]) => [`STATE_${key}`, value]));
    const script = action.post;
    const postName = `Post ${name}`;
    rt.posts.push({
      name: postName,
      condition: action.postIf,
      run: async (postTimeoutMs) => {
        const postFiles = createStepFiles(rt, `post-${rt.posts.length}-${stepId}`);
        const postReader = new CommandReader(rt.run.masker, (line) => jobLog(rt, postName, line));
        const ran = await runJobProcess(rt, node24, [script], {
          env: { ...actionEnv, ...stateEnv, ...postFiles },
          cwd: rt.workspace,
          timeoutMs: postTimeoutMs,
          reader: postReader
        });
        rt.result.annotations.push(...postReader.annotations);
        applyEffects(rt, readStepFiles(postFiles));
        return exitOutcome(ran);
      }
    });
  }
  return exitOutcome(result);
}

function record(rt: JobRuntime, result: StepResult, id: string | undefined): void {
  rt.result.steps.push(result);
  if (id !== undefined) {
    rt.steps[id] = { outputs: result.outputs, outcome: result.outcome, conclusion: result.conclusion };
  }
  if (result.conclusion === 'failure') rt.failed = true;
}

/** Runs step number `index` (1-based) of the job. RehearsalErrors propagate: the run stops. */
export async function runStep(rt: JobRuntime, step: MappingToken, index: number): Promise<void> {
  refuseUnknownKeys(rt.file, step, STEP_KEYS, 'a step');
  const idToken = child(step, 'id');
  const id = idToken ? literalText(rt.file, idToken, 'a step id') : undefined;
  const started = Date.now();
  const scope = stepScope(rt);
  const name = displayName(step, scope);
  const base = { name, id: id ?? `__step${index}`, outputs: {}, durationMs: 0 };
  if (rt.run.cancelled || !evaluateCondition(child(step, 'if'), scope)) {
    record(rt, { ...base, outcome: 'skipped', conclusion: 'skipped' }, id);
    return;
  }
  jobLog(rt, name, '▶ start');
  const files = createStepFiles(rt, String(index));
  const effects: StepEffects = { outputs: {}, env: {}, path: [], summary: '' };
  let continueOnError = false;
  let outcome: { ok: boolean; why?: string };
  try {
    const coeToken = child(step, 'continue-on-error');
    continueOnError = coeToken ? isTruthy(evaluateToken(coeToken, scope)) : false;
    const timeoutToken = child(step, 'timeout-minutes');
    const stepTimeoutMs = timeoutToken
      ? numberOf(rt.file, timeoutToken, scope, 'timeout-minutes') * 60_000
      : Number.MAX_SAFE_INTEGER;
    const envToken = child(step, 'env');
    const stepEnv = Object.fromEntries(
      Object.entries((envToken ? evaluateToken(envToken, scope) : {}) as Record<string, unknown>).map(
        ([key, value]) => [key, asText(value)]
      )
    );
    const env = processEnv(rt, stepEnv, files);
    const inner: Scope = { ...scope, contexts: { ...scope.contexts, env: { ...rt.env, ...stepEnv } } };
    const timeoutMs = remainingMs(rt, stepTimeoutMs);
    const usesToken = child(step, 'uses');
    if (usesToken) {
      const uses = literalText(rt.file, usesToken, 'uses');
      const ours = resolveOurAction(rt.run, uses);
      outcome = ours
        ? await runOurAction(rt, step, base.id, name, ours, inner, env, files, timeoutMs)
        : await runStandIn(rt, step, name, uses, inner, env, timeoutMs, effects);
    } else if (child(step, 'with')) {
      throw refuse(rt.file, child(step, 'with'), "'with' belongs to a step that 'uses' an action");
    } else {
      outcome = await runScript(rt, step, name, inner, env, timeoutMs);
    }
    const fromFiles = readStepFiles(files);
    Object.assign(effects.outputs, fromFiles.outputs);
    Object.assign(effects.env, fromFiles.env);
    effects.path.unshift(...fromFiles.path);
    effects.summary += fromFiles.summary;
    applyEffects(rt, effects);
  } catch (error) {
    if (error instanceof RehearsalError) throw error;
    if (error instanceof RefusedCommand) throw refuse(rt.file, step, error.message);
    outcome = { ok: false, why: errorMessage(error) };
  }
  if (!rt.cancelled && Date.now() >= rt.deadline) {
    // The job ran out of time: it is cancelled, and steps that still run on cancellation
    // (always(), cancelled()) and the post steps get GitHub's cancel timeout.
    rt.cancelled = true;
    rt.cancelledBy = 'timeout';
    rt.deadline = Date.now() + CANCEL_TIMEOUT_MS;
    jobLog(rt, name, 'the job exceeded its timeout-minutes: it is cancelled');
  }
  const stepOutcome: Outcome = outcome.ok ? 'success' : 'failure';
  const conclusion: Outcome = outcome.ok || continueOnError ? 'success' : 'failure';
  const why = outcome.why === undefined ? undefined : rt.run.masker.mask(outcome.why);
  jobLog(
    rt,
    name,
    `■ ${stepOutcome}${why ? ` (${why})` : ''}${stepOutcome !== conclusion ? ', continue-on-error' : ''}`
  );
  record(
    rt,
    {
      ...base,
      outcome: stepOutcome,
      conclusion,
      outputs: effects.outputs,
      durationMs: Date.now() - started,
      error: why
    },
    id
  );
}

/** How long the runner waits after SIGINT before it sends SIGTERM to a cancelled step. */
const SIGTERM_AFTER_MS = 7_500;

/**
 * GitHub's cancellation of a running job: the step running now gets SIGINT (SIGTERM 7.5 s later
 * if it still runs), and from then on the job is cancelled: only steps whose `if:` holds on
 * cancellation and the post steps run, under the cancel timeout.
 */
export function cancelJob(rt: JobRuntime): void {
  if (rt.cancelled) return;
  rt.cancelled = true;
  rt.cancelledBy = 'cancel';
  rt.deadline = Date.now() + CANCEL_TIMEOUT_MS;
  jobLog(rt, 'job', 'the run was cancelled: the running step gets SIGINT');
  const group = rt.runningGroup;
  if (group === undefined) return;
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(group, name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  signal('SIGINT');
  setTimeout(() => {
    if (rt.runningGroup === group) signal('SIGTERM');
  }, SIGTERM_AFTER_MS).unref();
}

/** Runs the registered post steps, last registered first, each under its condition. */
export async function runPostSteps(rt: JobRuntime, graceMs: number): Promise<void> {
  for (const post of [...rt.posts].reverse()) {
    const started = Date.now();
    const base = { name: post.name, id: post.name, outputs: {}, post: true };
    if (rt.run.cancelled || !conditionHolds(post.condition, stepScope(rt), undefined)) {
      rt.result.steps.push({ ...base, outcome: 'skipped', conclusion: 'skipped', durationMs: 0 });
      continue;
    }
    let outcome: { ok: boolean; why?: string };
    try {
      outcome = await post.run(Math.max(graceMs, rt.deadline - Date.now()));
    } catch (error) {
      if (error instanceof RefusedCommand) throw new RehearsalError(`${post.name}: ${error.message}`);
      outcome = { ok: false, why: errorMessage(error) };
    }
    const result: Outcome = outcome.ok ? 'success' : 'failure';
    const why = outcome.why === undefined ? undefined : rt.run.masker.mask(outcome.why);
    jobLog(rt, post.name, `■ ${result}${why ? ` (${why})` : ''}`);
    rt.result.steps.push({
      ...base,
      outcome: result,
      conclusion: result,
      durationMs: Date.now() - started,
      error: why
    });
    if (!outcome.ok) rt.failed = true;
  }
}
