// Child processes for tests: spawned detached (own process group) with stdout and stderr in a log
// file, stopped by PID (SIGTERM, then SIGKILL), with the log's last lines in every error so a
// failure explains itself. Callers must stop what they start (afterAll or finally).
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  fstatSync,
  rmSync
} from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  /** Short name used in messages, e.g. "redis-server". */
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process exits (never rejects). */
  readonly exited: Promise<ExitInfo>;
  /** How the process ended, or undefined while it runs. */
  exitInfo(): ExitInfo | undefined;
  /** The last lines of the log file. */
  logTail(lines?: number): string;
  /** SIGTERM to the process group, SIGKILL after timeoutMs (default 10 s). Idempotent. */
  stop(timeoutMs?: number, options?: Omit<StopOptions, 'group'>): Promise<void>;
}

export interface StartProcessOptions {
  name?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Where stdout and stderr go (appended). */
  logFile: string;
}

/** A new directory under os.tmpdir(), e.g. makeTempDir('redis') -> /tmp/deploy-actions-redis-AbC123. */
export function makeTempDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `deploy-actions-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/** Starts a detached child (leader of its own process group) with its output in `logFile`. */
export async function startProcess(
  command: string,
  args: readonly string[],
  options: StartProcessOptions
): Promise<ManagedProcess> {
  const name = options.name ?? path.basename(command);
  const fd = openSync(options.logFile, 'a');
  let child;
  try {
    child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', fd, fd]
    });
  } finally {
    closeSync(fd); // the child holds its own copy
  }
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) =>
      reject(new Error(`could not start ${name} (${command}): ${error.message}`))
    );
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${name} (${command}): no PID`);
  child.unref(); // a running service must not keep the test process alive by itself

  let info: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      info = { code, signal };
      resolve(info);
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    name,
    pid,
    logFile: options.logFile,
    exited,
    exitInfo: () => info,
    logTail: (lines?: number) => readLogTail(options.logFile, lines),
    stop(timeoutMs = 10_000, stopOptions = {}) {
      stopping ??= info ? Promise.resolve() : stopProcess(pid, timeoutMs, { ...stopOptions, group: true });
      return stopping;
    }
  };
}

/** True while a process with this PID exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // "pid (comm) S ..." - the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export interface StopOptions {
  /** Signal the whole process group the PID leads (processes from startProcess lead their own). */
  group?: boolean;
  /**
   * A second signal sent when the process is still running `afterMs` after SIGTERM, before the
   * SIGKILL at the deadline. uvicorn, for one, waits for open requests after the first signal and
   * skips that wait on a following SIGINT.
   */
  escalate?: { afterMs: number; signal: NodeJS.Signals };
}

/**
 * Stops a process by PID: SIGTERM, wait up to timeoutMs (optionally sending `escalate.signal`
 * on the way), then SIGKILL. Resolves once the process is gone; does nothing when it already is.
 */
export async function stopProcess(pid: number, timeoutMs = 10_000, options: StopOptions = {}): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(options.group ? -pid : pid, sig);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  if (!isAlive(pid)) return;
  const deadline = Date.now() + timeoutMs;
  signal('SIGTERM');
  const escalate = options.escalate;
  if (escalate && escalate.afterMs < timeoutMs) {
    if (await waitUntil(() => !isAlive(pid), escalate.afterMs)) return;
    signal(escalate.signal);
  }
  if (await waitUntil(() => !isAlive(pid), Math.max(0, deadline - Date.now()))) return;
  signal('SIGKILL');
  if (!(await waitUntil(() => !isAlive(pid), 5_000))) {
    throw new Error(`process ${pid} is still running after SIGKILL`);
  }
}

export interface WaitOptions {
  host?: string;
  /** When given, waiting fails as soon as this process exits, with its log tail. */
  process?: ManagedProcess;
}

/** Resolves once a TCP connection to host:port succeeds. */
export async function waitForPort(port: number, timeoutMs: number, options: WaitOptions = {}): Promise<void> {
  const host = options.host ?? '127.0.0.1';
  await poll(`${host}:${port} to accept connections`, timeoutMs, options.process, () =>
    canConnect(host, port)
  );
}

/**
 * Resolves with the status once `url` answers with an accepted status (default: 200-399).
 * Connection errors and other statuses are retried until timeoutMs.
 */
export async function waitForHttp(
  url: string,
  timeoutMs: number,
  options: WaitOptions & { accept?: (status: number) => boolean } = {}
): Promise<number> {
  const accept = options.accept ?? ((status: number) => status >= 200 && status < 400);
  let status = 0;
  await poll(`${url} to answer`, timeoutMs, options.process, async () => {
    try {
      status = (await httpRequest(url, { timeoutMs: 2_000 })).status;
      return accept(status);
    } catch {
      return false;
    }
  });
  return status;
}

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json<T = unknown>(): T;
}

/** One HTTP request without keep-alive (no socket outlives the call). */
export function httpRequest(
  url: string,
  options: {
    method?: string;
    body?: string | object;
    headers?: Record<string, string>;
    timeoutMs?: number;
  } = {}
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | undefined;
  if (typeof options.body === 'string') payload = options.body;
  else if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: options.method ?? 'GET', headers, agent: false, timeout: options.timeoutMs ?? 10_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body,
            json: <T>() => JSON.parse(body) as T
          });
        });
      }
    );
    request.on('timeout', () =>
      request.destroy(new Error(`${url}: no answer within ${options.timeoutMs ?? 10_000} ms`))
    );
    request.on('error', reject);
    request.end(payload);
  });
}

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion and collects its output; kills it (and its group) after timeoutMs. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}
): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe']
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${command}: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8')
      });
    });
    // A child that exits without reading its input closes the pipe first: EPIPE is not our error.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Like runCommand, but rejects unless the exit code is 0; the error carries the output's tail. */
export async function runChecked(
  command: string,
  args: readonly string[],
  options: Parameters<typeof runCommand>[2] = {}
): Promise<CommandResult> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    const output = tailLines(`${result.stdout}\n${result.stderr}`.trim(), 30);
    throw new Error(
      `${[command, ...args].join(' ')} exited with ${result.code ?? result.signal}\n--- output (last lines) ---\n${output}`
    );
  }
  return result;
}

/** The last `lines` lines of a log file (reads at most its last 64 KB). */
export function readLogTail(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no log file ${file})`;
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return tailLines(buffer.toString('utf8'), lines) || '(log is empty)';
  } finally {
    closeSync(fd);
  }
}

/** An error message followed by the log tail of a process. */
export function withLog(message: string, logFile: string, lines = 40): string {
  return `${message}\n--- last lines of ${logFile} ---\n${readLogTail(logFile, lines)}`;
}

function tailLines(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function poll(
  what: string,
  timeoutMs: number,
  child: ManagedProcess | undefined,
  check: () => Promise<boolean>
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, 250)) {
    if (await check()) return;
    const exit = child?.exitInfo();
    if (child && exit) {
      throw new Error(
        withLog(
          `${child.name} (pid ${child.pid}) exited with ${exit.code ?? exit.signal} while waiting for ${what}`,
          child.logFile
        )
      );
    }
    if (Date.now() >= deadline) {
      const message = `timed out after ${timeoutMs} ms waiting for ${what}`;
      throw new Error(child ? withLog(message, child.logFile) : message);
    }
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
