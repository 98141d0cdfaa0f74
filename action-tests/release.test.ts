/**
 * scripts/release.mjs as a maintainer runs it, in a temporary git repository holding a copy of
 * this repository's workflows and action.yml files: the pins, the commits and tags it makes, and
 * what it refuses before changing anything.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = path.join(root, 'scripts', 'release.mjs');
const ACTIONS = readdirSync(path.join(root, 'actions')).sort();
const WORKFLOWS = readdirSync(path.join(root, '.github', 'workflows')).filter((f) => f.endsWith('.yml'));

let repo: string;

const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();

function releaseScript(...args: string[]) {
  const result = spawnSync(process.execPath, [SCRIPT, '--no-build-check', ...args], {
    cwd: repo,
    encoding: 'utf8'
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Everything that tells whether the script changed the repository. */
const repositoryState = () => [git('rev-parse', 'HEAD'), git('tag', '--list'), git('status', '--porcelain')];

/** Our actions' `uses:` lines in the workflows, wherever they point. */
function ourUses(): string[] {
  return WORKFLOWS.flatMap((file) =>
    readFileSync(path.join(repo, '.github', 'workflows', file), 'utf8')
      .split('\n')
      .filter((line) => /^\s*(-\s+)?uses:\s*\S+\/actions\/[^@\s]+@/.test(line))
      .filter((line) => ACTIONS.some((name) => line.includes(`/actions/${name}@`)))
      .map((line) => line.trim())
  );
}

beforeEach(() => {
  repo = mkdtempSync(path.join(os.tmpdir(), 'release-test-'));
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'user.email', 'release@example.com');
  git('config', 'user.name', 'Release Test');
  git('config', 'tag.gpgSign', 'false');
  git('config', 'commit.gpgSign', 'false');
  cpSync(path.join(root, '.github', 'workflows'), path.join(repo, '.github', 'workflows'), {
    recursive: true
  });
  for (const name of ACTIONS) {
    mkdirSync(path.join(repo, 'actions', name), { recursive: true });
    cpSync(path.join(root, 'actions', name, 'action.yml'), path.join(repo, 'actions', name, 'action.yml'));
  }
  git('add', '.');
  git('commit', '--quiet', '-m', 'first release');
  git('tag', '--annotate', 'v0.9.0', '-m', 'v0.9.0');
  writeFileSync(path.join(repo, 'README.md'), 'deploy actions\n');
  git('add', '.');
  git('commit', '--quiet', '-m', 'docs: a README');
  writeFileSync(path.join(repo, 'actions', 'rollback', 'NOTES.md'), 'notes\n');
  git('add', '.');
  git('commit', '--quiet', '-m', 'rollback: notes');
});

afterEach(() => rmSync(repo, { recursive: true, force: true }));

describe('npm run release', () => {
  it('pins every use of our actions to commit A, commits B with the changelog, tags it, moves the major tag', () => {
    // The placeholder form the workflows use before the first release.
    expect(ourUses().length).toBeGreaterThan(0);
    expect(ourUses().every((line) => line.includes('octo-org/deploy-actions/actions/'))).toBe(true);
    const commitA = git('rev-parse', 'HEAD');

    const run = releaseScript('--repository', 'acme-corp/deploy.actions', '--version', '1.4.2');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    const commitB = git('rev-parse', 'HEAD');
    expect(git('rev-parse', 'HEAD~1')).toBe(commitA);
    const uses = ourUses();
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) {
      const match = /uses:\s*acme-corp\/deploy\.actions\/actions\/([a-z-]+)@([0-9a-f]{40}) # v1\.4\.2$/.exec(
        line
      );
      expect(match).not.toBeNull();
      const [, name, sha] = match!;
      expect(sha).toBe(commitA);
      // The pinned commit exists and holds the action.
      expect(git('cat-file', '-t', `${sha}:actions/${name}/action.yml`)).toBe('blob');
    }
    expect(git('rev-parse', 'v1.4.2^{commit}')).toBe(commitB);
    expect(git('cat-file', '-t', 'v1.4.2')).toBe('tag');
    expect(git('rev-parse', 'v1^{commit}')).toBe(commitB);
    expect(git('status', '--porcelain')).toBe('');

    const changelog = readFileSync(path.join(repo, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(/^# Changelog\n\n## v1\.4\.2 \(\d{4}-\d{2}-\d{2}\)\n/);
    expect(changelog).toContain(`Actions pinned to \`${commitA}\``);
    expect(changelog).toContain(`- rollback: notes (${commitA.slice(0, 7)})`);
    expect(changelog).toContain('- docs: a README (');
    // Only the commits since the previous release tag.
    expect(changelog).not.toContain('first release');
    expect(run.stdout).toContain(
      'git push origin main refs/tags/v1.4.2 && git push --force origin refs/tags/v1'
    );

    // The next release replaces the pins and moves v1 again.
    const second = releaseScript('--repository', 'acme-corp/deploy.actions', '--version', '1.5.0');
    expect(second.status).toBe(0);
    expect(ourUses().every((line) => line.endsWith(`@${commitB} # v1.5.0`))).toBe(true);
    expect(git('rev-parse', 'v1^{commit}')).toBe(git('rev-parse', 'HEAD'));
    const entries = readFileSync(path.join(repo, 'CHANGELOG.md'), 'utf8').match(/^## v\S+/gm);
    expect(entries).toEqual(['## v1.5.0', '## v1.4.2']);
  });

  it('prints the changes on --dry-run and changes nothing', () => {
    const before = repositoryState();
    const run = releaseScript('--repository', 'acme/shop-actions', '--version', '2.0.0', '--dry-run');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `acme/shop-actions/actions/health-gate@${git('rev-parse', 'HEAD')} # v2.0.0`
    );
    expect(run.stdout).toContain('## v2.0.0');
    expect(run.stdout).toContain('Dry run: nothing was changed.');
    expect(repositoryState()).toEqual(before);
  });

  it.each([
    [['--repository', 'acme', '--version', '1.0.0'], /--repository: expected OWNER\/NAME/],
    [['--repository', 'acme/shop; rm -rf /', '--version', '1.0.0'], /--repository/],
    [['--repository', '-acme/shop', '--version', '1.0.0'], /--repository/],
    [['--repository', 'acme/shop', '--version', 'v1.0.0'], /--version: expected a release version X\.Y\.Z/],
    [['--repository', 'acme/shop', '--version', '1.0'], /--version/],
    [['--repository', 'acme/shop', '--version', '1.0.0-rc.1'], /--version/],
    [['--repository', 'acme/shop'], /--version/],
    [['--repository', 'acme/shop', '--version', '0.9.0'], /tag v0\.9\.0 already exists/]
  ])('refuses %j before any git change', (args, message) => {
    const before = repositoryState();
    const run = releaseScript(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(repositoryState()).toEqual(before);
  });

  it('refuses a dirty tree and a branch other than main', () => {
    writeFileSync(path.join(repo, 'README.md'), 'changed\n');
    const before = repositoryState();
    const dirty = releaseScript('--repository', 'acme/shop', '--version', '1.0.0');
    expect(dirty.status).toBe(2);
    expect(dirty.stderr).toContain('the working tree is not clean');
    expect(repositoryState()).toEqual(before);

    git('checkout', '--quiet', '--', 'README.md');
    git('checkout', '--quiet', '-b', 'feature');
    const branch = releaseScript('--repository', 'acme/shop', '--version', '1.0.0');
    expect(branch.status).toBe(2);
    expect(branch.stderr).toContain('releases are cut from main, not feature');
    expect(git('tag', '--list')).toBe('v0.9.0');
  });
});
