/**
 * Running a program as a dependency: core logic (the traffic routers, the rollback's commands, the
 * alembic driver) takes an `Exec`, so it is tested with a fake and runs real programs in the
 * actions. Programs are spawned directly, never through a shell, with a time limit and their exit
 * status reported as data. Each program leads its own process group, so stopping it stops what it
 * started too; the groups running now are known, so a cancelled step can stop them before it ends
 * (and its post step any it left).
 *
 * Why not `@actions/exec` here: it never hands out the child process, so a program can neither
 * lead its own process group (`detached`) nor be signalled, which a time limit and a cancelled
 * step both need (docs/adrs/0006-actions-toolkit.md). Programs that need neither run on
 * `@actions/exec` (run-own-output.ts).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { formatDuration } from '../inputs/duration.ts';
import { redactCredentials } from '../redact.ts';
import { formatCommandLine } from './command-line.ts';

export interface ExecOptions {
  /** Variables added to the environment (see commandEnvironment). */
  env?: Record<string, string>;
  /** The program and everything it started are killed after this long. */
  timeoutMs: number;
  cwd?: string;
}

export interface ExecResult {
  /** The exit code, or null when the program was killed by a signal. */
  exitCode: number | null;
  signal: string | null;
  /** True when the time limit killed it. */
  timedOut: boolean;
  /** Output, cut to its last 64 KiB. */
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface Exec {
  /** Runs `argv[0]` with the other arguments. Rejects only when it cannot start (not found, not executable). */
  run(argv: readonly string[], options: ExecOptions): Promise<ExecResult>;
}

/** A program could not be started, or ended unsuccessfully where success was required. */
export class ExecError extends Error {
  override name = 'ExecError';
  constructor(
    message: string,
    readonly result?: ExecResult
  ) {
    super(message);
  }
}

/** A program could not be started; `reason` says why (`not found`, `not executable`, …). */
export class ExecStartError extends ExecError {
  override name = 'ExecStartError';
  constructor(
    command: string,
    readonly reason: string
  ) {
    super(`could not start \`${command}\`: ${reason}`);
  }
}

const OUTPUT_LIMIT = 64 * 1024;
/** Enough for the line that says why: a message that leaves the runner is no place for a whole output. */
const EXCERPT_LIMIT = 300;

/** True when the program exited with status 0 in time. */
export function succeeded(result: ExecResult): boolean {
  return result.exitCode === 0 && !result.timedOut;
}

/**
 * One line saying how a program ended, with a short excerpt of the last lines it printed (the
 * reason is often the line before the last: `nginx: [emerg] unknown directive …` before `… test
 * failed`). The message travels to logs, reports and, in a rollback, off the runner, so neither
 * the command line nor the excerpt keeps a credential shape (`Bearer …`, URL user info,
 * `password=…`): see redactCredentials.
 */
export function describeExecResult(argv: readonly string[], result: ExecResult): string {
  const how = result.timedOut
    ? `was stopped after ${formatDuration(result.durationMs)} (time limit)`
    : result.exitCode !== null
      ? `exited with status ${result.exitCode}`
      : `was killed by ${result.signal ?? 'a signal'}`;
  const said = excerpt(result.stderr) || excerpt(result.stdout);
  return `\`${redactCredentials(formatCommandLine(argv))}\` ${how}${said ? `: ${said}` : ''}`;
}

/** The last lines of an output, redacted, joined and cut to their last 300 characters. */
function excerpt(text: string, count = 3): string {
  // Redacted before the cut: a cut through `Bearer …` would leave a token no shape recognises.
  const joined = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(-count)
    .map(redactCredentials)
    .join(' / ');
  return joined.length > EXCERPT_LIMIT ? `…${joined.slice(-EXCERPT_LIMIT)}` : joined;
}

/**
 * Variables the runner gives the action itself, never a `run:` step: the action's inputs (tokens,
 * database URLs), the state main saved for post, and the runtime's service credentials.
 */
const ACTION_ONLY =
  /^(?:INPUT_|STATE_|ACTIONS_RUNTIME_TOKEN$|ACTIONS_RUNTIME_URL$|ACTIONS_RESULTS_URL$|ACTIONS_CACHE_URL$)/i;

/**
 * The environment a user's program gets: the action's own without what only the action may see
 * (ACTION_ONLY). That is what a `run:` step of the same job sees: PATH, HOME, the GITHUB_* and
 * RUNNER_* context and the job's and step's `env:`; each program adds the variables the contract
 * documents for it (CANARY_WEIGHT, ROLLBACK_VERSION …).
 */
export function commandEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !ACTION_ONLY.test(name)) kept[name] = value;
  }
  return kept;
}

/**
 * A program's process group, as recorded for a later step: the group id (the leader's pid) and
 * the leader's start time where the system tells it (Linux), so a group id the system has since
 * given to another program is never signalled.
 */
export interface ProcessGroup {
  id: number;
  leaderStartedAt?: string;
}

/** The real Exec: it also knows the process groups running now and can stop them. */
export interface ProcessExec extends Exec {
  /** The groups of the programs running now, in start order. */
  running(): ProcessGroup[];
  /**
   * Stops every running program with what it started (stopProcessGroups) and refuses to start
   * more: for a step that is being cancelled.
   */
  stopAll(): Promise<void>;
}

