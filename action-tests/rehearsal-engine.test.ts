/**
 * The rehearsal engine on fixture workflows (rehearsal/engine/__fixtures__/workflows), run in a
 * scratch repository whose actions/ and dist/ are this repository's: every supported feature,
 * this repo's real bundles through their action.yml (health-gate; canary-step with its post step
 * and state), environment deployments as the GitHub fake records them, reusable workflows, and
 * each refusal with its file:line. The world (stand-ins, services) is a small fake passed in.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startGitHubFake, type GitHubFake } from './fakes/github/index.ts';
import { startHttpStub, type HttpStub } from './fakes/http-stub.ts';
import { repoRoot } from './run-action.ts';
import { isAlive } from './services/index.ts';
import { CommandReader, Masker, parseFileCommands } from '../rehearsal/engine/commands.ts';
import {
  rehearse,
  renderRehearsal,
  type JobResult,
  type RehearsalEvent,
  type RehearsalResult,
  type RehearsalWorld,
  type RehearseOptions,
  type StandIn,
  type StepContext
} from '../rehearsal/engine/index.ts';

const SHA = '6dcb09b5b57875f334f61aebed695e2e4193db5e';
const API_KEY = 'sk-live-0123456789abcdef';

let scratch: string;
let repo: string;
let toolsDir: string;
let github: GitHubFake;
const stopped: string[] = [];
const serviceLog: string[] = [];

/** A world with one stand-in (checkout writes a file), loopback "services" and one tool on PATH. */
const world: RehearsalWorld = {
  standIns: [
    {
      uses: 'actions/checkout',
      description: 'checks out the repository; here: writes checked-out.txt',
      inputs: ['fetch-depth'],
      run: async (step) => {
        writeFileSync(path.join(step.workspace, 'checked-out.txt'), `ref ${step.env.GITHUB_REF}\n`);
        step.setOutput('ref', step.env.GITHUB_REF ?? '');
        step.log(`fetch-depth ${step.inputs['fetch-depth']}`);
      }
    },
    {
      uses: 'actions/cache',
      description: 'restores and saves a cache; here: records its key',
      inputs: ['key'],
      run: async (step) => {
        step.setOutput('cache-hit', 'false');
      },
      // Like the world's stand-in for actions/cache: a post step that saves when the job passed.
      post: async (step: StepContext) => {
        step.log(`saving cache ${step.inputs.key}`);
      }
    } as StandIn
  ],
  startService: async (id, spec) => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = String((server.address() as net.AddressInfo).port);
    serviceLog.push(
      `start ${id} ${spec.image} ${spec.ports.join(',')} env ${Object.keys(spec.env).join(',')}`
    );
    return {
      ports: Object.fromEntries(spec.ports.map((p) => [p, port])),
      stop: () => {
        serviceLog.push(`stop ${id}`);
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }
    };
  },
  toolsPath: () => [toolsDir],
  stopAll: async (runDir) => {
    stopped.push(runDir);
  }
};

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'rehearsal-engine-'));
  repo = path.join(scratch, 'repo');
  const workflows = path.join(repo, '.github', 'workflows');
  mkdirSync(workflows, { recursive: true });
  const fixtures = path.join(repoRoot, 'rehearsal', 'engine', '__fixtures__', 'workflows');
  for (const file of readdirSync(fixtures))
    copyFileSync(path.join(fixtures, file), path.join(workflows, file));
  symlinkSync(path.join(repoRoot, 'actions'), path.join(repo, 'actions'));
  symlinkSync(path.join(repoRoot, 'dist'), path.join(repo, 'dist'));
  toolsDir = path.join(scratch, 'tools');
  mkdirSync(toolsDir);
  writeFileSync(path.join(toolsDir, 'fake-tool'), '#!/bin/sh\necho "the world\'s tool"\n');
  chmodSync(path.join(toolsDir, 'fake-tool'), 0o755);
  github = await startGitHubFake();
  github.state.setBranch('main', SHA);
});

