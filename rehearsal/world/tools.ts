/**
 * Commands the engine puts first on PATH for `run:` steps: `docker`, a small script in the run
 * folder that hands its arguments and the run folder to docker-cli.ts under Node 24; `ruff`, ruff's
 * WebAssembly build (ruff-cli.ts); and `npm`, which is the next npm on PATH except for `npm audit`
 * (npm-audit.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NODE24, REPO_ROOT, runPaths } from './run-dir.ts';

export const DOCKER_CLI = path.join(REPO_ROOT, 'rehearsal', 'world', 'docker-cli.ts');
export const NPM_AUDIT = path.join(REPO_ROOT, 'rehearsal', 'world', 'npm-audit.ts');
export const RUFF_CLI = path.join(REPO_ROOT, 'rehearsal', 'world', 'ruff-cli.ts');

/** Writes the tools of this run (idempotent) and returns the folders to put first on PATH. */
export function toolsPath(runDir: string): string[] {
  const dir = runPaths(runDir).tools;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'docker'),
    `#!/bin/sh\n# The rehearsal's docker stand-in (rehearsal/world/docker-cli.ts).\nexec ${shellQuote(NODE24)} ${shellQuote(DOCKER_CLI)} ${shellQuote(runDir)} "$@"\n`,
    { mode: 0o755 }
  );
  writeFileSync(
    path.join(dir, 'ruff'),
    `#!/bin/sh\n# The rehearsal's ruff stand-in (rehearsal/world/ruff-cli.ts).\nexec ${shellQuote(NODE24)} ${shellQuote(RUFF_CLI)} "$@"\n`,
    { mode: 0o755 }
  );
  writeFileSync(
    path.join(dir, 'npm'),
    [
      '#!/bin/sh',
      "# The rehearsal's npm: the next npm on PATH, except `npm audit` (rehearsal/world/npm-audit.ts).",
      `if [ "$1" = audit ]; then shift; exec ${shellQuote(NODE24)} ${shellQuote(NPM_AUDIT)} "$@"; fi`,
      'here=$(cd "$(dirname "$0")" && pwd)',
      'IFS=:',
      'for dir in $PATH; do',
      '  [ "$dir" = "$here" ] && continue',
      '  [ -x "$dir/npm" ] && exec "$dir/npm" "$@"',
      'done',
      'echo "npm: not found on PATH" >&2',
      'exit 127',
      ''
    ].join('\n'),
    { mode: 0o755 }
  );
  return [dir];
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
