// A private nginx on 127.0.0.1 for tests: its own prefix directory under os.tmpdir() with the
// configuration, pid file, logs and the five temp paths; one worker (so weighted round robin is
// exact per request); run in the foreground (`daemon off`) as a detached child so its PID is known.
// It proxies everything to `upstream <name>`, defined in an included file that the traffic router
// under test rewrites. Always call stop() (afterAll or finally).
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './ports.ts';
import {
  makeTempDir,
  removeDir,
  runCommand,
  startProcess,
  waitForPort,
  type ManagedProcess
} from './process.ts';

export const NGINX = '/usr/sbin/nginx';

export interface NginxService {
  /** e.g. http://127.0.0.1:PORT (no trailing slash) */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The prefix directory: nginx.conf, upstream.conf, logs, temp paths. */
  readonly dir: string;
  readonly confFile: string;
  /** The file nginx includes with `upstream <upstreamName> { ... }`. */
  readonly upstreamFile: string;
  readonly upstreamName: string;
  /** Access log lines: `<msec> <status> <upstream_addr>`. */
  readonly accessLog: string;
  /** `nginx -t` for this instance, as a command line (the action's nginx-test-command). */
  readonly testCommand: string;
  /** `nginx -s reload` for this instance (the action's nginx-reload-command). */
  readonly reloadCommand: string;
  /** Reloads the configuration; rejects with nginx's output on failure. */
  reload(): Promise<void>;
  /** The upstream address of each request in the access log so far. */
  upstreamsServed(): string[];
  logTail(lines?: number): string;
  /** Stops nginx (SIGTERM: fast shutdown, then SIGKILL) and removes the directory. Idempotent. */
  stop(): Promise<void>;
}

export interface StartNginxOptions {
  /** The upstream block nginx starts with: servers as `host:port weight=N` or `host:port down`. */
  upstreamServers: string[];
  /** Default `backend`. */
  upstreamName?: string;
}

function configuration(dir: string, port: number, upstreamFile: string, upstreamName: string): string {
  const at = (name: string) => path.join(dir, name);
  return `# Test nginx: everything under ${dir}
daemon off;
worker_processes 1;
pid ${at('nginx.pid')};
error_log ${at('error.log')} notice;
events { worker_connections 512; }
http {
  log_format upstreams '$msec $status $upstream_addr';
  access_log ${at('access.log')} upstreams;
  client_body_temp_path ${at('temp/client_body')};
  proxy_temp_path ${at('temp/proxy')};
  fastcgi_temp_path ${at('temp/fastcgi')};
  uwsgi_temp_path ${at('temp/uwsgi')};
  scgi_temp_path ${at('temp/scgi')};
  include ${upstreamFile};
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://${upstreamName};
      # A failing canary must show its own errors, not be retried on stable.
      proxy_next_upstream off;
      proxy_set_header Host $host;
    }
  }
}
`;
}

export async function startNginx(options: StartNginxOptions): Promise<NginxService> {
  const dir = makeTempDir('nginx');
  // Workers run as nobody when the tests run as root: they must be able to enter the prefix.
  chmodSync(dir, 0o755);
  mkdirSync(path.join(dir, 'temp'));
  const upstreamName = options.upstreamName ?? 'backend';
  const upstreamFile = path.join(dir, 'upstream.conf');
  const confFile = path.join(dir, 'nginx.conf');
  const errorLog = path.join(dir, 'error.log');
  const base = [NGINX, '-e', errorLog, '-p', `${dir}/`, '-c', confFile];
  writeFileSync(
    upstreamFile,
    `upstream ${upstreamName} {\n${options.upstreamServers.map((s) => `    server ${s};`).join('\n')}\n}\n`
  );
  let lastError: unknown;
  // Retried on a new port if another process takes the chosen one first.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    writeFileSync(confFile, configuration(dir, port, upstreamFile, upstreamName));
    let child: ManagedProcess | undefined;
    try {
      child = await startProcess(base[0]!, base.slice(1), {
        name: 'nginx',
        cwd: dir,
        logFile: path.join(dir, 'nginx.log')
      });
      await waitForPort(port, 10_000, { process: child });
      return makeService(child, { dir, port, confFile, upstreamFile, upstreamName, base });
    } catch (error) {
      lastError = error;
      await child?.stop();
    }
  }
  removeDir(dir);
  throw lastError;
}

function makeService(
  child: ManagedProcess,
  s: {
    dir: string;
    port: number;
    confFile: string;
    upstreamFile: string;
    upstreamName: string;
    base: string[];
  }
): NginxService {
  const accessLog = path.join(s.dir, 'access.log');
  const quote = (args: string[]) => args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ');
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${s.port}`,
    port: s.port,
    pid: child.pid,
    dir: s.dir,
    confFile: s.confFile,
    upstreamFile: s.upstreamFile,
    upstreamName: s.upstreamName,
    accessLog,
    testCommand: quote([...s.base, '-t', '-q']),
    reloadCommand: quote([...s.base, '-s', 'reload']),
    async reload() {
      const result = await runCommand(s.base[0]!, [...s.base.slice(1), '-s', 'reload'], {
        timeoutMs: 10_000
      });
      if (result.code !== 0) throw new Error(`nginx reload failed: ${result.stderr.trim()}`);
    },
    upstreamsServed() {
      let text: string;
      try {
        text = readFileSync(accessLog, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => line.split(' ')[2] ?? '');
    },
    logTail: (lines) => child.logTail(lines),
    stop() {
      stopping ??= child.stop().finally(() => removeDir(s.dir));
      return stopping;
    }
  };
}
