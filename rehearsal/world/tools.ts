/**
 * Commands the engine puts first on PATH for `run:` steps: `docker`, a small script in the run
 * folder that hands its arguments and the run folder to docker-cli.ts under Node 24.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NODE24, REPO_ROOT, runPaths } from './run-dir.ts';

export const DOCKER_CLI = path.join(REPO_ROOT, 'rehearsal', 'world', 'docker-cli.ts');

/** Writes the tools of this run (idempotent) and returns the folders to put first on PATH. */
export function toolsPath(runDir: string): string[] {
  const dir = runPaths(runDir).tools;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'docker'),
    `#!/bin/sh\n# The rehearsal's docker stand-in (rehearsal/world/docker-cli.ts).\nexec ${shellQuote(NODE24)} ${shellQuote(DOCKER_CLI)} ${shellQuote(runDir)} "$@"\n`,
    { mode: 0o755 }
  );
  return [dir];
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
