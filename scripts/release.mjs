#!/usr/bin/env node
// Cuts a release that consumers can pin:
//   npm run release -- --repository OWNER/NAME --version X.Y.Z [--dry-run] [--no-build-check]
// On a clean `main`, commit A is the current tree (with its rebuilt dist/). The release commit B
// rewrites every `uses:` of this repository's actions (and of its reusable workflows) in
// .github/workflows/*.yml to `OWNER/NAME/<path>@<sha of A> # vX.Y.Z`, and adds the CHANGELOG.md
// entry. B is tagged vX.Y.Z (annotated) and the major tag vX is moved to it. Nothing is pushed:
// the script prints the push command. --dry-run prints the changes and touches nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** A user-fixable problem: printed without a stack, exit code 2. */
export class ReleaseError extends Error {}

const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[A-Za-z0-9._-]{1,100}$/;
const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** Reads and checks the command line; throws ReleaseError before anything is touched. */
export function parseArgs(argv) {
  const options = { dryRun: false, buildCheck: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new ReleaseError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--repository') options.repository = value();
    else if (arg === '--version') options.version = value();
    else if (arg === '--dry-run') options.dryRun = true;
    else if (arg === '--no-build-check') options.buildCheck = false;
    else throw new ReleaseError(`unknown argument ${JSON.stringify(arg)}`);
  }
  if (
    options.repository === undefined ||
    !REPOSITORY.test(options.repository) ||
    options.repository.endsWith('/.') ||
    options.repository.endsWith('/..')
  )
    throw new ReleaseError(
      `--repository: expected OWNER/NAME of the publishing GitHub repository (letters, digits, - in the owner; letters, digits, . _ - in the name), got ${JSON.stringify(options.repository ?? '')}`
    );
  if (options.version === undefined || !VERSION.test(options.version))
    throw new ReleaseError(
      `--version: expected a release version X.Y.Z such as 1.4.2 (no leading v, no pre-release), got ${JSON.stringify(options.version ?? '')}`
    );
  return options;
}

/**
 * Rewrites the `uses:` lines of one workflow that name this repository's actions or workflows,
 * whatever owner and ref they had (the `octo-org/deploy-actions/...@v1` placeholder included).
 * Third-party actions (`owner/repo@ref`, `owner/repo/path@ref` outside actions/) are left alone.
 */
export function pinUses(text, { repository, sha, version, actions, workflows }) {
  const changes = [];
  const pattern =
    /^(\s*(?:-\s+)?uses:\s*)(["']?)[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/((?:actions\/([A-Za-z0-9_.-]+))|(?:\.github\/workflows\/([A-Za-z0-9_.-]+\.ya?ml)))@[^\s"'#]+\2(\s+#.*)?$/;
  const lines = text.split('\n').map((line, index) => {
    const match = pattern.exec(line);
    if (!match) return line;
    const [, prefix, , target, action, workflow] = match;
    if (action !== undefined && !actions.includes(action)) return line;
    if (workflow !== undefined && !workflows.includes(workflow)) return line;
    const pinned = `${prefix}${repository}/${target}@${sha} # v${version}`;
    if (pinned !== line) changes.push({ line: index + 1, before: line.trim(), after: pinned.trim() });
    return pinned;
  });
  return { text: lines.join('\n'), changes };
}

/** The CHANGELOG.md entry of a release: version, date, the pinned sha, one line per commit. */
export function changelogEntry({ version, date, sha, commits }) {
  return [
    `## v${version} (${date})`,
    '',
    `Actions pinned to \`${sha}\`.`,
    '',
    ...(commits.length > 0 ? commits.map((c) => `- ${c}`) : ['- No changes since the previous release.']),
    ''
  ].join('\n');
}

/** The CHANGELOG.md text with `entry` added on top, under the title. */
export function addChangelogEntry(existing, entry) {
  const title = '# Changelog\n';
  const body = existing.startsWith(title) ? existing.slice(title.length).replace(/^\n+/, '') : existing;
  return `${title}\n${entry}${body ? `\n${body}` : ''}`;
}

function git(root, args, options = {}) {
  return execFileSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options
  }).trim();
}

function tryGit(root, args) {
  try {
    return git(root, args);
  } catch {
    return undefined;
  }
}

function listNames(dir, keep) {
  return existsSync(dir) ? readdirSync(dir).filter(keep).sort() : [];
}

