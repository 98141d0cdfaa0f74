/**
 * Running a program as a dependency: core logic (the traffic routers) takes an `Exec`, so it is
 * tested with a fake and runs real programs in the actions. Programs are spawned directly, never
 * through a shell, with a time limit and their exit status reported as data.
 */
import { formatDuration } from '../inputs/duration.ts';
import { redactCredentials } from '../redact.ts';
import { formatCommandLine } from './command-line.ts';

export interface ExecOptions {
  /** Variables added to the inherited environment. */
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
 * The real Exec on node:child_process. Each program leads its own process group so the time limit
 * kills what it started too (a reload script that forks, `sh -c` pipelines).
 */
export function createExec(baseEnv: NodeJS.ProcessEnv = process.env): Exec {
  return {
    run(argv, options) {
      // Loaded on first use: most runs of an action never start a program.
      const { spawn } = process.getBuiltinModule('node:child_process');
      const [command, ...args] = argv;
      if (command === undefined || command === '') return Promise.reject(new ExecError('empty command'));
      const started = performance.now();
      return new Promise<ExecResult>((resolve, reject) => {
        const child = spawn(command, args, {
          cwd: options.cwd,
          env: { ...baseEnv, ...options.env },
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe']
        });
        let stdout = '';
        let stderr = '';
        const keep = (text: string, chunk: Buffer) => {
          const joined = text + chunk.toString('utf8');
          return joined.length > OUTPUT_LIMIT ? joined.slice(-OUTPUT_LIMIT) : joined;
        };
        child.stdout.on('data', (chunk: Buffer) => (stdout = keep(stdout, chunk)));
        child.stderr.on('data', (chunk: Buffer) => (stderr = keep(stderr, chunk)));
        let timedOut = false;
        const kill = (signal: NodeJS.Signals) => {
          try {
            if (child.pid !== undefined) process.kill(-child.pid, signal);
          } catch {
            // already gone
          }
        };
        const timer = setTimeout(() => {
          timedOut = true;
          kill('SIGTERM');
          // A program that ignores SIGTERM gets SIGKILL a moment later.
          setTimeout(() => kill('SIGKILL'), 2000).unref();
        }, options.timeoutMs);
        child.once('error', (error: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          const why =
            error.code === 'ENOENT'
              ? 'not found'
              : error.code === 'EACCES'
                ? 'not executable'
                : error.message;
          reject(new ExecError(`could not start \`${command}\`: ${why}`));
        });
        child.once('close', (exitCode, signal) => {
          clearTimeout(timer);
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
