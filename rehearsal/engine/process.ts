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
}

export function runProcess(
  command: string,
  args: string[],
  options: { env: Record<string, string>; cwd: string; timeoutMs: number; reader: CommandReader }
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    let timedOut = false;
    let failure: unknown;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs);
    const feed = (chunk: Buffer) => {
      if (failure !== undefined) return;
      try {
        options.reader.write(chunk.toString('utf8'));
      } catch (error) {
        // A refused workflow command: stop the step, report the refusal.
        failure = error;
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      }
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      if (failure === undefined) {
        try {
          options.reader.end();
        } catch (error) {
          failure = error;
        }
      }
      if (failure !== undefined) reject(failure);
      else resolve({ exitCode: code, timedOut });
    });
  });
}
