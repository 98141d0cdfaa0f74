#!/usr/bin/env node
// `npm test`: installs what is missing (Debian and npm packages), then runs lint, typecheck, the
// unit tests and the action-tests (bundles under Node 24 against real local services, the dist
// check, the README check). Every step runs even when an earlier one failed, so one run shows
// everything that is wrong; the exit code is non-zero if any step failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const results = path.join(root, '.tmp');
mkdirSync(results, { recursive: true });

const node = process.execPath;
const bin = (pkg, file) => path.join(root, 'node_modules', pkg, file);
const jest = (project, extra = []) => [
  node,
  [
    '--experimental-vm-modules',
    bin('jest', 'bin/jest.js'),
    '--selectProjects',
    project,
    '--ci',
    '--json',
    `--outputFile=${path.join(results, `jest-${project}.json`)}`,
    ...extra
  ]
];

const steps = [
  ['setup', [node, [path.join(root, 'scripts', 'setup.mjs')]]],
  ['lint', [node, [bin('eslint', 'bin/eslint.js'), '.']]],
  ['format', [node, [bin('prettier', 'bin/prettier.cjs'), '--check', '.']]],
  ['typecheck', [node, [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit']]],
  ['unit tests', jest('unit')],
  // Services are started per test file; in band keeps two files from loading the 2 cores at once.
  // --forceExit: a handle leaked by a failing test must not hold CI until its time limit.
  ['action tests', jest('action-tests', ['--runInBand', '--forceExit'])]
];

const outcomes = [];
for (const [name, [command, args]] of steps) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  outcomes.push({ name, ok: result.status === 0, seconds });
  if (name === 'setup' && result.status !== 0) break; // nothing else can run without it
}

let passed = 0;
let failed = 0;
for (const project of ['unit', 'action-tests']) {
  const file = path.join(results, `jest-${project}.json`);
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
}

process.stdout.write('\n=== summary ===\n');
for (const outcome of outcomes)
  process.stdout.write(`${outcome.ok ? 'ok  ' : 'FAIL'}  ${outcome.name} (${outcome.seconds}s)\n`);
const allOk = outcomes.length === steps.length && outcomes.every((o) => o.ok);
process.stdout.write(`tests: ${passed} passed, ${failed} failed\n`);
process.exit(allOk && failed === 0 ? 0 : 1);
