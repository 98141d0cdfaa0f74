#!/usr/bin/env node
// Bundles every action with ncc into dist/<action>/: index.js from src/index.ts, and post.js from
// src/post.ts where an action has a post step. `--out DIR` writes elsewhere (the dist check uses a
// temporary folder and compares). The output is byte-identical across rebuilds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--out');
const outRoot = outIndex >= 0 ? path.resolve(process.argv[outIndex + 1]) : path.join(root, 'dist');
const only = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && all[i - 1] !== '--out');
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

function bundle(entry, outDir) {
  const result = spawnSync(
    process.execPath,
    [ncc, 'build', entry, '-o', outDir, '-m', '--license', 'licenses.txt', '-q'],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit']
    }
  );
  if (result.status !== 0) throw new Error(`ncc failed for ${entry}`);
}

const actions = readdirSync(path.join(root, 'actions')).filter(
  (name) =>
    existsSync(path.join(root, 'actions', name, 'src', 'index.ts')) &&
    (only.length === 0 || only.includes(name))
);
for (const action of actions) {
  const started = Date.now();
  const outDir = path.join(outRoot, action);
  rmSync(outDir, { recursive: true, force: true });
  bundle(path.join('actions', action, 'src', 'index.ts'), outDir);
  const post = path.join('actions', action, 'src', 'post.ts');
  if (existsSync(path.join(root, post))) {
    // ncc names every bundle index.js: build the post step apart and keep only its index.js as post.js.
    const scratch = mkdtempSync(path.join(os.tmpdir(), `ncc-${action}-post-`));
    try {
      bundle(post, scratch);
      renameSync(path.join(scratch, 'index.js'), path.join(outDir, 'post.js'));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  mkdirSync(outDir, { recursive: true });
  process.stdout.write(`built dist/${action} in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
}
