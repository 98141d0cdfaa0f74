/**
 * Containers of the `docker` stand-in: an image from images.ts started as processes on this machine,
 * on the host network (the only network there is here). A Python image runs its CMD (or the given
 * command) in the image's snapshot with the Debian python3; an nginx image renders its site template
 * the way the image's entrypoint does and serves the built static files. Servers bind 127.0.0.1
 * where the image says 0.0.0.0: the rehearsal only opens loopback ports.
 * Each container is recorded in the run folder with the job it belongs to (its RUNNER_TEMP), so a
 * name is unique per job, as on a runner of its own, and a finished job's containers are stopped.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import path from 'node:path';
import { isAlive, makeTempDir, removeDir, startProcess } from '../../action-tests/services/index.ts';
import { writeFrontendNginx } from '../../action-tests/workflows/frontend-server.ts';
import type { ImageRecord } from './images.ts';
import { forgetPid, recordPid, runPaths, stopRecorded, REPO_ROOT } from './run-dir.ts';

/** Where `python` is the Debian python3 (see bin/python): first on a container's PATH. */
export const PYTHON_BIN_DIR = path.join(REPO_ROOT, 'rehearsal', 'world', 'bin');
const NGINX = '/usr/sbin/nginx';

export interface ContainerRecord {
  id: string;
  name: string;
  /** The reference it was started from. */
  image: string;
  pid: number;
  logFile: string;
  /** RUNNER_TEMP of the job that started it ('' outside a job). */
  job: string;
  /** Files of the container (rendered configuration, served files), removed with it. */
  dir: string;
}

export interface RunRequest {
  image: ImageRecord;
  ref: string;
  name?: string;
  /** -e values, already resolved. */
  env: Record<string, string>;
  /** The command after the image; empty runs the image's CMD. */
  command: string[];
  detach: boolean;
  job: string;
}

/**
 * Starts a container. Detached: records it and resolves with its id once the process runs.
 * Otherwise: runs it in the foreground (output passed through) and resolves with its exit code.
 */
export async function runContainer(
  runDir: string,
  request: RunRequest
): Promise<{ id: string; code: number }> {
  await stopFinishedJobs(runDir);
  const id = randomBytes(32).toString('hex');
  const name = request.name ?? `rehearsal_${id.slice(0, 12)}`;
  if (findContainer(runDir, name, request.job))
    throw new Error(`Conflict. The container name "/${name}" is already in use in this job.`);
  const dir = makeTempDir(`container-${name}`);
  chmodSync(dir, 0o755); // nginx workers run as another user when the rehearsal runs as root
  let argv: string[];
  let cwd: string;
  const env: Record<string, string> = {
    PATH: `${PYTHON_BIN_DIR}:/usr/local/bin:/usr/bin:/bin`,
    HOME: dir,
    LANG: 'C.UTF-8',
    HOSTNAME: id.slice(0, 12),
    ...request.image.env,
    ...request.env
  };
  try {
    if (request.image.kind === 'python-app') {
      argv = (request.command.length > 0 ? request.command : request.image.cmd).map((arg) =>
        arg.replaceAll('0.0.0.0', '127.0.0.1')
      );
      cwd = request.image.root;
    } else {
      if (request.command.length > 0)
        throw new Error(`the rehearsal runs ${request.ref} (an nginx image) with its own entrypoint only`);
      argv = nginxCommand(request.image, env, dir);
      cwd = dir;
    }
    if (argv.length === 0) throw new Error(`${request.ref} has no CMD and no command was given`);
  } catch (error) {
    removeDir(dir);
    throw error;
  }

  if (!request.detach) {
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: 'inherit' });
      child.once('error', reject);
      child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
    }).finally(() => removeDir(dir));
    return { id, code };
  }

  const child = await startProcess(argv[0]!, argv.slice(1), {
    name: `container ${name}`,
    cwd,
    env,
    logFile: path.join(dir, 'container.log')
  });
  const record: ContainerRecord = {
    id,
    name,
    image: request.ref,
    pid: child.pid,
    logFile: child.logFile,
    job: request.job,
    dir
  };
  const containers = runPaths(runDir).containers;
  mkdirSync(containers, { recursive: true });
  writeFileSync(path.join(containers, `${id}.json`), JSON.stringify(record, null, 2));
  recordPid(runDir, `container-${id}`, { name: `container ${name}`, pid: child.pid, group: true, dir });
  return { id, code: 0 };
}

/** The container with this name (or id prefix) in the job. */
export function findContainer(runDir: string, nameOrId: string, job: string): ContainerRecord | undefined {
  return listContainers(runDir).find(
    (record) =>
      record.job === job &&
      (record.name === nameOrId || (nameOrId.length >= 12 && record.id.startsWith(nameOrId)))
  );
}

export function isRunning(record: ContainerRecord): boolean {
  return isAlive(record.pid);
}

/** Stops the container's processes and forgets it. */
export async function removeContainer(runDir: string, record: ContainerRecord): Promise<void> {
  await stopRecorded({ name: record.name, pid: record.pid, group: true, dir: record.dir });
  forgetPid(runDir, `container-${record.id}`);
  rmSync(path.join(runPaths(runDir).containers, `${record.id}.json`), { force: true });
}

function listContainers(runDir: string): ContainerRecord[] {
  const dir = runPaths(runDir).containers;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as ContainerRecord);
}

/** A job's runner goes away with its containers: the engine removed that job's RUNNER_TEMP. */
async function stopFinishedJobs(runDir: string): Promise<void> {
  await Promise.all(
    listContainers(runDir)
      .filter((record) => record.job !== '' && !existsSync(record.job))
      .map((record) => removeContainer(runDir, record))
  );
}

/** What the nginx image's entrypoint does: envsubst the site template, then nginx in the foreground. */
function nginxCommand(image: ImageRecord, env: Record<string, string>, dir: string): string[] {
  const port = env.NGINX_PORT ?? '';
  if (!/^\d+$/.test(port)) throw new Error(`NGINX_PORT must be a port number, not ${JSON.stringify(port)}`);
  const html = path.join(dir, 'html');
  cpSync(path.join(image.root, 'dist'), html, { recursive: true });
  writeFrontendNginx(dir, {
    template: path.join(image.root, image.siteTemplate!),
    variables: { ...env, NGINX_PORT: `127.0.0.1:${port}` },
    htmlDir: html,
    errorLog: 'stderr',
    accessLog: 'off'
  });
  return [NGINX, '-e', 'stderr', '-p', `${dir}/`, '-c', `${dir}/nginx.conf`];
}
