// A private Redis on 127.0.0.1 for tests: no persistence, its own directory under os.tmpdir(),
// run in the foreground as a detached child so its PID is known. Always call stop().
import path from 'node:path';
import { freePort } from './ports.ts';
import { makeTempDir, removeDir, startProcess, waitForPort, type ManagedProcess } from './process.ts';

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface RedisService {
  /** e.g. redis://127.0.0.1:PORT/0 */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  logTail(lines?: number): string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisService> {
  const dir = makeTempDir('redis');
  let lastError: unknown;
  // Retried on a new port if another process takes the chosen one first.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    let child: ManagedProcess | undefined;
    try {
      child = await startProcess(
        REDIS_SERVER,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--daemonize',
          'no',
          '--dir',
          dir,
          '--logfile',
          ''
        ],
        { name: 'redis-server', cwd: dir, logFile: path.join(dir, 'redis.log') }
      );
      await waitForPort(port, 10_000, { process: child });
      return makeService(child, port, dir);
    } catch (error) {
      lastError = error;
      await child?.stop();
    }
  }
  removeDir(dir);
  throw lastError;
}

function makeService(child: ManagedProcess, port: number, dir: string): RedisService {
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    pid: child.pid,
    dir,
    logTail: (lines) => child.logTail(lines),
    stop() {
      stopping ??= child.stop().finally(() => removeDir(dir));
      return stopping;
    }
  };
}
