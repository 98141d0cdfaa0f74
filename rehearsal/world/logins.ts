/**
 * Registry logins of docker/login-action's stand-in, per job (a job's runner has its own Docker
 * configuration): `docker push` needs one for the image's registry host. Credentials are not kept.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runPaths } from './run-dir.ts';

interface Login {
  /** RUNNER_TEMP of the job. */
  job: string;
  registry: string;
}

export function recordLogin(runDir: string, login: Login): void {
  const file = runPaths(runDir).logins;
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify([...readLogins(runDir), login], null, 2));
}

export function loggedIn(runDir: string, job: string, registry: string): boolean {
  return readLogins(runDir).some((login) => login.job === job && login.registry === registry);
}

function readLogins(runDir: string): Login[] {
  const file = runPaths(runDir).logins;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Login[]) : [];
}
