/**
 * The committed bundles are what the runner executes: they must be exactly what a fresh build of
 * the sources produces, and the docs must match each action.yml.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './run-action.ts';
// @ts-expect-error: a plain ESM script without type declarations
import { syncActionDocs } from '../scripts/docs.mjs';

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) =>
    statSync(path.join(dir, name)).isDirectory()
      ? listFiles(path.join(dir, name), `${prefix}${name}/`)
      : [`${prefix}${name}`]
  );
}

const actions = readdirSync(path.join(repoRoot, 'actions')).filter((name) =>
  statSync(path.join(repoRoot, 'actions', name)).isDirectory()
);

describe('dist/', () => {
  it('is exactly what a fresh build produces', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'dist-check-'));
    try {
      const build = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs'), '--out', out], {
        cwd: repoRoot,
        encoding: 'utf8'
      });
      expect(build.stderr).toBe('');
      expect(build.status).toBe(0);
      const fresh = listFiles(out);
      expect(listFiles(path.join(repoRoot, 'dist'))).toEqual(fresh);
      const differing = fresh.filter(
        (file) => !readFileSync(path.join(out, file)).equals(readFileSync(path.join(repoRoot, 'dist', file)))
      );
      // On failure: run `npm run build` and commit dist/ with the source change.
      expect(differing).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it.each(actions)('%s runs its bundle on node24', (action) => {
    const yml = parse(readFileSync(path.join(repoRoot, 'actions', action, 'action.yml'), 'utf8'));
    expect(yml.runs.using).toBe('node24');
    expect(path.normalize(path.join('actions', action, yml.runs.main))).toBe(
      path.join('dist', action, 'index.js')
    );
    expect(JSON.parse(readFileSync(path.join(repoRoot, 'dist', action, 'package.json'), 'utf8'))).toEqual({
      type: 'module'
    });
  });
});

describe('docs', () => {
  it('have the input and output tables of every action.yml (node scripts/docs.mjs rewrites them)', () => {
    expect(syncActionDocs({ check: true })).toEqual([]);
  });
});
