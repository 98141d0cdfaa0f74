/**
 * Runs one step's process (bash for `run:`, Node 24 for this repo's actions) in its own process
 * group, streaming stdout and stderr through the step's CommandReader, and kills the whole group
 * when the step's time is up, as the runner does.
 */
import { spawn } from 'node:child_process';
import type { CommandReader } from './commands.ts';

export interface ProcessRun {
  exitCode: number | null;
  timedOut: boolean;
  /** The process group to kill at job end (background children may still run in it). */
  pid: number | undefined;
}

/** Kills the process group; it may have ended on its own already. */
export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** How long output may still arrive after the step's process exited (its background children keep the pipes). */
const DRAIN_MS = 300;

/**
 * Runs a process in a new process group. The step ends when the process exits, as on the
 * runner: background children it left (`server &`) keep running in its group until the job ends
 * and the caller kills the group (`pid`), the runner's orphan cleanup.
 */
export function runProcess(
  command: string,
  args: string[],
  options: {
    env: Record<string, string>;
    cwd: string;
    timeoutMs: number;
    reader: CommandReader;
    /** Called with the process group as soon as it exists. */
    onStart?: (pid: number) => void;
  }
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    if (child.pid !== undefined) options.onStart?.(child.pid);
    let timedOut = false;
    let failure: unknown;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    const feed = (chunk: Buffer) => {
      if (failure !== undefined) return;
      try {
        options.reader.write(chunk.toString('utf8'));
      } catch (error) {
        // A refused workflow command: stop the step, report the refusal.
        failure = error;
        killGroup(child.pid);
      }
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(drain);
        // Output after this belongs to background children, not to this step's log.
        child.stdout.off('data', feed).destroy();
        child.stderr.off('data', feed).destroy();
        if (failure === undefined) {
          try {
            options.reader.end();
          } catch (error) {
            failure = error;
          }
        }
        if (failure !== undefined) reject(failure);
        else resolve({ exitCode: code, timedOut, pid: child.pid });
      };
      const drain = setTimeout(finish, DRAIN_MS);
      child.once('close', finish);
    });
  });
}
