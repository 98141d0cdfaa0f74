// A private HAProxy on 127.0.0.1 for tests: its configuration and its runtime API socket (`stats
// socket … level admin`, the address the haproxy router is given) in a directory under os.tmpdir(),
// run in the foreground (`-db`) as a detached child so its PID is known. One backend holds the two
// tracks as servers; every answer carries the server that gave it (`x-served-by`), so weights are
// observed through traffic. Always call stop() (afterAll or finally).
import net from 'node:net';
import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { freePort } from './ports.ts';
import {
  httpRequest,
  makeTempDir,
  removeDir,
  startProcess,
  waitForPort,
  type ManagedProcess
} from './process.ts';

export const HAPROXY = '/usr/sbin/haproxy';

export interface HaproxyServer {
  name: string;
  /** host:port */
  address: string;
  weight: number;
}

export interface HaproxyService {
  /** e.g. http://127.0.0.1:PORT (no trailing slash) */
  readonly url: string;
  readonly pid: number;
  readonly dir: string;
  /** The admin runtime API as the router's input takes it: `unix:/…/admin.sock`. */
  readonly runtimeApi: string;
  /** A second runtime API on TCP with level operator (cannot set weights). */
  readonly operatorApi: string;
  readonly backend: string;
  /** Sends one runtime API command to the admin socket; resolves with the answer. */
  command(line: string): Promise<string>;
  /** The current weight of a server, read through the runtime API. */
  weight(server: string): Promise<number>;
  /** Sends `requests` GETs through HAProxy one at a time and counts the server that answered each. */
  servedBy(requests: number, urlPath?: string): Promise<Record<string, number>>;
  logTail(lines?: number): string;
  /** Stops HAProxy (SIGTERM, then SIGKILL) and removes the directory. Idempotent. */
  stop(): Promise<void>;
}

export interface StartHaproxyOptions {
  /** The backend's servers with their starting weights. */
  servers: HaproxyServer[];
  /** Default `app`. */
  backend?: string;
}

function configuration(
  dir: string,
  port: number,
  operatorPort: number,
  options: StartHaproxyOptions
): string {
  const backend = options.backend ?? 'app';
  return `# Test HAProxy: everything under ${dir}
global
  stats socket ${path.join(dir, 'admin.sock')} mode 600 level admin
  stats socket ipv4@127.0.0.1:${operatorPort} level operator
defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s
frontend web
  bind 127.0.0.1:${port}
  default_backend ${backend}
backend ${backend}
  balance roundrobin
  # A failing canary must show its own errors, not be retried on stable.
  retries 0
  http-response set-header x-served-by %s
${options.servers.map((s) => `  server ${s.name} ${s.address} weight ${s.weight}`).join('\n')}
`;
}

/** One runtime API command over a UNIX socket: HAProxy answers and closes the connection. */
function runtimeCommand(socketPath: string, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ path: socketPath });
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer to ${line}`)));
    socket.on('connect', () => socket.end(`${line}\n`));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', (hadError) => {
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8').trim());
    });
  });
}

export async function startHaproxy(options: StartHaproxyOptions): Promise<HaproxyService> {
  const dir = makeTempDir('haproxy');
  const confFile = path.join(dir, 'haproxy.cfg');
  const backend = options.backend ?? 'app';
  let lastError: unknown;
  // Retried on new ports if another process takes a chosen one first.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const [port, operatorPort] = [await freePort(), await freePort()];
    writeFileSync(confFile, configuration(dir, port, operatorPort, options));
    let child: ManagedProcess | undefined;
    try {
      child = await startProcess(HAPROXY, ['-db', '-f', confFile], {
        name: 'haproxy',
        cwd: dir,
        logFile: path.join(dir, 'haproxy.log')
      });
      await waitForPort(port, 10_000, { process: child });
      const socketPath = path.join(dir, 'admin.sock');
      const started = child;
      let stopping: Promise<void> | undefined;
      const service: HaproxyService = {
        url: `http://127.0.0.1:${port}`,
        pid: started.pid,
        dir,
        runtimeApi: `unix:${socketPath}`,
        operatorApi: `127.0.0.1:${operatorPort}`,
        backend,
        command: (line) => runtimeCommand(socketPath, line),
        async weight(server) {
          const answer = await runtimeCommand(socketPath, `get weight ${backend}/${server}`);
          const match = /^(\d+) \(initial \d+\)$/.exec(answer);
          if (!match) throw new Error(`get weight ${backend}/${server} answered ${JSON.stringify(answer)}`);
          return Number(match[1]);
        },
        async servedBy(requests, urlPath = '/') {
          const counts: Record<string, number> = {};
          for (let i = 0; i < requests; i++) {
            const answer = await httpRequest(`${service.url}${urlPath}`, { timeoutMs: 5000 });
            const server = String(answer.headers['x-served-by'] ?? `HTTP ${answer.status}`);
            counts[server] = (counts[server] ?? 0) + 1;
          }
          return counts;
        },
        logTail: (lines) => started.logTail(lines),
        stop() {
          stopping ??= started.stop().finally(() => removeDir(dir));
          return stopping;
        }
      };
      return service;
    } catch (error) {
      lastError = error;
      await child?.stop();
    }
  }
  removeDir(dir);
  throw lastError;
}
