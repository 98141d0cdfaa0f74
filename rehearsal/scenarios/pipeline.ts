/**
 * The pipeline's scenarios: the real workflow files, called the way an adopter calls them, against
 * the production world (nginx, Prometheus, PostgreSQL, Redis, the example app from source).
 *
 * The caller's inputs are an adopter's, pointed at the world, with the tools this machine lacks
 * left empty (ruff, mypy, a frontend linter: their steps warn that they were skipped) and durations
 * short enough for a test. Everything else is the pipeline's own default.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GitHubFake } from '../../action-tests/fakes/github/index.ts';
import type { DeploymentRecord } from '../../action-tests/fakes/github/state.ts';
import { buildFrontend, startFrontendServer } from '../../action-tests/workflows/frontend-server.ts';
import { removeDir } from '../../action-tests/services/index.ts';
import { startLoad, type LoadStats } from '../../demo/load.ts';
import type { RehearsalResult } from '../engine/index.ts';
import { defaultBaseEnv } from '../engine/run-context.ts';
import { startProductionWorld, type ProductionWorld, type VersionBehaviour } from '../world/index.ts';
import type { Scenario, ScenarioContext, ScenarioOutcome } from './scenario.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const GOOD = '1.1.0';
const BAD = '1.2.0';
/**
 * Versions of the world: 1.0.0 runs at the start; 1.2.0 answers 250 ms slower in production (its
 * gates pass: the canary's comparison with the stable version is what catches it).
 */
const VERSIONS: Record<string, VersionBehaviour> = {
  '1.0.0': {},
  [GOOD]: {},
  [BAD]: { faultLatencyMs: 250, productionOnly: true }
};
/** User traffic through nginx while the pipeline runs, so Prometheus has requests to compare. */
const LOAD_RPS = 40;
const LOAD_PATHS = ['/api/items', '/health'];