afterAll(async () => {
  await github.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Writes an inline workflow into the scratch repository (refusal cases). */
function writeWorkflow(name: string, text: string): string {
  writeFileSync(path.join(repo, '.github', 'workflows', name), text);
  return `.github/workflows/${name}`;
}

function run(
  workflow: string,
  event: RehearsalEvent,
  extra: Partial<RehearseOptions> = {}
): Promise<RehearsalResult> {
  return rehearse({
    workflow: workflow.includes('/') ? workflow : `.github/workflows/${workflow}`,
    event,
    github,
    world,
    repoRoot: repo,
    runDir: mkdtempSync(path.join(scratch, 'run-')),
    secrets: { API_KEY },
    vars: { REGION: 'eu-west-1' },
    ...extra
  });
}

function job(result: RehearsalResult, id: string): JobResult {
  const found = result.jobs.find((j) => j.id === id);
  if (!found) throw new Error(`no job ${id} in ${result.jobs.map((j) => j.id).join(', ')}`);
  return found;
}

const logOf = (result: RehearsalResult) => result.jobs.flatMap((j) => j.log).join('\n');

describe('the rehearsal engine runs a workflow as GitHub does', () => {
  let result: RehearsalResult;
  beforeAll(async () => {
    result = await run('basics.yml', { name: 'push', branch: 'main' });
  });

  it('runs the jobs in needs order with job-level status functions', () => {
    expect(result.refusal).toBeUndefined();
    expect(result.jobs.map((j) => `${j.id}:${j.result}`)).toEqual([
      'build:failure',
      'after-success:skipped',
      'after-failure:success'
    ]);
    expect(result.conclusion).toBe('failure');
    expect(job(result, 'build').runsOn).toBe('ubuntu-24.04');
  });

  it('gives each step its outcome and conclusion (continue-on-error, failure(), always())', () => {
    expect(job(result, 'build').steps.map((s) => `${s.name}:${s.outcome}/${s.conclusion}`)).toEqual([
      'Run actions/checkout@v4:success/success',
      'Run echo "layers: $LAYER $FROM_WORKFLOW":success/success',
      'Later steps see GITHUB_ENV:success/success',
      'Masking:success/success',
      'Run exit 3:failure/success',
      'Sees the flaky step:success/success',
      'Fails:failure/failure',
      'Skipped after a failure:skipped/skipped',
      'Runs on failure:success/success',
      'Always:success/success'
    ]);
    expect(logOf(result)).toContain('flaky outcome=failure conclusion=success');
    expect(logOf(result)).toContain('failure() is true');
  });

  it('layers env (workflow < job < step), applies GITHUB_ENV heredocs and PATH', () => {
    const log = logOf(result);
    expect(log).toContain('layers: step w');
    expect(log).toContain('job build is build');
    expect(log).toContain('layer now: job');
    expect(log).toContain('multi: first|second=2|');
    expect(log).toContain('single: one');
    expect(log).toContain("tool: the world's tool");
    expect(log).toContain('var: eu-west-1');
  });

  it('evaluates hashFiles over the workspace the stand-in filled', () => {
    expect(logOf(result)).toMatch(/hash: [0-9a-f]{64}/);
    expect(logOf(result)).toContain('fetch-depth 1');
  });

  it('passes step and job outputs (heredoc values included) through needs', () => {
    expect(job(result, 'build').outputs).toEqual({ greeting: 'hello main', letter: 'line one\nline two' });
    expect(logOf(result)).toContain("in sub: hello main, failure, leaked=''");
    expect(logOf(result)).toContain('letter: line one');
    expect(logOf(result)).toContain('in deeper');
  });

  it('masks secrets and ::add-mask:: values, and reads workflow commands line by line', () => {
    const log = logOf(result);
    expect(log).not.toContain(API_KEY);
    expect(log).toContain('secret: ***');
    expect(log).not.toContain('generated-value-123');
    expect(log).toContain('after mask: ***');
    expect(log).toContain('cr one');
    expect(log).toContain('cr three');
    expect(log).toContain('::error::not a command while stopped');
    expect(log).toContain('coloured red and a bell\ufffd');
    expect(job(result, 'build').annotations).toEqual([
      { level: 'warning', message: 'from a CR line' },
      { level: 'error', message: 'a real error' }
    ]);
  });

  it('starts the services for the job and stops them; the world is stopped at the end', () => {
    expect(serviceLog).toEqual(['start db postgres:15 5432 env POSTGRES_PASSWORD', 'stop db']);
    expect(logOf(result)).toMatch(/db port \d+/);
    expect(stopped).toContain(result.runDir);
  });

  it('keeps the step summaries and renders the run for a terminal', () => {
    expect(job(result, 'build').summaries).toEqual(['## Build summary\n']);
    const text = renderRehearsal(result, { color: false });
    expect(text).toContain('✖ build  failure');
    expect(text).toContain('○ after-success  skipped');
    expect(text).toContain('Build summary');
    expect(text).not.toContain(API_KEY);
  });
});

describe("this repository's actions run from dist/ through their action.yml", () => {
  let stub: HttpStub;
  beforeAll(async () => {
    stub = await startHttpStub((req) =>
      req.url === '/health'
        ? { status: 200, body: JSON.stringify({ status: 'pass', version: '1.0.0' }) }
        : { status: 404, body: '{}' }
    );
  });
  afterAll(() => stub.close());

  it('health-gate: dispatch inputs typed with defaults, real bundle, deployment in_progress then success', async () => {
    const result = await run('health.yml', { name: 'workflow_dispatch', inputs: { url: stub.url } });
    expect(result.refusal).toBeUndefined();
    const gate = job(result, 'gate');
    expect(gate.steps.map((s) => `${s.name}:${s.outcome}`)).toEqual([
      'Inputs as typed:success',
      'Run octo-org/deploy-actions/actions/health-gate@v1:success'
    ]);
    expect(logOf(result)).toContain('samples=5 strict=true typed=true event=true');
    expect(gate.summaries.join('\n')).toMatch(/health/i);
    expect(stub.requests.filter((r) => r.path === '/health').length).toBeGreaterThanOrEqual(6);
    expect(result.deployments).toHaveLength(1);
    const [deployment] = result.deployments;
    expect(deployment).toMatchObject({ environment: 'staging', ref: 'main', sha: SHA, task: 'deploy' });
    expect(deployment!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(deployment!.statuses[1]!.environmentUrl).toBe(stub.url);
    expect(github.violations).toEqual([]);
  });

  it('a later successful deployment makes the earlier one inactive; a failed one records failure', async () => {
    const first = await run('health.yml', { name: 'workflow_dispatch', inputs: { url: stub.url } });
    const second = await run('health.yml', { name: 'workflow_dispatch', inputs: { url: stub.url } });
    expect(second.conclusion).toBe('success');
    expect(first.deployments[0]!.statuses.map((s) => s.state)).toEqual([
      'in_progress',
      'success',
      'inactive'
    ]);
    const failed = await run('health.yml', {
      name: 'workflow_dispatch',
      inputs: { url: `${stub.url}/nowhere`, environment: 'production', strict: 'false' }
    });
    expect(failed.conclusion).toBe('failure');
    expect(failed.deployments.map((d) => [d.environment, d.statuses.map((s) => s.state)])).toEqual([
      ['production', ['in_progress', 'failure']]
    ]);
    expect(second.deployments[0]!.statuses.at(-1)!.state).toBe('success');
  });

  it('canary-step: main saves its state, the job timeout kills it, always() and post (post-if) still run', async () => {
    const result = await run(
      'canary-post.yml',
      { name: 'push' },
      { vars: { CANARY_URL: `${stub.url}/health`, STABLE_URL: `${stub.url}/health` } }
    );
    const canary = job(result, 'canary');
    expect(canary.result).toBe('failure');
    expect(canary.error).toMatch(/timeout-minutes \(0\.15\)/);
    expect(canary.steps.map((s) => `${s.name}:${s.outcome}`)).toEqual([
      'Run ./actions/canary-step:failure',
      'Run cat "$RUNNER_TEMP/calls":success',
      'Post Run ./actions/canary-step:success'
    ]);
    // The cancelled job still ran the always() step: it saw main's 25 before post's reset.
    expect(canary.log).toContain('Run cat "$RUNNER_TEMP/calls": 25');
    // 25 from main; 0 from post, through the command router main saved in its state.
    const [jobDir] = readdirSync(path.join(result.runDir, 'jobs'));
    expect(readFileSync(path.join(result.runDir, 'jobs', jobDir!, 'temp', 'calls'), 'utf8')).toBe('25\n0\n');
    expect(canary.summaries.join('\n')).toMatch(/canary weight reset to 0/);
  });
});

describe('environment secrets and variables', () => {
  it('reach only the jobs that name the environment; deployment: false records no deployment', async () => {
    const file = writeWorkflow(
      'environments.yml',
      [
        'on: push',
        'jobs:',
        '  deploy:',
        '    runs-on: ubuntu-24.04',
        '    environment: production',
        '    steps:',
        '      - run: echo "db=${{ secrets.DATABASE_URL }} region=${{ vars.REGION }} cmd=${{ vars.REDEPLOY }}"',
        '  rollback:',
        '    runs-on: ubuntu-24.04',
        '    environment: { name: production, deployment: false }',
        '    steps:',
        '      - run: echo "rollback cmd=${{ vars.REDEPLOY }}"',
        '  elsewhere:',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - run: echo "outside db=[${{ secrets.DATABASE_URL }}] cmd=[${{ vars.REDEPLOY }}]"',
        ''
      ].join('\n')
    );
    const before = github.state.deployments.length;
    const result = await run(
      file,
      { name: 'push', branch: 'main' },
      {
        environments: {
          production: {
            secrets: { DATABASE_URL: 'postgresql://app:Pr0dSecret@db/app' },
            vars: { REDEPLOY: './back.sh' }
          }
        }
      }
    );
    expect(result.conclusion).toBe('success');
    expect(job(result, 'deploy').log.join('\n')).toContain('db=*** region=eu-west-1 cmd=./back.sh');
    expect(job(result, 'rollback').log.join('\n')).toContain('rollback cmd=./back.sh');
    expect(job(result, 'elsewhere').log.join('\n')).toContain('outside db=[] cmd=[]');
    expect(logOf(result)).not.toContain('Pr0dSecret');
    const created = github.state.deployments.slice(before);
    expect(created.map((d) => d.environment)).toEqual(['production']);
  });
});

describe("cancelling a run as GitHub's Cancel workflow does", () => {
  it('SIGINT to the running step, then only always() steps; the job is cancelled, jobs after it too', async () => {
    const file = writeWorkflow(
      'cancel.yml',
      [
        'on: push',
        'jobs:',
        '  deploy:',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - name: long',
        '        run: |',
        '          trap \'echo "got SIGINT"; exit 130\' INT',
        '          echo started',
        '          for i in $(seq 1 300); do sleep 0.1; done',
        '      - name: next',
        '        run: echo "next ran"',
        '      - name: cleanup',
        '        if: always()',
        '        run: echo "cleanup ran (job status ${{ job.status }})"',
        '  later:',
        '    needs: deploy',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - run: echo "later ran"',
        '  always-later:',
        '    needs: deploy',
        '    if: always()',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - run: \'echo "always-later ran: ${{ needs.deploy.result }}"\'',
        ''
      ].join('\n')
    );
    const cancel = new AbortController();
    const result = await run(
      file,
      { name: 'push', branch: 'main' },
      {
        cancel: cancel.signal,
        onLog: (line) => {
          if (line.includes('long: started')) cancel.abort();
        }
      }
    );
    expect(result.refusal).toBeUndefined();
    const deploy = job(result, 'deploy');
    expect(deploy.result).toBe('cancelled');
    expect(deploy.steps.map((s) => `${s.name}:${s.outcome}`)).toEqual([
      'long:failure',
      'next:skipped',
      'cleanup:success'
    ]);
    const log = logOf(result);
    expect(log).toContain('got SIGINT');
    expect(log).toContain('cleanup ran (job status cancelled)');
    expect(log).not.toContain('next ran');
    expect(job(result, 'later').result).toBe('cancelled');
    expect(log).toContain('always-later ran: cancelled');
    expect(result.cancelled).toBe(true);
  });
});

describe('reusable workflows', () => {
  const DEPLOY_TOKEN = 'dt-9f8e7d6c5b4a3210';

  it('passes inputs (typed, with defaults) and secrets, runs nested calls, returns outputs', async () => {
    const result = await run('caller.yml', { name: 'push' }, { secrets: { DEPLOY_TOKEN } });
    expect(result.refusal).toBeUndefined();
    expect(result.jobs.map((j) => `${j.id}:${j.result}`)).toEqual([
      'call / work:success',
      'call / deeper / leaf:success',
      'use:success'
    ]);
    const log = logOf(result);
    expect(log).toContain("got 'octocat x3 loud=false' and 'two levels' (success)");
    expect(log).toContain('token is ***; event push');
    expect(log).toContain('inherited ***');
    expect(log).not.toContain(DEPLOY_TOKEN);
  });

  it('runs a reusable workflow for workflow_call from a test and returns its outputs', async () => {
    const result = await run(
      'reusable.yml',
      { name: 'workflow_call', inputs: { who: 'lead', loud: true } },
      { secrets: { token: DEPLOY_TOKEN } }
    );
    expect(result.conclusion).toBe('success');
    expect(result.outputs).toEqual({ message: 'lead x1 loud=true', nested: 'two levels' });
  });

  it('refuses an undeclared input, a missing required input and a missing required secret', async () => {
    const file = writeWorkflow(
      'bad-call.yml',
      [
        'on: push',
        'jobs:',
        '  call:',
        '    uses: ./.github/workflows/reusable.yml',
        '    with:',
        '      who: me',
        '      colour: red',
        ''
      ].join('\n')
    );
    expect((await run(file, { name: 'push' })).refusal).toMatch(
      /^\.github\/workflows\/bad-call\.yml:7:7: 'colour' is not an input of \.github\/workflows\/reusable\.yml/
    );
    writeWorkflow('bad-call.yml', 'on: push\njobs:\n  call:\n    uses: ./.github/workflows/reusable.yml\n');
    expect((await run(file, { name: 'push' })).refusal).toMatch(
      /bad-call\.yml:4:\d+: input who .* is required/
    );
    writeWorkflow(
      'bad-call.yml',
      'on: push\njobs:\n  call:\n    uses: ./.github/workflows/reusable.yml\n    with:\n      who: me\n'
    );
    expect((await run(file, { name: 'push' })).refusal).toMatch(
      /bad-call\.yml:4:\d+: secret token .* is required/
    );
  });
});

describe('workflow_dispatch inputs', () => {
  it('refuses a missing required input, an unknown one, a bad choice and a bad boolean', async () => {
    const dispatch = (inputs: Record<string, string>) =>
      run('health.yml', { name: 'workflow_dispatch', inputs }).then((r) => r.refusal);
    expect(await dispatch({})).toMatch(/^\.github\/workflows\/health\.yml:\d+:\d+: input url .* is required/);
    expect(await dispatch({ url: 'http://x', colour: 'red' })).toMatch(/'colour' is not an input/);
    expect(await dispatch({ url: 'http://x', environment: 'qa' })).toMatch(
      /input environment must be one of staging, production: got 'qa'/
    );
    expect(await dispatch({ url: 'http://x', strict: 'yes' })).toMatch(/input strict is a boolean/);
  });

  it('refuses a push to a branch the branches filter leaves out', async () => {
    expect((await run('basics.yml', { name: 'push', branch: 'feature/x' })).refusal).toMatch(
      /^\.github\/workflows\/basics\.yml:6:\d+: a push to feature\/x does not trigger .* \(branches: main\)/
    );
  });

  it('refuses an event the workflow does not run on', async () => {
    expect((await run('health.yml', { name: 'push' })).refusal).toMatch(
      /^\.github\/workflows\/health\.yml:\d+:\d+: .* does not run on push \(on: workflow_dispatch\)/
    );
  });
});

describe('what the rehearsal cannot run fails it, with the file and line', () => {
  const refusalOf = async (name: string, steps: string[], jobExtra: string[] = []) => {
    const file = writeWorkflow(
      name,
      [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-24.04',
        ...jobExtra,
        '    steps:',
        ...steps,
        ''
      ].join('\n')
    );
    const result = await run(file, { name: 'push' });
    expect(result.conclusion).toBe('failure');
    return result.refusal;
  };

  it('an unknown expression function or context', async () => {
    expect(await refusalOf('fn.yml', ['      - run: echo ${{ fooBar(1) }}'])).toMatch(
      /^\.github\/workflows\/fn\.yml:6:\d+: .*fooBar/
    );
    expect(await refusalOf('ctx.yml', ['      - run: echo ${{ matrix.os }}'])).toMatch(
      /^\.github\/workflows\/ctx\.yml:6:\d+: .*matrix/
    );
  });

  it('a key the parser rejects, or one the rehearsal does not support (container, matrix)', async () => {
    expect(await refusalOf('key.yml', ['      - run: echo', '        bogus: 1'])).toMatch(
      /\.github\/workflows\/key\.yml:7:\d+: Unexpected value 'bogus'/
    );
    expect(await refusalOf('container.yml', ['      - run: echo'], ['    container: node:24'])).toMatch(
      /^\.github\/workflows\/container\.yml:5:5: the rehearsal does not support 'container' in job a/
    );
    expect(
      await refusalOf(
        'matrix.yml',
        ['      - run: echo'],
        ['    strategy:', '      matrix:', '        n: [1, 2]']
      )
    ).toMatch(/^\.github\/workflows\/matrix\.yml:5:5: the rehearsal does not support 'strategy' in job a/);
  });

  it('a third-party action without a stand-in, or a with: key its stand-in does not honour', async () => {
    expect(await refusalOf('missing.yml', ['      - uses: docker/foo@v1'])).toBe(
      '.github/workflows/missing.yml:6:15: no stand-in for docker/foo@v1; the rehearsal declares stand-ins in rehearsal/world/stand-ins.ts'
    );
    expect(
      await refusalOf('standin-key.yml', [
        '      - uses: actions/checkout@v4',
        '        with:',
        '          ref: x'
      ])
    ).toMatch(
      /^\.github\/workflows\/standin-key\.yml:8:11: the stand-in for actions\/checkout does not honour 'ref'/
    );
  });

  it("a with: key this repository's action.yml does not declare", async () => {
    expect(
      await refusalOf('our-key.yml', [
        '      - uses: ./actions/health-gate',
        '        with:',
        '          url: http://127.0.0.1:1',
        '          bogus: 1'
      ])
    ).toMatch(
      /^\.github\/workflows\/our-key\.yml:9:11: 'bogus' is not an input of actions\/health-gate\/action\.yml/
    );
  });

  it('a shell it does not run, and the deprecated ::set-output:: command', async () => {
    expect(await refusalOf('shell.yml', ['      - run: echo', '        shell: pwsh'])).toMatch(
      /^\.github\/workflows\/shell\.yml:7:\d+: the rehearsal runs shell bash or sh, not 'pwsh'/
    );
    expect(await refusalOf('set-output.yml', ['      - run: echo "::set-output name=x::1"'])).toMatch(
      /^\.github\/workflows\/set-output\.yml:6:\d+: the deprecated ::set-output:: command is refused/
    );
  });
});

describe("a stand-in's post step", () => {
  const workflow = (last: string) =>
    writeWorkflow(
      'cache.yml',
      [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - uses: actions/cache@v4',
        '        with:',
        "          key: deps-${{ hashFiles('none') }}x",
        `      - run: ${last}`,
        ''
      ].join('\n')
    );

  it('runs at the end of a successful job with the same inputs, and not after a failure', async () => {
    const passed = await run(workflow('echo ok'), { name: 'push' });
    expect(job(passed, 'a').steps.map((s) => `${s.name}:${s.outcome}`)).toEqual([
      'Run actions/cache@v4:success',
      'Run echo ok:success',
      'Post Run actions/cache@v4:success'
    ]);
    expect(logOf(passed)).toContain('Post Run actions/cache@v4: saving cache deps-x');
    const failed = await run(workflow('exit 1'), { name: 'push' });
    expect(job(failed, 'a').steps.map((s) => `${s.name}:${s.outcome}`)).toEqual([
      'Run actions/cache@v4:success',
      'Run exit 1:failure',
      'Post Run actions/cache@v4:skipped'
    ]);
  });
});

describe('npm run rehearse', () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'rehearse.mjs'), '--skip-setup', ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' }
    });

  it('--help lists the scenarios and says jobs run one at a time', () => {
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('engine-smoke');
    expect(help.stdout).toContain('jobs one at a time in needs order');
  });

  it('a bad command line exits 2 and says what is wrong', () => {
    const bad = cli(['--workflow', 'x.yml', '--input', 'a=b']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('rehearse: --input is for --event workflow_dispatch');
    expect(cli(['--event', 'pull_request']).stderr).toContain(
      '--event must be push or workflow_dispatch, not pull_request'
    );
  });
});