/** Runs the release in the repository holding `cwd`; returns what it did, for printing. */
export function release(options, { cwd = process.cwd(), log = console.log, today = new Date() } = {}) {
  const root = tryGit(cwd, ['rev-parse', '--show-toplevel']);
  if (!root) throw new ReleaseError(`${cwd} is not inside a git repository`);
  const tag = `v${options.version}`;
  const major = `v${options.version.split('.')[0]}`;

  const dirty = git(root, ['status', '--porcelain']);
  if (dirty) throw new ReleaseError(`the working tree is not clean; commit or stash first:\n${dirty}`);
  const branch = tryGit(root, ['symbolic-ref', '--short', 'HEAD']);
  if (branch !== 'main')
    throw new ReleaseError(`releases are cut from main, not ${branch ?? 'a detached HEAD'}`);
  if (tryGit(root, ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}`]))
    throw new ReleaseError(`tag ${tag} already exists`);

  if (options.buildCheck) {
    // dist/ is what the actions run: commit A must hold exactly what a fresh build produces.
    log('Rebuilding dist/ to check it is what the sources produce (npm run build)...');
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    const changed = git(root, ['status', '--porcelain']);
    if (changed)
      throw new ReleaseError(`dist/ differs from a fresh build; commit the rebuilt dist/ first:\n${changed}`);
  }

  const sha = git(root, ['rev-parse', 'HEAD']);
  const actions = listNames(path.join(root, 'actions'), (name) =>
    existsSync(path.join(root, 'actions', name, 'action.yml'))
  );
  const workflowDir = path.join(root, '.github', 'workflows');
  const workflows = listNames(workflowDir, (name) => /\.ya?ml$/.test(name));
  const rewritten = workflows.map((file) => {
    const before = readFileSync(path.join(workflowDir, file), 'utf8');
    return {
      file,
      ...pinUses(before, {
        repository: options.repository,
        sha,
        version: options.version,
        actions,
        workflows
      })
    };
  });

  const previous = tryGit(root, [
    'describe',
    '--tags',
    '--abbrev=0',
    '--match',
    'v[0-9]*.[0-9]*.[0-9]*',
    'HEAD'
  ]);
  const commits = git(root, [
    'log',
    '--no-merges',
    '--format=%s (%h)',
    previous ? `${previous}..HEAD` : 'HEAD'
  ])
    .split('\n')
    .filter((line) => line !== '');
  const changelogPath = path.join(root, 'CHANGELOG.md');
  const entry = changelogEntry({
    version: options.version,
    date: today.toISOString().slice(0, 10),
    sha,
    commits
  });

  for (const { file, changes } of rewritten)
    for (const change of changes)
      log(`.github/workflows/${file}:${change.line}: ${change.before}\n  -> ${change.after}`);
  log(`CHANGELOG.md: ${tag} with ${commits.length} commit(s) since ${previous ?? 'the first commit'}`);
  if (options.dryRun) {
    log(`\n${entry}`);
    log(`Dry run: nothing was changed. Commit A would be ${sha}.`);
    return { sha, tag, major, rewritten, commits, dryRun: true };
  }

  for (const { file, text } of rewritten) writeFileSync(path.join(workflowDir, file), text);
  const existing = existsSync(changelogPath) ? readFileSync(changelogPath, 'utf8') : '';
  writeFileSync(changelogPath, addChangelogEntry(existing, entry));
  git(root, [
    'add',
    '--',
    'CHANGELOG.md',
    ...rewritten.map(({ file }) => path.join('.github', 'workflows', file))
  ]);
  git(root, [
    'commit',
    '--quiet',
    '-m',
    `release ${tag}\n\nEvery action this repository's workflows use is pinned to ${sha}.`
  ]);
  const releaseSha = git(root, ['rev-parse', 'HEAD']);
  git(root, ['tag', '--annotate', tag, '-m', `${tag}: actions pinned to ${sha}`, releaseSha]);
  git(root, ['tag', '--force', '--annotate', major, '-m', `${major} moved to ${tag}`, releaseSha]);
  log(`\nCommit A (actions and dist): ${sha}`);
  log(`Release commit B: ${releaseSha}, tagged ${tag}; ${major} moved to it.`);
  log(`Consumers pin .github/workflows/pipeline.yml@${releaseSha} (or @${tag}).`);
  log('Nothing was pushed. To publish:');
  log(`  git push origin main refs/tags/${tag} && git push --force origin refs/tags/${major}`);
  return { sha, releaseSha, tag, major, rewritten, commits, dryRun: false };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    release(parseArgs(process.argv.slice(2)));
  } catch (error) {
    if (!(error instanceof ReleaseError)) throw error;
    console.error(`release: ${error.message}`);
    process.exitCode = 2;
  }
}
