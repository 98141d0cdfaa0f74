/**
 * Runs the alembic driver (alembic_driver.py) with the project's Python: writes the request to a file, starts
 * `python alembic_driver.py request.json result.json` in the alembic working directory (no shell),
 * bounded in time, and reads the result file.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { commandEnvironment } from '../exec/exec.ts';
import type { Logger } from '../logger.ts';
import { PythonNotRunnable, type DriverOutput, type DriverTransport } from './alembic.ts';

export interface PythonTransportOptions {
  python: string;
  /** The driver's source (readAlembicDriverSource() of assets.ts). */
  driverSource: string;
  /** Where alembic runs (its config's directory). */
  cwd: string;
  /** A private temporary directory for the driver and its request/result files. */
  tempDir: string;
  logger: Logger;
}

const STDERR_LIMIT = 256 * 1024;

export class PythonDriverTransport implements DriverTransport {
  private readonly driver: string;
  private calls = 0;

  constructor(private readonly options: PythonTransportOptions) {
    this.driver = path.join(options.tempDir, 'alembic_driver.py');
    writeFileSync(this.driver, options.driverSource);
  }

  async call(
    request: Record<string, unknown>,
    options: { timeoutMs: number; databaseUrl?: string }
  ): Promise<DriverOutput> {
    const id = ++this.calls;
    const requestFile = path.join(this.options.tempDir, `request-${id}.json`);
    const resultFile = path.join(this.options.tempDir, `result-${id}.json`);
    writeFileSync(requestFile, JSON.stringify(request));
    // The project's env.py and migrations are code from the repository (a pull request's, too):
    // they get what a `run:` step gets, not the action's inputs.
    const env: NodeJS.ProcessEnv = {
      ...commandEnvironment(process.env),
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1'
    };
    // Only the driver's own variable carries the URL (it never reaches a command line).
    delete env.MIGRATE_DRY_RUN_DATABASE_URL;
    if (options.databaseUrl !== undefined) env.MIGRATE_DRY_RUN_DATABASE_URL = options.databaseUrl;
    const { exitCode, stderr, timedOut } = await this.spawn(
      [this.driver, requestFile, resultFile],
      env,
      options.timeoutMs
    );
    if (stderr.trim())
      this.options.logger.debug(`alembic driver (${String(request.command)}):\n${stderr.trimEnd()}`);
    let result: unknown;
    if (existsSync(resultFile)) {
      try {
        result = JSON.parse(readFileSync(resultFile, 'utf8'));
      } catch {
        result = undefined;
      }
    }
    const note = timedOut
      ? `\n(stopped after the time limit of ${Math.round(options.timeoutMs / 1000)} s)`
      : '';
    return { result, exitCode, stderr: `${stderr}${note}` };
  }

  private spawn(
    args: string[],
    env: NodeJS.ProcessEnv,
    timeoutMs: number
  ): Promise<{ exitCode: number | null; stderr: string; timedOut: boolean }> {
    return new Promise((resolve, reject) => {
      let child;
      try {
        child = spawn(this.options.python, args, {
          cwd: this.options.cwd,
          env,
          stdio: ['ignore', 'ignore', 'pipe'],
          detached: true
        });
      } catch (error) {
        reject(new PythonNotRunnable(`${this.options.python}: ${(error as Error).message}`));
        return;
      }
      let stderr = '';
      let timedOut = false;
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < STDERR_LIMIT) stderr += chunk.toString('utf8');
      });
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          // The whole group: alembic may have started its own children.
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, timeoutMs);
      child.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const why =
          error.code === 'ENOENT' ? 'not found' : error.code === 'EACCES' ? 'not executable' : error.message;
        reject(new PythonNotRunnable(`${this.options.python} cannot be started: ${why}`));
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ exitCode: code, stderr, timedOut });
      });
    });
  }
}