describe('timeouts and continue-on-error', () => {
  it("kills a step at its timeout-minutes; a job's continue-on-error keeps the run green", async () => {
    const file = writeWorkflow(
      'slow.yml',
      [
        'on: push',
        'jobs:',
        '  slow:',
        '    runs-on: ubuntu-24.04',
        '    continue-on-error: true',
        '    steps:',
        '      - run: sleep 60',
        '        timeout-minutes: 0.02',
        '      - if: always()',
        '        run: echo after',
        '  next:',
        '    needs: slow',
        '    if: always()',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - run: echo "slow was ${{ needs.slow.result }}"',
        ''
      ].join('\n')
    );
    const result = await run(file, { name: 'push' });
    const slow = job(result, 'slow');
    expect(slow.steps.map((s) => `${s.name}:${s.outcome}:${s.error ?? ''}`)).toEqual([
      'Run sleep 60:failure:timed out',
      'Run echo after:success:'
    ]);
    // Killed at about 1.2 s; far below the 60 s it would sleep.
    expect(slow.steps[0]!.durationMs).toBeLessThan(30_000);
    expect(slow.result).toBe('failure');
    // GitHub shows the job failed, yet tells the jobs after it `success` (actions/runner#1161).
    expect(logOf(result)).toContain('slow was success');
    expect(result.conclusion).toBe('success');
  });
});

