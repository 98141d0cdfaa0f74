/**
 * The rehearsal's world on its own: each third-party stand-in with a StepContext built here, the
 * `docker` stand-in running the backend "image", service containers as local servers, and the
 * production world started and stopped with no process left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseTrivyReport } from '../packages/core/src/preflight/scanners/index.ts';
import type { StandIn, StepContext } from '../rehearsal/engine/stand-in.ts';
import {
  selectTrivyReport,
  standIns,
  startProductionWorld,
  startService,
  stopAll,
  toolsPath,
  VULNERABLE_TRIVY_REPORT,
  type StandInWithPost
} from '../rehearsal/world/index.ts';
import { recordedPids } from '../rehearsal/world/run-dir.ts';
import { repoRoot } from './run-action.ts';
import { buildFrontend } from './workflows/frontend-server.ts';
import {
  freePort,
  httpRequest,
  isAlive,
  POSTGRES_BIN,
  removeDir,
  runChecked,
  waitForHttp
} from './services/index.ts';

const head = execFileSync('git', ['-C', repoRoot, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
let temp: string;
let runDir: string;

beforeAll(() => {
  temp = mkdtempSync(path.join(os.tmpdir(), 'rehearsal-world-'));
  chmodSync(temp, 0o755); // PostgreSQL and nginx workers run as other users when the tests run as root
  runDir = path.join(temp, 'run');
  mkdirSync(runDir);
});

afterAll(async () => {
  await stopAll(runDir);
  rmSync(temp, { recursive: true, force: true });
});

interface TestStep extends StepContext {
  outputs: Record<string, string>;
  lines: string[];
  paths: string[];
}

let jobs = 0;
/** A job of its own (fresh workspace and RUNNER_TEMP) and a step in it. */
function newJob(): { workspace: string; runnerTemp: string } {
  const dir = path.join(temp, `job-${++jobs}`);
  const job = { workspace: path.join(dir, 'workspace'), runnerTemp: path.join(dir, 'temp') };
  mkdirSync(job.workspace, { recursive: true });
  mkdirSync(job.runnerTemp, { recursive: true });
  return job;
}

function step(
  job: { workspace: string; runnerTemp: string },
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): TestStep {
  const outputs: Record<string, string> = {};
  const lines: string[] = [];
  const paths: string[] = [];
  return {
    inputs,
    env: {
      GITHUB_SHA: head,
      HOME: job.runnerTemp,
      PATH: process.env.PATH ?? '',
      RUNNER_TEMP: job.runnerTemp,
      ...env
    },
    workspace: job.workspace,
    runnerTemp: job.runnerTemp,
    runDir,
    outputs,
    lines,
    paths,
    setOutput: (name, value) => void (outputs[name] = value),
    exportVariable: () => undefined,
    addPath: (dir) => void paths.push(dir),
    appendSummary: () => undefined,
    log: (line) => void lines.push(line)
  };
}

function standIn(uses: string): StandIn {
  const found = standIns.find((candidate) => candidate.uses === uses);
  if (!found) throw new Error(`no stand-in for ${uses}`);
  return found;
}

/** A job with the repository checked out at HEAD. */
async function checkedOutJob() {
  const job = newJob();
  await standIn('actions/checkout').run(step(job, { 'persist-credentials': 'false' }));
  return job;
}

async function buildBackend(job: { workspace: string; runnerTemp: string }, tag: string, version: string) {
  const build = step(job, {
    context: 'examples/backend',
    load: 'true',
    push: 'false',
    tags: tag,
    'build-args': `APP_VERSION=${version}\nGIT_SHA=${head}`,
    labels: `org.opencontainers.image.version=${version}`
  });
  await standIn('docker/build-push-action').run(build);
  return build.outputs;
}

