/**
 * Runs the alembic driver (alembic_driver.py) with the project's Python: writes the request to a file, starts
 * `python alembic_driver.py request.json result.json` in the alembic working directory (no shell),
 * bounded in time, and reads the result file. The driver runs in its own process group
 * (createExec), so the time limit stops what alembic started too.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ExecStartError, createExec, type Exec } from '../exec/exec.ts';
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

export class PythonDriverTransport implements DriverTransport {
  private readonly driver: string;
  private readonly exec: Exec;
  private calls = 0;

  constructor(private readonly options: PythonTransportOptions) {
    this.driver = path.join(options.tempDir, 'alembic_driver.py');
    writeFileSync(this.driver, options.driverSource);
    // The project's env.py and migrations are code from the repository (a pull request's, too):
    // they get what a `run:` step gets, not the action's inputs; only the driver's own variable
    // carries the URL (it never reaches a command line).
    const env = { ...process.env };
    delete env.MIGRATE_DRY_RUN_DATABASE_URL;
    this.exec = createExec({ env });
  }

  async call(
    request: Record<string, unknown>,
    options: { timeoutMs: number; databaseUrl?: string }
  ): Promise<DriverOutput> {
    const id = ++this.calls;
    const requestFile = path.join(this.options.tempDir, `request-${id}.json`);
    const resultFile = path.join(this.options.tempDir, `result-${id}.json`);
    writeFileSync(requestFile, JSON.stringify(request));
    const env: Record<string, string> = { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' };
    if (options.databaseUrl !== undefined) env.MIGRATE_DRY_RUN_DATABASE_URL = options.databaseUrl;
    const { exitCode, stderr, timedOut } = await this.exec
      .run([this.options.python, this.driver, requestFile, resultFile], {
        env,
        timeoutMs: options.timeoutMs,
        cwd: this.options.cwd
      })
      .catch((error: unknown) => {
        if (!(error instanceof ExecStartError)) throw error;
        throw new PythonNotRunnable(`${this.options.python} cannot be started: ${error.reason}`);
      });
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
}