describe('background processes a step leaves', () => {
  it('do not hold the step; they are killed when the job ends', async () => {
    const file = writeWorkflow(
      'background.yml',
      [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - run: |',
        '          sleep 300 &',
        '          echo $! > "$RUNNER_TEMP/background.pid"',
        '          echo started',
        '      - run: kill -0 "$(cat "$RUNNER_TEMP/background.pid")" && echo still running',
        ''
      ].join('\n')
    );
    const result = await run(file, { name: 'push' });
    expect(result.conclusion).toBe('success');
    expect(logOf(result)).toContain('still running');
    // Without the cleanup the first step would wait for its child's 300 s.
    expect(job(result, 'a').steps[0]!.durationMs).toBeLessThan(60_000);
    const [jobDir] = readdirSync(path.join(result.runDir, 'jobs'));
    const pid = Number(
      readFileSync(path.join(result.runDir, 'jobs', jobDir!, 'temp', 'background.pid'), 'utf8')
    );
    // SIGKILL was sent when the job ended; the process is gone as soon as it is scheduled.
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(pid)).toBe(false);
  });
});

describe('the runner files and workflow commands, parsed as the runner parses them', () => {
  it.each([
    ['name=value lines', 'a=1\nb=x=y\n', { a: '1', b: 'x=y' }],
    ['a heredoc keeps = and blank lines', 'v<<EOF\nk=1\n\nend\nEOF\n', { v: 'k=1\n\nend' }],
    ['= before << is a plain value', 'a=b<<c\n', { a: 'b<<c' }],
    ['CRLF line ends', 'a=1\r\nv<<X\r\nline\r\nX\r\n', { a: '1', v: 'line' }]
  ])('%s', (_, text, expected) => {
    expect(parseFileCommands(text, 'GITHUB_OUTPUT')).toEqual(expected);
  });

  it('refuses a heredoc whose delimiter never comes, and a line that is neither form', () => {
    expect(() => parseFileCommands('v<<EOF\nno end\n', 'GITHUB_ENV')).toThrow(
      "GITHUB_ENV: no line 'EOF' ends the value of v (heredoc)"
    );
    expect(() => parseFileCommands('just text\n', 'GITHUB_OUTPUT')).toThrow(/neither name=value nor/);
  });

  it('splits output on \\r, \\n and \\r\\n, also when \\r\\n straddles two chunks', () => {
    const lines: string[] = [];
    const masker = new Masker();
    masker.add('hunter22');
    const reader = new CommandReader(masker, (line) => lines.push(line));
    for (const chunk of [
      'one\r',
      '\ntwo\rthree',
      '\n::add-mask::s3cr3t-value\nx s3cr3t-value hunter22',
      '\n::warn'
    ])
      reader.write(chunk);
    reader.write('ing::careful\r\n');
    reader.end();
    expect(lines).toEqual(['one', 'two', 'three', 'x *** ***', 'warning: careful']);
    expect(reader.annotations).toEqual([{ level: 'warning', message: 'careful' }]);
  });
});