export function commitOf(revision: string): string {
  return execFileSync('git', ['rev-parse', revision], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
}

/** What an adopter's caller gives pipeline.yml, pointed at the world. */
export function pipelineInputs(
  world: ProductionWorld,
  version: string,
  overrides: Record<string, string | number | boolean> = {}
): Record<string, string | number | boolean> {
  const env = world.env;
  return {
    version,
    'backend-directory': 'examples/backend',
    'frontend-directory': 'examples/frontend',
    'backend-image-name': 'example-backend',
    'frontend-image-name': 'example-frontend',
    // Debian carries pytest-cov; pip-audit is stood in for by the rehearsal's python.
    'python-tools': 'pytest-cov pip-audit',
    'backend-lint-command': '',
    'backend-typecheck-command': '',
    'frontend-lint-command': '',
    'frontend-typecheck-command': '',
    'frontend-test-command': '',
    'coverage-threshold': 60,
    'playwright-install-command': 'npm install --no-save --no-audit --no-fund playwright-core@1.65.1',
    'e2e-command': 'CHROMIUM_PATH=/usr/bin/chromium node e2e/smoke.mjs',
    'e2e-smoke-command': '',
    smoke: 'GET /api/items 200',
    'frontend-smoke': 'GET / 200 id="root"',
    'probe-path': '/api/items',
    'latency-samples': 20,
    'health-deadline': '2m',
    'staging-watch': '3s',
    'watch-interval': '1s',
    'staging-url': world.urls.staging,
    'staging-deploy-command': env['staging-deploy-command']!,
    'production-url': world.urls.production,
    'canary-url': world.urls.canary,
    'stable-url': world.urls.stable,
    'production-canary-command': env['production-canary-command']!,
    'production-promote-command': env['production-promote-command']!,
    'production-rollback-command': env['production-rollback-command']!,
    router: 'command',
    'set-weight-command': env['set-weight-command']!,
    'canary-metrics': 'prometheus',
    'prometheus-url': world.urls.prometheus,
    'canary-duration': '9s',
    'canary-interval': '3s',
    'min-requests': 5,
    // A p99 over a dozen requests on a shared 2-core machine is one slow request; the bad release
    // below is fifty times slower.
    'max-p99-ratio': 10,
    'freeze-windows': 'none',
    'rollback-recovery-window': '',
    'notify-format': 'json',
    ...overrides
  };
}

/** The repository's environments as GitHub holds them: production behind required reviewers. */
export function prepareGitHub(github: GitHubFake): void {
  const state = github.state;
  if (!state.findEnvironment('staging')) state.addEnvironment({ name: 'staging' });
  if (!state.findEnvironment('production'))
    state.addEnvironment({
      name: 'production',
      reviewers: [{ type: 'Team', name: 'release-managers' }]
    });
}

/** Each environment's own secrets, as Settings → Environments holds them. */
export function environments(world: ProductionWorld) {
  return {
    staging: {
      secrets: { DATABASE_URL: world.env.STAGING_DATABASE_URL!, DEPLOY_TOKEN: 'staging-deploy-token' }
    },
    production: {
      secrets: {
        DATABASE_URL: world.env.PRODUCTION_DATABASE_URL!,
        DEPLOY_TOKEN: 'production-deploy-token',
        NOTIFY_WEBHOOK: world.env.NOTIFY_WEBHOOK!
      }
    }
  };
}

/** A push of `sha` to main with CI green, and the pipeline called for it as an adopter's caller does. */
async function release(
  context: ScenarioContext,
  world: ProductionWorld,
  version: string,
  sha: string,
  options: { cancel?: AbortSignal } = {}
): Promise<{ result: RehearsalResult; load: LoadStats }> {
  const state = context.github.state;
  state.setBranch('main', sha);
  state.addCheckRun({ sha, name: 'ci / npm test', conclusion: 'success' });
  const load = startLoad(world.urls.production, LOAD_RPS, LOAD_PATHS);
  try {
    const result = await context.rehearse({
      workflow: '.github/workflows/pipeline.yml',
      event: {
        name: 'workflow_call',
        branch: 'main',
        inputs: pipelineInputs(world, version),
        callerEvent: 'push'
      },
      sha,
      environments: environments(world),
      ...(options.cancel ? { cancel: options.cancel } : {}),
      // The commit's tree as checked in, with uncommitted changes laid over it when rehearsing HEAD.
      baseEnv: {
        ...defaultBaseEnv(),
        REHEARSAL_CHECKOUT: sha === commitOf('HEAD') ? 'worktree' : 'commit'
      }
    });
    return { result, load: await load.stop() };
  } catch (error) {
    await load.stop();
    throw error;
  }
}

/** Checks a rehearsal against what was meant; each miss is one line. */
class Expectations {
  readonly problems: string[] = [];
  that(holds: boolean, problem: string): void {
    if (!holds) this.problems.push(problem);
  }
}

const jobResult = (result: RehearsalResult, id: string) => result.jobs.find((job) => job.id === id)?.result;
const recordOf = (deployment: DeploymentRecord | undefined) =>
  deployment?.payload as { schema?: string; version?: string; images?: Record<string, string> } | undefined;

/** Runs `body` with a production world (its first version live), and stops it whatever happens. */
async function withWorld(
  context: ScenarioContext,
  body: (world: ProductionWorld) => Promise<ScenarioOutcome>,
  versions: Record<string, VersionBehaviour> = VERSIONS
): Promise<ScenarioOutcome> {
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'rehearsal-world-'));
  const world = await startProductionWorld({ versions, runDir, github: context.github });
  try {
    prepareGitHub(context.github);
    return await body(world);
  } finally {
    await world.stop();
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** (a): a good release goes build → test → staging → production, and is promoted. */
async function goodRelease(context: ScenarioContext, world: ProductionWorld, expect: Expectations) {
  const sha = commitOf('HEAD~1');
  const { result, load } = await release(context, world, GOOD, sha);
  context.log(`user traffic during the run: ${load.sent} requests, ${load.unanswered} unanswered`);
  expect.that(
    result.conclusion === 'success',
    `release ${GOOD}: the pipeline concluded ${result.conclusion}`
  );
  for (const job of [
    'build',
    'backend-tests',
    'frontend-tests',
    'security',
    'staging / deploy',
    'production / deploy'
  ])
    expect.that(
      jobResult(result, job) === 'success',
      `release ${GOOD}: job ${job} ${jobResult(result, job) ?? 'did not run'}`
    );
  expect.that(jobResult(result, 'rollback') === 'skipped', `release ${GOOD}: the rollback job ran`);
  expect.that(
    world.live().stable === GOOD,
    `release ${GOOD}: production's stable track runs ${world.live().stable}`
  );
  const records = context.github.state.deployments.filter(
    (d) => recordOf(d)?.schema === 'deploy-record/v1' && d.sha === sha
  );
  expect.that(
    records
      .map((d) => d.environment)
      .sort()
      .join(',') === 'production,staging',
    `release ${GOOD}: deploy records for ${records.map((d) => d.environment).join(',') || 'no environment'}`
  );
  const images = recordOf(records.find((d) => d.environment === 'production'))?.images ?? {};
  expect.that(
    Object.values(images).length === 2 &&
      Object.values(images).every((ref) => /@sha256:[0-9a-f]{64}$/.test(ref)),
    `release ${GOOD}: the production record's images are not two digests: ${JSON.stringify(images)}`
  );
  return result;
}

/** (b): the next release is a bad canary; the pipeline's rollback restores what (a) recorded. */
async function badRelease(context: ScenarioContext, world: ProductionWorld, expect: Expectations) {
  const sha = commitOf('HEAD');
  // What GitHub's compare API says between the two releases (the incident lists those commits).
  context.github.state.setComparison(commitOf('HEAD~1'), sha, { aheadBy: 1, behindBy: 0 });
  const webhooksBefore = world.webhookBodies().length;
  const { result } = await release(context, world, BAD, sha);
  expect.that(result.conclusion === 'failure', `release ${BAD}: the pipeline concluded ${result.conclusion}`);
  expect.that(jobResult(result, 'staging / deploy') === 'success', `release ${BAD}: staging did not pass`);
  expect.that(
    jobResult(result, 'production / deploy') === 'failure',
    `release ${BAD}: production did not fail`
  );
  expect.that(
    jobResult(result, 'rollback / rollback') === 'success',
    `release ${BAD}: the rollback job ${jobResult(result, 'rollback / rollback') ?? 'did not run'}`
  );
  expect.that(
    result.outputs['rolled-back-to'] === GOOD,
    `release ${BAD}: rolled back to "${result.outputs['rolled-back-to'] ?? ''}", not ${GOOD}`
  );
  expect.that(
    world.live().stable === GOOD && world.live().canary === undefined,
    `release ${BAD}: production runs ${JSON.stringify(world.live())}`
  );
  const redeploy = world.commands().filter((c) => c.command === 'redeploy');
  expect.that(
    redeploy.at(-1)?.version === GOOD,
    `release ${BAD}: the redeploy command got ${redeploy.at(-1)?.version ?? 'nothing'}`
  );
  expect.that(world.webhookBodies().length > webhooksBefore, `release ${BAD}: nobody was notified`);
  // The caller's notify-format reaches the rollback through the settings pipeline.yml hands it.
  const told = world.webhookBodies().at(-1) as { schema?: string; incidentUrl?: string } | undefined;
  expect.that(
    told?.schema === 'rollback-notification/v1',
    `release ${BAD}: the notification is not notify-format json: ${JSON.stringify(told).slice(0, 120)}`
  );
  expect.that(
    (told?.incidentUrl ?? '') !== '',
    `release ${BAD}: the notification does not link the incident`
  );
  const incident = context.github.state.issues.find((issue) => issue.labels.includes('rollback'));
  expect.that(incident !== undefined, `release ${BAD}: no incident issue was opened`);
  expect.that(
    (result.outputs['incident-url'] ?? '') !== '',
    `release ${BAD}: the pipeline's incident-url output is empty`
  );
  return result;
}

export const releaseScenario: Scenario = {
  name: 'release',
  description:
    'push to main, twice: 1.1.0 goes build → test → staging → production (canary measured by Prometheus) and promotes; ' +
    "1.2.0 is a bad canary: the pipeline's rollback restores 1.1.0 from its deploy record, verified, notified, incident opened",
  async run(context) {
    return withWorld(context, async (world) => {
      const expect = new Expectations();
      const results = [await goodRelease(context, world, expect)];
      if (expect.problems.length === 0) results.push(await badRelease(context, world, expect));
      return { ok: expect.problems.length === 0, results, problems: expect.problems };
    });
  }
};

/** What production's variables hold for a manual rollback (Settings → Environments → production). */
export function rollbackVariables(world: ProductionWorld): Record<string, string> {
  return {
    REDEPLOY_COMMAND: world.env['production-rollback-command']!,
    HEALTH_URL: world.urls.production,
    ROUTER: 'command',
    SET_WEIGHT_COMMAND: world.env['set-weight-command']!,
    NOTIFY_FORMAT: 'json',
    // rollback.yml watches recovery for 5 minutes unless the environment says otherwise.
    RECOVERY_WINDOW: '30s'
  };
}

/** (c): `gh workflow run rollback.yml` with no inputs, then with `-f version=` alone. */
export const manualRollbackScenario: Scenario = {
  name: 'manual-rollback',
  description:
    'rollback.yml dispatched by hand, as the runbook says: with no inputs (back to the last good deploy record), then with only version',
  async run(context) {
    const state = context.github.state;
    const sha = commitOf('HEAD');
    state.setBranch('main', sha);
    // Production's history: 1.0.0 deployed and recorded, then 1.1.0 (the world records it live).
    const good = state.addDeployment({
      sha: commitOf('HEAD~1'),
      environment: 'production',
      payload: {
        schema: 'deploy-record/v1',
        version: '1.0.0',
        sha: commitOf('HEAD~1'),
        images: { backend: `ghcr.io/octo-org/example-backend@sha256:${'a'.repeat(64)}` },
        alembic_head: null,
        run_url: null
      },
      statuses: ['success']
    });
    return withWorld(
      context,
      async (world) => {
        const expect = new Expectations();
        const settings = {
          environments: {
            production: {
              secrets: { DEPLOY_TOKEN: 'production-deploy-token', NOTIFY_WEBHOOK: world.env.NOTIFY_WEBHOOK! },
              vars: rollbackVariables(world)
            }
          }
        };
        const noInputs = await context.rehearse({
          workflow: '.github/workflows/rollback.yml',
          event: { name: 'workflow_dispatch', branch: 'main', inputs: {} },
          ...settings
        });
        expect.that(
          noInputs.conclusion === 'success',
          `no inputs: the rollback concluded ${noInputs.conclusion}`
        );
        expect.that(
          world.live().stable === '1.0.0',
          `no inputs: production runs ${world.live().stable}, not 1.0.0`
        );
        expect.that(
          world.commands().some((c) => c.command === 'redeploy' && c.version === '1.0.0'),
          `no inputs: the redeploy command did not get 1.0.0 (deployment #${good.id}'s record)`
        );
        // GitHub's own deployment of an environment job has the branch as ref; deployment: false makes none.
        expect.that(
          state.deployments.every((d) => d.ref !== 'main'),
          'no inputs: the rollback run was recorded as a deployment of its own commit'
        );
        const versionOnly = await context.rehearse({
          workflow: '.github/workflows/rollback.yml',
          event: { name: 'workflow_dispatch', branch: 'main', inputs: { version: GOOD } },
          ...settings
        });
        expect.that(
          versionOnly.conclusion === 'success',
          `version only: the rollback concluded ${versionOnly.conclusion}`
        );
        expect.that(
          world.live().stable === GOOD,
          `version only: production runs ${world.live().stable}, not ${GOOD}`
        );
        expect.that(world.webhookBodies().length >= 2, 'the webhook was not told of both rollbacks');
        return {
          ok: expect.problems.length === 0,
          results: [noInputs, versionOnly],
          problems: expect.problems
        };
      },
      { [GOOD]: {}, '1.0.0': {} }
    );
  }
};

/** The canary's weight in the upstream file nginx routes by (0 when its server is down). */
function canaryWeight(world: ProductionWorld): number {
  const canary = world.urls.canary.replace('http://', '');
  const line = readFileSync(world.env['nginx-upstream-file']!, 'utf8')
    .split('\n')
    .find((text) => text.includes(canary));
  const weight = /weight=(\d+)/.exec(line ?? '')?.[1];
  return line === undefined || line.includes(' down') || weight === undefined ? 0 : Number(weight);
}

/** deploy.yml's first version: `1.0.${{ github.run_number }}`, the rehearsal's first run. */
const EXAMPLE_VERSION = '1.0.1';

/**
 * (d): this repository's own caller, `deploy.yml`, run by hand up to staging. Its inputs are all
 * its own (ruff, mypy, the browser smoke tests): only the repository's variables and the staging
 * environment's secrets point it at the world, with the example frontend served in front of
 * staging as its image serves it.
 */
export const stagingFromDeployYmlScenario: Scenario = {
  name: 'deploy-staging',
  description:
    "deploy.yml dispatched with environment=staging: pipeline.yml's build → test → staging with deploy.yml's own inputs (ruff, mypy, browser smoke), production untouched",
  async run(context) {
    const state = context.github.state;
    const sha = commitOf('HEAD');
    state.setBranch('main', sha);
    state.addCheckRun({ sha, name: 'ci / npm test', conclusion: 'success' });
    return withWorld(
      context,
      async (world) => {
        const expect = new Expectations();
        const dist = await buildFrontend();
        const frontend = await startFrontendServer({ distDir: dist, backendUrl: world.urls.staging });
        let result: RehearsalResult;
        try {
          result = await context.rehearse({
            workflow: '.github/workflows/deploy.yml',
            event: { name: 'workflow_dispatch', branch: 'main', inputs: { environment: 'staging' } },
            sha,
            vars: {
              STAGING_URL: world.urls.staging,
              STAGING_FRONTEND_URL: frontend.url,
              STAGING_DEPLOY_COMMAND: world.env['staging-deploy-command']!
            },
            environments: { staging: environments(world).staging },
            baseEnv: { ...defaultBaseEnv(), REHEARSAL_CHECKOUT: 'worktree' }
          });
        } finally {
          await frontend.stop();
          removeDir(dist);
        }
        const job = (suffix: string) => result.jobs.find((candidate) => candidate.id.endsWith(suffix));
        expect.that(result.conclusion === 'success', `deploy.yml concluded ${result.conclusion}`);
        for (const id of ['build', 'backend-tests', 'frontend-tests', 'security', 'staging / deploy'])
          expect.that(job(id)?.result === 'success', `job ${id} ${job(id)?.result ?? 'did not run'}`);
        expect.that(
          job('production / deploy')?.result !== 'success',
          'the production stage ran on a run that stops at staging'
        );
        const backendLog = job('backend-tests')?.log.join('\n') ?? '';
        expect.that(backendLog.includes('All checks passed!'), 'ruff did not lint the backend');
        expect.that(backendLog.includes('Success: no issues found'), 'mypy did not type check the backend');
        const smoke = job('staging / deploy')?.steps.find((step) =>
          step.name.includes('renders without console errors')
        );
        expect.that(
          smoke?.outcome === 'success',
          `the browser smoke test of staging ${smoke?.outcome ?? 'did not run'}`
        );
        expect.that(world.live().staging === EXAMPLE_VERSION, `staging runs ${world.live().staging}`);
        expect.that(world.live().stable === '1.0.0', `production's stable track runs ${world.live().stable}`);
        const records = state.deployments.filter(
          (d) => recordOf(d)?.schema === 'deploy-record/v1' && d.sha === sha
        );
        expect.that(
          records.map((d) => d.environment).join(',') === 'staging',
          `deploy records for ${records.map((d) => d.environment).join(',') || 'no environment'}, not staging alone`
        );
        return { ok: expect.problems.length === 0, results: [result], problems: expect.problems };
      },
      { '1.0.0': {}, [EXAMPLE_VERSION]: {} }
    );
  }
};

/** (e): the run is cancelled while the canary takes traffic; the post step puts it back to 0. */
export const cancelledCanaryScenario: Scenario = {
  name: 'cancelled-canary',
  description:
    "the run is cancelled (GitHub's Cancel workflow) while the canary takes traffic: canary-step's post step resets the weight to 0",
  async run(context) {
    return withWorld(context, async (world) => {
      const expect = new Expectations();
      const cancellation = new AbortController();
      let weightAtCancel = 0;
      const watcher = setInterval(() => {
        if (!cancellation.signal.aborted && canaryWeight(world) > 0) {
          weightAtCancel = canaryWeight(world);
          context.log(`the canary takes ${weightAtCancel}% of the traffic: cancelling the run`);
          cancellation.abort();
        }
      }, 200);
      let result: RehearsalResult;
      try {
        ({ result } = await release(context, world, GOOD, commitOf('HEAD'), { cancel: cancellation.signal }));
      } finally {
        clearInterval(watcher);
      }
      expect.that(weightAtCancel > 0, 'the canary never took traffic, so nothing was cancelled mid-rollout');
      expect.that(
        jobResult(result, 'production / deploy') === 'cancelled',
        `the production job ended ${jobResult(result, 'production / deploy') ?? 'not run'}`
      );
      const post = result.jobs
        .find((job) => job.id === 'production / deploy')
        ?.steps.find((step) => step.post === true && step.name.includes('Canary'));
      expect.that(post?.outcome === 'success', `canary-step's post step ${post?.outcome ?? 'did not run'}`);
      expect.that(
        canaryWeight(world) === 0,
        `the canary still has weight ${canaryWeight(world)} after the run`
      );
      expect.that(world.live().stable === '1.0.0', `production's stable track runs ${world.live().stable}`);
      // A cancelled rollout changed production: the pipeline's rollback runs all the same.
      expect.that(
        jobResult(result, 'rollback / rollback') === 'success',
        `the rollback after the cancel ${jobResult(result, 'rollback / rollback') ?? 'did not run'}`
      );
      return { ok: expect.problems.length === 0, results: [result], problems: expect.problems };
    });
  }
};

export const pipelineScenarios: readonly Scenario[] = [
  releaseScenario,
  manualRollbackScenario,
  stagingFromDeployYmlScenario,
  cancelledCanaryScenario
];
