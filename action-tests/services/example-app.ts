// The example FastAPI app (examples/backend) run by uvicorn on 127.0.0.1, plus its alembic
// migrations. Always call stop() (afterAll or finally).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.ts';
import {
  makeTempDir,
  removeDir,
  runChecked,
  startProcess,
  waitForPort,
  type CommandResult,
  type ManagedProcess
} from './process.ts';

/** The Debian interpreter: the first python3 on PATH may not see the Debian modules. */
export const PYTHON = '/usr/bin/python3';
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));
export const EXAMPLE_BACKEND_DIR = path.join(EXAMPLES_DIR, 'backend');
export const EXAMPLE_FRONTEND_DIR = path.join(EXAMPLES_DIR, 'frontend');

/** Environment variables the app reads; removed from the inherited environment before a start. */
const APP_VARIABLES = [
  'APP_VERSION',
  'GIT_SHA',
  'APP_TRACK',
  'DATABASE_URL',
  'REDIS_URL',
  'FAULT_ERROR_PERCENT',
  'FAULT_LATENCY_MS',
  'FAULT_SEED',
  'STARTUP_DELAY_SECONDS'
];

export interface ExampleAppOptions {
  version: string;
  gitSha: string;
  /** Default "stable". */
  track?: 'stable' | 'canary';
  databaseUrl: string;
  redisUrl: string;
  /** Default: a free port. */
  port?: number;
  /** Share of requests (0-100) answered with 500. */
  faultErrorPercent?: number;
  /** Added to every request except /metrics. */
  faultLatencyMs?: number;
  /** Makes the sequence of failing requests repeatable. */
  faultSeed?: number;
  /** Sleep before serving; the port stays closed meanwhile. */
  startupDelaySeconds?: number;
  /** Wait until the port accepts connections (default true). False returns right after spawning. */
  waitUntilListening?: boolean;
  /** Time limit of that wait (default 30 s plus the start-up delay). */
  startTimeoutMs?: number;
  /** Extra environment variables, applied last. */
  env?: Record<string, string>;
}

export interface ExampleApp {
  /** e.g. http://127.0.0.1:PORT (no trailing slash) */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** uvicorn's output (access log off). */
  readonly logFile: string;
  readonly process: ManagedProcess;
  /** Resolves once the port accepts connections; rejects with the log tail if the app exits first. */
  waitUntilListening(timeoutMs?: number): Promise<void>;
  logTail(lines?: number): string;
  /**
   * Graceful uvicorn shutdown (SIGTERM); requests still open after 2 s are abandoned (SIGINT);
   * SIGKILL at timeoutMs (default 10 s). Removes the log directory. Idempotent.
   */
  stop(timeoutMs?: number): Promise<void>;
}

export async function startExampleApp(options: ExampleAppOptions): Promise<ExampleApp> {
  const port = options.port ?? (await freePort());
  const dir = makeTempDir('example-app');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of [...APP_VARIABLES, 'NODE_OPTIONS']) delete env[name];
  Object.assign(env, {
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1',
    APP_VERSION: options.version,
    GIT_SHA: options.gitSha,
    APP_TRACK: options.track ?? 'stable',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    ...optional('FAULT_ERROR_PERCENT', options.faultErrorPercent),
    ...optional('FAULT_LATENCY_MS', options.faultLatencyMs),
    ...optional('FAULT_SEED', options.faultSeed),
    ...optional('STARTUP_DELAY_SECONDS', options.startupDelaySeconds),
    ...options.env
  });

  let child: ManagedProcess;
  try {
    child = await startProcess(
      PYTHON,
      ['-m', 'uvicorn', 'app.main:app', '--host', '127.0.0.1', '--port', String(port), '--no-access-log'],
      {
        name: `example-app ${options.version}`,
        cwd: EXAMPLE_BACKEND_DIR,
        env,
        logFile: path.join(dir, 'app.log')
      }
    );
  } catch (error) {
    removeDir(dir);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  const defaultTimeout = options.startTimeoutMs ?? 30_000 + (options.startupDelaySeconds ?? 0) * 1000;
  const app: ExampleApp = {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    logFile: child.logFile,
    process: child,
    waitUntilListening: (timeoutMs = defaultTimeout) => waitForPort(port, timeoutMs, { process: child }),
    logTail: (lines) => child.logTail(lines),
    stop(timeoutMs = 10_000) {
      stopping ??= child
        .stop(timeoutMs, { escalate: { afterMs: 2_000, signal: 'SIGINT' } })
        .finally(() => removeDir(dir));
      return stopping;
    }
  };
  if (options.waitUntilListening ?? true) {
    try {
      await app.waitUntilListening();
    } catch (error) {
      await app.stop();
      throw error;
    }
  }
  return app;
}

/**
 * Runs alembic in examples/backend against a database, e.g. runAlembic(url, ['downgrade', 'base']).
 * With `databaseUrl` undefined, DATABASE_URL is unset (offline `--sql` mode needs no database).
 * Rejects with the output's tail on a non-zero exit.
 */
export function runAlembic(databaseUrl: string | undefined, args: readonly string[]): Promise<CommandResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' };
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  if (databaseUrl !== undefined) env.DATABASE_URL = databaseUrl;
  return runChecked(PYTHON, ['-m', 'alembic', ...args], {
    cwd: EXAMPLE_BACKEND_DIR,
    env,
    timeoutMs: 120_000
  });
}

/** `alembic upgrade <revision>` (default head) against a database. */
export async function migrateDatabase(databaseUrl: string, revision = 'head'): Promise<void> {
  await runAlembic(databaseUrl, ['upgrade', revision]);
}

function optional(name: string, value: number | undefined): Record<string, string> {
  return value === undefined ? {} : { [name]: String(value) };
}
