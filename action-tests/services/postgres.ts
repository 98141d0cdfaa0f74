// A private PostgreSQL 15 instance on 127.0.0.1 for tests: its own data directory under
// os.tmpdir(), trust authentication for the `postgres` user, a database `app`. When the tests
// run as root, initdb and pg_ctl run as the `postgres` system user (PostgreSQL refuses root).
// Always call stop() (afterAll or finally): it stops the server and deletes the directory.
import { chownSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './ports.ts';
import {
  isAlive,
  makeTempDir,
  readLogTail,
  removeDir,
  runChecked,
  stopProcess,
  type CommandResult
} from './process.ts';

export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

export interface PostgresService {
  /** URL of the `app` database, e.g. postgresql://postgres@127.0.0.1:PORT/app */
  readonly url: string;
  readonly port: number;
  /** The temporary directory: data/ (the cluster), postgres.log, and the Unix socket. */
  readonly dir: string;
  /** PID of the postmaster. */
  readonly pid: number;
  /** Creates a database and returns its URL. Names: lower-case letters, digits, underscores. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL with psql in a database (default `app`) and returns its unaligned, tuples-only output. */
  query(sql: string, database?: string): Promise<string>;
  /** The server log's last lines. */
  logTail(lines?: number): string;
  /** Stops the server (fast shutdown) and removes the directory. Idempotent. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Name of the database created at start (default `app`). */
  database?: string;
}

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresService> {
  const database = options.database ?? 'app';
  if (!DATABASE_NAME.test(database)) throw new Error(`invalid database name ${JSON.stringify(database)}`);
  const dir = makeTempDir('postgres');
  try {
    const dataDir = path.join(dir, 'data');
    const logFile = path.join(dir, 'postgres.log');
    const owner = postgresOwner();
    if (owner) chownSync(dir, owner.uid, owner.gid);

    await asPostgres(`${POSTGRES_BIN}/initdb`, [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync'
    ]);

    // Retried on a new port if another process takes the chosen one first.
    let lastError: unknown;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const port = await freePort();
      try {
        await startServer(dataDir, dir, logFile, port);
      } catch (error) {
        lastError = error;
        continue;
      }
      const pid = readPostmasterPid(dataDir);
      const service = makeService({ dir, dataDir, logFile, port, pid });
      try {
        await service.createDatabase(database);
      } catch (error) {
        await service.stop();
        throw error;
      }
      return service;
    }
    throw lastError;
  } catch (error) {
    removeDir(dir);
    throw error;
  }
}

function makeService(s: {
  dir: string;
  dataDir: string;
  logFile: string;
  port: number;
  pid: number;
}): PostgresService {
  const urlFor = (name: string): string => `postgresql://postgres@127.0.0.1:${s.port}/${name}`;
  const client = ['-h', '127.0.0.1', '-p', String(s.port), '-U', 'postgres'];
  let stopping: Promise<void> | undefined;
  return {
    url: urlFor('app'),
    port: s.port,
    dir: s.dir,
    pid: s.pid,
    async createDatabase(name) {
      if (!DATABASE_NAME.test(name)) throw new Error(`invalid database name ${JSON.stringify(name)}`);
      await runChecked(`${POSTGRES_BIN}/createdb`, [...client, name], { timeoutMs: 30_000 });
      return urlFor(name);
    },
    async query(sql, database = 'app') {
      const result = await runChecked(
        `${POSTGRES_BIN}/psql`,
        [...client, '-d', database, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql],
        { timeoutMs: 30_000 }
      );
      return result.stdout.trim();
    },
    logTail: (lines) => readLogTail(s.logFile, lines),
    stop() {
      stopping ??= (async () => {
        try {
          if (isAlive(s.pid)) {
            await asPostgres(`${POSTGRES_BIN}/pg_ctl`, [
              '-D',
              s.dataDir,
              '-m',
              'fast',
              '-w',
              '-t',
              '20',
              'stop'
            ]).catch(() => stopProcess(s.pid, 5_000));
          }
        } finally {
          removeDir(s.dir);
        }
      })();
      return stopping;
    }
  };
}

async function startServer(dataDir: string, socketDir: string, logFile: string, port: number): Promise<void> {
  // Durability is pointless for a throw-away test cluster; turning it off makes DDL fast.
  const serverOptions = [
    `-p ${port}`,
    `-k ${socketDir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off'
  ].join(' ');
  try {
    await asPostgres(`${POSTGRES_BIN}/pg_ctl`, [
      '-D',
      dataDir,
      '-l',
      logFile,
      '-o',
      serverOptions,
      '-w',
      '-t',
      '30',
      'start'
    ]);
  } catch (error) {
    throw new Error(
      `PostgreSQL did not start on 127.0.0.1:${port}: ${(error as Error).message}\n--- ${logFile} ---\n${readLogTail(logFile, 20)}`,
      { cause: error }
    );
  }
}

function readPostmasterPid(dataDir: string): number {
  const pid = Number.parseInt(
    readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '',
    10
  );
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no PID in ${dataDir}/postmaster.pid`);
  return pid;
}

/** uid/gid of the `postgres` user when running as root (PostgreSQL will not run as root). */
function postgresOwner(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const fields = line?.split(':');
  if (!fields || fields.length < 4) {
    throw new Error(
      'running as root, but there is no `postgres` user to run PostgreSQL as (install the postgresql package)'
    );
  }
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/** Runs a PostgreSQL server program, as the `postgres` user when we are root. */
function asPostgres(command: string, args: string[]): Promise<CommandResult> {
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
  if (process.getuid?.() === 0) {
    return runChecked('runuser', ['-u', 'postgres', '--', command, ...args], {
      env,
      timeoutMs: 60_000,
      cwd: '/'
    });
  }
  return runChecked(command, args, { env, timeoutMs: 60_000 });
}