export interface CreateExecOptions {
  /** The environment programs start from (default process.env), filtered by commandEnvironment. */
  env?: NodeJS.ProcessEnv;
  /** Called whenever a program starts or ends, with the groups running now. */
  onRunningChange?: (groups: ProcessGroup[]) => void;
}

/**
 * The real Exec on node:child_process. Each program leads its own process group so the time limit
 * kills what it started too (a reload script that forks, `sh -c` pipelines).
 */
export function createExec(options: CreateExecOptions = {}): ProcessExec {
  const baseEnv = commandEnvironment(options.env ?? process.env);
  const groups = new Map<number, ProcessGroup>();
  let stopping = false;
  const changed = () => options.onRunningChange?.([...groups.values()]);
  return {
    running: () => [...groups.values()],
    async stopAll() {
      stopping = true;
      await stopProcessGroups([...groups.values()]);
    },
    run(argv, runOptions) {
      // Loaded on first use: most runs of an action never start a program.
      const { spawn } = process.getBuiltinModule('node:child_process');
      const [command, ...args] = argv;
      if (command === undefined || command === '') return Promise.reject(new ExecError('empty command'));
      if (stopping) {
        return Promise.reject(new ExecError(`not started \`${command}\`: the step is being stopped`));
      }
      const started = performance.now();
      return new Promise<ExecResult>((resolve, reject) => {
        const child = spawn(command, args, {
          cwd: runOptions.cwd,
          env: { ...baseEnv, ...runOptions.env },
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe']
        });
        const group = child.pid;
        if (group !== undefined) {
          const startedAt = processStartTime(group);
          groups.set(
            group,
            startedAt === undefined ? { id: group } : { id: group, leaderStartedAt: startedAt }
          );
          changed();
        }
        const forget = () => {
          if (group !== undefined && groups.delete(group)) changed();
        };
        let stdout = '';
        let stderr = '';
        const keep = (text: string, chunk: Buffer) => {
          const joined = text + chunk.toString('utf8');
          return joined.length > OUTPUT_LIMIT ? joined.slice(-OUTPUT_LIMIT) : joined;
        };
        child.stdout.on('data', (chunk: Buffer) => (stdout = keep(stdout, chunk)));
        child.stderr.on('data', (chunk: Buffer) => (stderr = keep(stderr, chunk)));
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          if (group === undefined) return;
          signalGroup(group, 'SIGTERM');
          // A program that ignores SIGTERM gets SIGKILL a moment later.
          setTimeout(() => signalGroup(group, 'SIGKILL'), 2000).unref();
        }, runOptions.timeoutMs);
        child.once('error', (error: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          forget();
          const why =
            error.code === 'ENOENT'
              ? 'not found'
              : error.code === 'EACCES'
                ? 'not executable'
                : error.message;
          reject(new ExecStartError(command, why));
        });
        child.once('close', (exitCode, signal) => {
          clearTimeout(timer);
          forget();
          resolve({
            exitCode,
            signal,
            timedOut,
            stdout,
            stderr,
            durationMs: performance.now() - started
          });
        });
      });
    }
  };
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // already gone
  }
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function procStat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The process's start time in clock ticks after boot (Linux); undefined elsewhere or when it is gone. */
function processStartTime(pid: number): string | undefined {
  // Field 22 of stat; the list starts at field 3 (the state).
  return procStat(pid)?.[19];
}

const hasProc = () => existsSync('/proc/self/stat');

/**
 * Whether a process of the group still runs. On Linux a member that has exited but is not yet
 * reaped (a zombie) does not count: it can do nothing more, and an orphan's reaper may be slow.
 */
function groupRunning(group: number): boolean {
  if (!hasProc()) {
    try {
      process.kill(-group, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  return readdirSync('/proc').some((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    const stat = procStat(Number(entry));
    return stat !== undefined && Number(stat[2]) === group && stat[0] !== 'Z' && stat[0] !== 'X';
  });
}

/**
 * Whether the group is still the one recorded. Linux gives no new process an id still in use as a
 * group id, so a running group whose leader is gone is the same group; a live leader must have
 * the recorded start time.
 */
function sameGroup(group: ProcessGroup): boolean {
  if (group.leaderStartedAt === undefined) return true;
  const startedAt = processStartTime(group.id);
  return startedAt === undefined || startedAt === group.leaderStartedAt;
}

/**
 * Stops process groups and waits until they are gone: SIGTERM, then SIGKILL to what is still
 * running after `graceMs`. Skips groups no longer running and group ids now used by another
 * program. Resolves with the groups that were running and those still running at the end (which
 * the system did not let this process stop).
 */
export async function stopProcessGroups(
  groups: readonly ProcessGroup[],
  graceMs = 1000
): Promise<{ stopped: number[]; survivors: number[] }> {
  const targets = groups.filter((group) => sameGroup(group) && groupRunning(group.id)).map((g) => g.id);
  const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
  const waitUntil = async (deadline: number) => {
    while (targets.some(groupRunning) && performance.now() < deadline) await pause();
  };
  for (const id of targets) signalGroup(id, 'SIGTERM');
  await waitUntil(performance.now() + graceMs);
  for (const id of targets.filter(groupRunning)) signalGroup(id, 'SIGKILL');
  await waitUntil(performance.now() + 2000);
  return { stopped: targets, survivors: targets.filter(groupRunning) };
}