describe('cancelling a rehearsal (Ctrl-C in npm run rehearse)', () => {
  it('kills the running step, starts nothing more and ends with the jobs as far as they got', async () => {
    const file = writeWorkflow(
      'cancel.yml',
      [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - run: echo "$$" > "$RUNNER_TEMP/step.pid"; sleep 300',
        '      - if: always()',
        '        run: echo cleanup',
        '  b:',
        '    needs: a',
        '    if: always()',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - run: echo never',
        ''
      ].join('\n')
    );
    const controller = new AbortController();
    const result = await run(
      file,
      { name: 'push' },
      {
        signal: controller.signal,
        onLog: (line) => {
          if (line.includes('▶ start')) setTimeout(() => controller.abort(), 300);
        }
      }
    );
    expect(result.cancelled).toBe(true);
    expect(result.conclusion).toBe('failure');
    expect(result.jobs.map((j) => `${j.id}:${j.result}`)).toEqual(['a:cancelled', 'b:cancelled']);
    expect(job(result, 'a').steps.map((s) => `${s.outcome}`)).toEqual(['failure', 'skipped']);
    expect(job(result, 'a').steps[0]!.durationMs).toBeLessThan(60_000);
    const [jobDir] = readdirSync(path.join(result.runDir, 'jobs'));
    const pid = Number(readFileSync(path.join(result.runDir, 'jobs', jobDir!, 'temp', 'step.pid'), 'utf8'));
    for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(pid)).toBe(false);
  });
});