/** Runs `docker ...` the way a run: step does: bash, the world's tools first on PATH. */
function docker(job: { runnerTemp: string }, args: string) {
  const result = spawnSync('bash', ['-c', `docker ${args}`], {
    env: {
      ...process.env,
      PATH: [...toolsPath(runDir), process.env.PATH].join(':'),
      RUNNER_TEMP: job.runnerTemp,
      NODE_OPTIONS: ''
    },
    encoding: 'utf8'
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('third-party action stand-ins', () => {
  it('declare the with: keys they honour, one stand-in per action', () => {
    const uses = standIns.map((candidate) => candidate.uses);
    expect(new Set(uses).size).toBe(uses.length);
    expect(standIn('actions/checkout').inputs).toEqual(['ref', 'path', 'persist-credentials', 'fetch-depth']);
  });

  it('checkout fetches the commit into a git repository, or lays the working tree over HEAD', async () => {
    const job = await checkedOutJob();
    const tracked = execFileSync('git', ['-C', repoRoot, 'ls-tree', '-r', '--name-only', head], {
      encoding: 'utf8'
    })
      .split('\n')
      .filter(Boolean);
    for (const file of ['package.json', 'examples/backend/Dockerfile', tracked.at(-1)!])
      expect(readFileSync(path.join(job.workspace, file))).toEqual(
        execFileSync('git', ['-C', repoRoot, 'show', `${head}:${file}`])
      );
    expect(existsSync(path.join(job.workspace, 'node_modules'))).toBe(false);
    const inWorkspace = (...args: string[]) =>
      execFileSync('git', ['-C', job.workspace, ...args], { encoding: 'utf8' }).trim();
    expect(inWorkspace('rev-parse', 'HEAD')).toBe(head);
    expect(inWorkspace('rev-list', '--count', 'HEAD')).toBe('1'); // fetch-depth 1, the default
    expect(inWorkspace('status', '--porcelain')).toBe('');

    const worktree = newJob();
    await standIn('actions/checkout').run(
      step(worktree, { 'fetch-depth': '0' }, { REHEARSAL_CHECKOUT: 'worktree' })
    );
    const status = (dir: string) =>
      execFileSync('git', ['-C', dir, 'status', '--porcelain'], { encoding: 'utf8' });
    expect(status(worktree.workspace)).toBe(status(repoRoot));
    expect(
      Number(
        execFileSync('git', ['-C', worktree.workspace, 'rev-list', '--count', 'HEAD'], { encoding: 'utf8' })
      )
    ).toBeGreaterThan(1);
    await expect(
      standIn('actions/checkout').run(step(newJob(), {}, { GITHUB_SHA: 'f'.repeat(40) }))
    ).rejects.toThrow('is not a commit of the rehearsed repository');
  });

  it('setup-python puts a python that is the Debian python3 first; setup-node picks the asked major', async () => {
    const job = newJob();
    const python = step(job, { 'python-version': '3.11', cache: 'pip' });
    await standIn('actions/setup-python').run(python);
    expect(python.outputs['python-version']).toMatch(/^3\.\d+\.\d+$/);
    const found = execFileSync(
      path.join(python.paths[0]!, 'python'),
      ['-c', 'import sys; print(sys.executable)'],
      {
        encoding: 'utf8'
      }
    );
    expect(found).toBe('/usr/bin/python3\n');
    const pip = spawnSync(
      path.join(python.paths[0]!, 'python'),
      ['-m', 'pip', 'install', 'fastapi', 'surely-not-a-debian-package'],
      {
        encoding: 'utf8'
      }
    );
    expect(pip.status).toBe(1);
    expect(pip.stderr).toContain('not installed on this machine: surely-not-a-debian-package');

    const node = step(job, { 'node-version': '24', cache: 'npm' });
    await standIn('actions/setup-node').run(node);
    expect(node.outputs['node-version']).toMatch(/^v24\./);
    await expect(standIn('actions/setup-node').run(step(job, { cache: 'bower' }))).rejects.toThrow(
      'cache must be one of npm, yarn, pnpm, not bower'
    );
  });

  it('cache misses, saves in post, then hits on the key and restores from a restore-key', async () => {
    const cache = standIn('actions/cache') as StandInWithPost;
    const first = newJob();
    const inputs = { path: '~/.npm', key: 'npm-Linux-abc', 'restore-keys': 'npm-Linux-' };
    const miss = step(first, inputs);
    await cache.run(miss);
    expect(miss.outputs['cache-hit']).toBe('false');
    mkdirSync(path.join(first.runnerTemp, '.npm'));
    writeFileSync(path.join(first.runnerTemp, '.npm', 'index.json'), '{"cached":true}');
    await cache.post(step(first, inputs));

    const second = newJob();
    const hit = step(second, inputs);
    await cache.run(hit);
    expect(hit.outputs['cache-hit']).toBe('true');
    expect(readFileSync(path.join(second.runnerTemp, '.npm', 'index.json'), 'utf8')).toBe('{"cached":true}');

    const third = newJob();
    const partial = step(third, { ...inputs, key: 'npm-Linux-def' });
    await cache.run(partial);
    expect(partial.outputs).toMatchObject({ 'cache-hit': 'false', 'cache-matched-key': 'npm-Linux-abc' });
    expect(existsSync(path.join(third.runnerTemp, '.npm', 'index.json'))).toBe(true);
  });

  it('upload-artifact and download-artifact round-trip files through the run folder', async () => {
    const producer = newJob();
    mkdirSync(path.join(producer.workspace, 'reports', 'nested'), { recursive: true });
    writeFileSync(path.join(producer.workspace, 'reports', 'a.json'), '{"a":1}');
    writeFileSync(path.join(producer.workspace, 'reports', 'nested', 'b.txt'), 'b');
    writeFileSync(path.join(producer.workspace, 'reports', 'skip.log'), 'no');
    const upload = step(producer, {
      name: 'reports',
      path: 'reports/**/*.json\nreports/nested/',
      'if-no-files-found': 'error',
      'retention-days': '30'
    });
    await standIn('actions/upload-artifact').run(upload);
    expect(upload.outputs['artifact-id']).toMatch(/^\d+$/);

    const consumer = newJob();
    await standIn('actions/download-artifact').run(step(consumer, { name: 'reports', path: 'got' }));
    expect(readFileSync(path.join(consumer.workspace, 'got', 'a.json'), 'utf8')).toBe('{"a":1}');
    expect(readFileSync(path.join(consumer.workspace, 'got', 'nested', 'b.txt'), 'utf8')).toBe('b');
    expect(existsSync(path.join(consumer.workspace, 'got', 'skip.log'))).toBe(false);

    await expect(
      standIn('actions/upload-artifact').run(
        step(producer, { name: 'none', path: 'missing/', 'if-no-files-found': 'error' })
      )
    ).rejects.toThrow('no files were found');
    await expect(
      standIn('actions/download-artifact').run(step(consumer, { name: 'never-uploaded' }))
    ).rejects.toThrow('Artifact not found for name: never-uploaded');
  });

  it('build-push records the image with a digest that depends only on the sources and build args', async () => {
    const one = await buildBackend(await checkedOutJob(), 'ghcr.io/octo/backend:1.0.0', '1.0.0');
    const again = await buildBackend(await checkedOutJob(), 'ghcr.io/octo/backend:1.0.0', '1.0.0');
    const other = await buildBackend(await checkedOutJob(), 'ghcr.io/octo/backend:1.0.1', '1.0.1');
    expect(one.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(again.digest).toBe(one.digest);
    expect(other.digest).not.toBe(one.digest);
  });

  it('trivy writes a report preflight reads: clean by default, the selected one when a scenario picks it', async () => {
    const job = await checkedOutJob();
    await buildBackend(job, 'ghcr.io/octo/backend:scan', '1.0.0');
    const scan = (output: string) =>
      standIn('aquasecurity/trivy-action').run(
        step(job, {
          'image-ref': 'ghcr.io/octo/backend:scan',
          scanners: 'vuln',
          format: 'json',
          output,
          'exit-code': '0'
        })
      );
    await scan('reports/clean.json');
    const clean = JSON.parse(readFileSync(path.join(job.workspace, 'reports', 'clean.json'), 'utf8')) as {
      ArtifactName: string;
    };
    expect(clean.ArtifactName).toBe('ghcr.io/octo/backend:scan');
    expect(parseTrivyReport(clean).findings).toEqual([]);

    selectTrivyReport(runDir, VULNERABLE_TRIVY_REPORT);
    try {
      await scan('reports/vulnerable.json');
    } finally {
      rmSync(path.join(runDir, 'world', 'trivy-report.json'));
    }
    const vulnerable = parseTrivyReport(
      JSON.parse(readFileSync(path.join(job.workspace, 'reports', 'vulnerable.json'), 'utf8'))
    );
    expect(vulnerable.findings.map((finding) => finding.severity).sort()).toEqual([
      'critical',
      'critical',
      'medium',
      'medium',
      'medium',
      'medium'
    ]);
  });
});

describe('the docker stand-in', () => {
  it('runs the backend image from source: /health reports the build-arg version', async () => {
    const job = await checkedOutJob();
    await buildBackend(job, 'ghcr.io/octo/backend:run', '3.1.4');
    const port = await freePort();
    const started = docker(
      job,
      `run -d --name backend --network host -e PORT=${port} -e DATABASE_URL=postgresql://nobody@127.0.0.1:1/none -e REDIS_URL=redis://127.0.0.1:1/0 ghcr.io/octo/backend:run`
    );
    expect(started).toMatchObject({ code: 0, stdout: expect.stringMatching(/^[0-9a-f]{64}\n$/) });
    await waitForHttp(`http://127.0.0.1:${port}/health`, 30_000);
    const health = JSON.parse((await httpRequest(`http://127.0.0.1:${port}/health`)).body) as Record<
      string,
      string
    >;
    expect(health).toMatchObject({ version: '3.1.4', git_sha: head });
    expect(docker(job, 'logs backend').code).toBe(0);
    expect(
      docker(
        job,
        'run --rm --network host ghcr.io/octo/backend:run sh -c "python -c \'import os; print(os.environ[\\"APP_VERSION\\"])\'"'
      )
    ).toMatchObject({ code: 0, stdout: '3.1.4\n' });

    const pid = recordedPids(runDir).find((record) => record.name === 'container backend')!.pid;
    expect(docker(job, 'rm -f backend').code).toBe(0);
    expect(isAlive(pid)).toBe(false);
  });

  it('runs the frontend image: the built app, with /health proxied to BACKEND_URL', async () => {
    const job = await checkedOutJob();
    const dist = await buildFrontend();
    try {
      cpSync(dist, path.join(job.workspace, 'examples', 'frontend', 'dist'), { recursive: true });
    } finally {
      removeDir(dist);
    }
    await buildBackend(job, 'ghcr.io/octo/backend:web', '2.7.1');
    await standIn('docker/build-push-action').run(
      step(job, { context: 'examples/frontend', load: 'true', tags: 'ghcr.io/octo/frontend:web' })
    );
    const [backendPort, frontendPort] = await Promise.all([freePort(), freePort()]);
    expect(
      docker(job, `run -d --name backend --network host -e PORT=${backendPort} ghcr.io/octo/backend:web`).code
    ).toBe(0);
    expect(
      docker(
        job,
        `run -d --name frontend --network host -e NGINX_PORT=${frontendPort} -e BACKEND_URL=http://127.0.0.1:${backendPort} ghcr.io/octo/frontend:web`
      ).code
    ).toBe(0);
    const frontend = `http://127.0.0.1:${frontendPort}`;
    await waitForHttp(`${frontend}/health`, 30_000);
    expect(JSON.parse((await httpRequest(`${frontend}/health`)).body)).toMatchObject({ version: '2.7.1' });
    expect((await httpRequest(`${frontend}/`)).body).toContain('<div id="root">');
    expect(docker(job, 'rm -f frontend backend')).toMatchObject({ code: 0, stdout: 'frontend\nbackend\n' });
  });

  it('pushes only after a login, then inspect prints the repository digest', async () => {
    const job = await checkedOutJob();
    const built = await buildBackend(job, 'ghcr.io/octo/backend:push', '1.0.0');
    expect(docker(job, 'push ghcr.io/octo/backend:push')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('not logged in to ghcr.io')
    });
    await expect(
      standIn('docker/build-push-action').run(
        step(job, { context: 'examples/backend', push: 'true', tags: 'ghcr.io/octo/backend:push' })
      )
    ).rejects.toThrow('not logged in to ghcr.io');
    const login = step(job, { registry: 'ghcr.io', username: 'octo-user', password: 'secret' });
    await standIn('docker/login-action').run(login);
    expect(login.lines.join('\n')).not.toMatch(/octo-user|secret/);
    expect(docker(job, 'push ghcr.io/octo/backend:push').code).toBe(0);
    const inspect = docker(
      job,
      `image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' ghcr.io/octo/backend:push`
    );
    expect(inspect).toMatchObject({ code: 0, stdout: `ghcr.io/octo/backend@${built.digest}\n` });
    expect(docker(newJob(), `pull ghcr.io/octo/backend@${built.digest}`).code).toBe(0);
  });

  it('runs the migrate command inside the backend image against a postgres service container', async () => {
    const job = await checkedOutJob();
    await buildBackend(job, 'ghcr.io/octo/backend:migrate', '1.0.0');
    const service = await startService(
      'postgres',
      {
        image: 'postgres:15',
        env: { POSTGRES_PASSWORD: 'postgres', POSTGRES_DB: 'app' },
        ports: ['5432:5432']
      },
      runDir
    );
    try {
      const url = `postgresql://postgres:postgres@127.0.0.1:${service.ports['5432']}/app`;
      const migrated = docker(
        job,
        `run --rm --network host -e DATABASE_URL="${url}" ghcr.io/octo/backend:migrate sh -c "python -m alembic upgrade head"`
      );
      expect(migrated).toMatchObject({ code: 0 });
      const heads = execFileSync('/usr/bin/python3', ['-m', 'alembic', 'heads'], {
        cwd: path.join(repoRoot, 'examples', 'backend'),
        encoding: 'utf8'
      });
      const version = await runChecked(`${POSTGRES_BIN}/psql`, [
        url,
        '-X',
        '-A',
        '-t',
        '-c',
        'select version_num from alembic_version'
      ]);
      expect(heads).toContain(version.stdout.trim());
    } finally {
      await service.stop();
    }
  });

  it('refuses what it does not support, with exit status 2', () => {
    expect(docker(newJob(), 'compose up')).toMatchObject({
      code: 2,
      stderr: 'docker stand-in: `docker compose up` is not supported by the rehearsal\n'
    });
  });
});

describe('service containers', () => {
  const psql = `${POSTGRES_BIN}/psql`;

  it('postgres gives a server with the requested user, password and database', async () => {
    const service = await startService(
      'postgres',
      {
        image: 'postgres:15',
        env: { POSTGRES_USER: 'ci', POSTGRES_PASSWORD: 'pw', POSTGRES_DB: 'test' },
        ports: ['5432:5432'],
        options: '--health-cmd "pg_isready -U postgres" --health-interval 5s'
      },
      runDir
    );
    const pid = recordedPids(runDir).find((record) => record.name === 'service postgres')!.pid;
    try {
      const result = await runChecked(psql, [
        `postgresql://ci:pw@127.0.0.1:${service.ports['5432']}/test`,
        '-X',
        '-A',
        '-t',
        '-c',
        'select current_user, current_database()'
      ]);
      expect(result.stdout.trim()).toBe('ci|test');
      await expect(
        runChecked(psql, [
          `postgresql://ci:wrong@127.0.0.1:${service.ports['5432']}/test`,
          '-X',
          '-c',
          'select 1'
        ])
      ).rejects.toThrow('password authentication failed for user "ci"');
    } finally {
      await service.stop();
    }
    expect(isAlive(pid)).toBe(false);
    await expect(startService('mysql', { image: 'mysql:8', env: {}, ports: [] }, runDir)).rejects.toThrow(
      'no local stand-in for service image mysql:8'
    );
  });
});

describe('the production world', () => {
  it('deploys, shifts weight, promotes and rolls back through its commands, then leaves no process', async () => {
    const world = await startProductionWorld({
      runDir,
      versions: { '1.0.0': {}, '2.0.0': { faultRate: 0.5 } }
    });
    let pids: number[];
    try {
      const command = (input: string, env: Record<string, string>) =>
        runChecked('bash', ['-c', world.env[input]!], { env: { ...process.env, ...env } });
      // Every answer carries the version, the ones a faulty version fails with too.
      const versionOf = async (url: string) => (await httpRequest(`${url}/health`)).headers['x-app-version'];

      await command('production-canary-command', { VERSION: '2.0.0' });
      expect(await versionOf(world.urls.canary)).toBe('2.0.0');
      await command('set-weight-command', { CANARY_WEIGHT: '50' });
      expect(readFileSync(world.env['nginx-upstream-file']!, 'utf8')).toMatch(/weight=50;[\s\S]*weight=50;/);
      await command('production-promote-command', {});
      expect(world.live()).toMatchObject({ stable: '2.0.0', canary: undefined });
      expect(await versionOf(world.urls.production)).toBe('2.0.0');
      await command('production-rollback-command', { ROLLBACK_VERSION: '1.0.0', ROLLBACK_SHA: head });
      expect(await versionOf(world.urls.production)).toBe('1.0.0');
      await expect(command('staging-deploy-command', { VERSION: '9.9.9' })).rejects.toThrow(
        'the world has no version 9.9.9'
      );
      expect(world.commands().map((entry) => entry.command)).toEqual([
        'canary-start',
        'set-weight',
        'promote',
        'redeploy',
        'staging-deploy'
      ]);
    } finally {
      // A process of the program around the world (here the test's own child) is not the world's to stop.
      const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
      try {
        pids = (await world.stop()).map((process) => process.pid);
        expect(isAlive(bystander.pid!)).toBe(true);
      } finally {
        bystander.kill();
      }
    }
    expect(pids.length).toBeGreaterThanOrEqual(7);
    expect(pids.filter((pid) => isAlive(pid))).toEqual([]);
  });
});
