/**
 * The production rehearsal, run through the rehearsal engine as an adopter's run goes:
 *   1. production: the GitHub fake and the production world (PostgreSQL, Redis, v1 behind nginx,
 *      Prometheus), v1 recorded as production's last good deploy;
 *   2. `.github/workflows/deploy-stage.yml` with `canary: true` (as pipeline.yml calls it): preflight,
 *      migrate-dry-run, migrate, the canary started and health-gated, canary-step 10 -> 50 -> 100 on
 *      Prometheus under user traffic, the promotion and the final gate that records the deploy;
 *   3. with --bad-canary: `.github/workflows/rollback.yml` dispatched with production's variables and
 *      secrets, restoring v1 from its deploy record.
 * Each stage prints the jobs, steps and job summaries; the first stage that does not go as intended
 * ends the run.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { startGitHubFake, type GitHubFake } from '../action-tests/fakes/github/index.ts';
import { rehearse, renderRehearsal, type RehearsalResult as WorkflowRun } from '../rehearsal/engine/index.ts';
import {
  commitOf,
  environments,
  pipelineInputs,
  prepareGitHub,
  rollbackVariables
} from '../rehearsal/scenarios/pipeline.ts';
import { defaultBaseEnv } from '../rehearsal/engine/run-context.ts';
import * as world from '../rehearsal/world/index.ts';
import { REPO_ROOT, runPaths } from '../rehearsal/world/run-dir.ts';
import { startLoad, type Load, type LoadStats } from './load.ts';
import type { DemoOutput, StageResult } from './output.ts';
import type { StoppedProcess, Teardown } from './teardown.ts';
import type { TerminalOptions } from './terminal-markdown.ts';

const STABLE = '1.0.0';
const CANARY = '2.0.0';
const ENVIRONMENT = 'production';
/** v1's schema: v2 brings 0003_add_item_category, which migrate-dry-run rehearses. */
const STABLE_REVISION = '0002_create_reviews';
/** The fault switch of the bad canary: 30% of its answers are HTTP 500. */
const BAD_CANARY_FAULT_RATE = 0.3;
/**
 * With this seed the app's fault switch spares the first 40 requests it answers (then fails about
 * 30%, as set): the bad canary passes its health gate, as a bad release often does, and only real
 * traffic through canary-step shows the errors. Found by trying seeds with Python's random.Random.
 */
const BAD_CANARY_FAULT_SEED = 765073;
/** User traffic through nginx while production changes, in requests per second. */
const LOAD_RPS = 40;
const LOAD_PATHS = ['/api/items', '/health', 'POST /api/items'];
/**
 * The business metric the canary is held to (canary-step `extra-checks`, from
 * docs/extra-checks.md): the canary must save items. Over 30 s rather than the 3 s window, so a
 * look does not depend on which requests nginx's round robin gave the canary in the last scrapes.
 */
const ITEMS_CREATED_CHECK = 'items-created: sum(increase(items_created_total{track="{{track}}"}[30s])) > 0';
const CANARY_REVISION = '0003_add_item_category';
/** v1's images, as its deploy record names them. */
const STABLE_IMAGES = {
  backend: `ghcr.io/octo-org/example-backend@sha256:${'a1'.repeat(32)}`,
  frontend: `ghcr.io/octo-org/example-frontend@sha256:${'e4'.repeat(32)}`
};
/** v2's images: what the build job would have pushed, by digest. */
const IMAGES = {
  backend: `ghcr.io/octo-org/example-backend@sha256:${'b2'.repeat(32)}`,
  frontend: `ghcr.io/octo-org/example-frontend@sha256:${'f7'.repeat(32)}`
};
const CLEAN_TRIVY_REPORT = path.join(REPO_ROOT, 'rehearsal', 'world', 'fixtures', 'trivy-clean.json');

export interface RehearsalOptions {
  badCanary: boolean;
  output: DemoOutput;
  teardown: Teardown;
  terminal: TerminalOptions;
  /** Aborted on Ctrl-C: the engine kills every step process and starts nothing more. */
  signal: AbortSignal;
  /** Where the world's processes are reported once the teardown stopped them. */
  stoppedByWorld: StoppedProcess[];
}

export interface RehearsalResult {
  stages: StageResult[];
  /** What went wrong, when something did. */
  problems: string[];
}

interface StageOutcome {
  verdict: string;
  asIntended: boolean;
  /** What the demo itself checked after the stage. */
  facts?: string[];
  /** Why it did not go as intended. */
  problem?: string;
}

/** What the stages share: the options, and what the first stage started. */
interface Context extends RehearsalOptions {
  github?: GitHubFake;
  world?: world.ProductionWorld;
  runDir?: string;
  /** The sha deployed: this repository's HEAD, so the checkout stand-in finds it. */
  sha?: string;
  /** The workflow runs of the stage under way, shown under its header. */
  shown: WorkflowRun[];
}

interface Stage {
  name: string;
  title: string;
  run(context: Context): Promise<StageOutcome>;
}

/** Runs the stages in order up to the first that does not go as intended. Never throws. */
export async function runRehearsal(options: RehearsalOptions): Promise<RehearsalResult> {
  const { output, teardown } = options;
  const stages = options.badCanary
    ? [PRODUCTION, PRODUCTION_STAGE, ROLLBACK]
    : [PRODUCTION, PRODUCTION_STAGE];
  const result: RehearsalResult = { stages: [], problems: [] };
  const context: Context = { ...options, shown: [] };

  for (const [index, stage] of stages.entries()) {
    const number = index + 1;
    output.stageStart(number, stages.length, stage.title);
    const started = performance.now();
    let outcome: StageOutcome;
    try {
      outcome = await stage.run(context);
    } catch (error) {
      const message = teardown.begun ? 'stopped' : (error as Error).message;
      outcome = { verdict: 'failed', asIntended: false, problem: message };
    }
    const stageResult: StageResult = {
      number,
      name: stage.name,
      verdict: outcome.verdict,
      asIntended: outcome.asIntended,
      seconds: (performance.now() - started) / 1000
    };
    result.stages.push(stageResult);
    output.stageHeader(stageResult, stages.length);
    for (const run of context.shown.splice(0)) {
      output.workflowRun(
        renderRehearsal(run, context.terminal),
        run.jobs.flatMap((job) => job.summaries)
      );
    }
    output.checks(outcome.facts ?? []);
    if (!outcome.asIntended) {
      const problem = `${stage.name}: ${outcome.problem ?? outcome.verdict}`;
      result.problems.push(problem);
      output.say(`✘ ${problem}`);
      break;
    }
  }
  return result;
}

const PRODUCTION: Stage = {
  name: 'production',
  title: 'production: PostgreSQL, Redis, stable v1 behind nginx, Prometheus, the GitHub fake',
  async run(context) {
    const { output, teardown } = context;
    const github = await teardown.own(
      startGitHubFake().then((fake) => ({ name: 'github fake', fake, stop: () => fake.close() }))
    );
    context.github = github.fake;
    output.mask(github.fake.token);
    const runDir = mkdtempSync(path.join(os.tmpdir(), 'deploy-actions-run-'));
    context.runDir = runDir;
    // The jobs' service containers, should a job not have stopped them itself.
    await teardown.own(Promise.resolve({ name: 'service containers', stop: () => world.stopAll(runDir) }));
    const versions: Record<string, world.VersionBehaviour> = {
      [STABLE]: {},
      [CANARY]: context.badCanary
        ? { faultRate: BAD_CANARY_FAULT_RATE, faultSeed: BAD_CANARY_FAULT_SEED }
        : {}
    };
    const production = await teardown.own(
      world
        .startProductionWorld({ versions, runDir, github: github.fake, revision: STABLE_REVISION })
        .then((started) => ({
          name: 'production world',
          world: started,
          stop: async () => void context.stoppedByWorld.push(...(await started.stop()))
        }))
    );
    context.world = production.world;
    for (const secret of Object.values(environments(production.world).production.secrets))
      output.mask(secret);
    output.mask(production.world.env.NOTIFY_WEBHOOK!);
    prepareRepository(context, github.fake, runDir);
    output.markdown(
      `PostgreSQL 15, Redis, the example app v${STABLE} (schema ${STABLE_REVISION}) behind nginx, ` +
        `Prometheus scraping every second, the GitHub API fake with v${STABLE} as ${ENVIRONMENT}'s last good deploy.\n`
    );
    return { verdict: `v${STABLE} live`, asIntended: true };
  }
};

/**
 * What GitHub holds before the production stage runs: main at HEAD with CI green, the environments,
 * v1's deploy record, and the security reports the pipeline's security job uploaded (clean).
 */
function prepareRepository(context: Context, github: GitHubFake, runDir: string): void {
  const sha = commitOf('HEAD');
  context.sha = sha;
  github.state.setBranch('main', sha);
  github.state.addCheckRun({ sha, name: 'ci / npm test', conclusion: 'success' });
  prepareGitHub(github);
  github.state.addDeployment({
    sha: commitOf('HEAD~1'),
    environment: ENVIRONMENT,
    payload: deployRecord(STABLE, commitOf('HEAD~1'), STABLE_IMAGES, STABLE_REVISION),
    statuses: ['success']
  });
  // The incident lists the commits between the good version and the rolled-back one.
  github.state.setComparison(commitOf('HEAD~1'), sha, { aheadBy: 1, behindBy: 0 });
  // What the staging stage recorded: preflight lets production have only what staging has run.
  github.state.addDeployment({
    sha,
    environment: 'staging',
    payload: deployRecord(CANARY, sha, IMAGES, CANARY_REVISION),
    statuses: ['success']
  });
  const reports = path.join(runPaths(runDir).artifacts, 'security-reports', 'files');
  mkdirSync(reports, { recursive: true });
  copyFileSync(CLEAN_TRIVY_REPORT, path.join(reports, 'trivy-backend.json'));
  copyFileSync(CLEAN_TRIVY_REPORT, path.join(reports, 'trivy-frontend.json'));
  writeFileSync(path.join(reports, 'pip-audit.json'), JSON.stringify({ dependencies: [], fixes: [] }));
  writeFileSync(
    path.join(reports, 'npm-audit.json'),
    JSON.stringify({
      auditReportVersion: 2,
      vulnerabilities: {},
      metadata: { vulnerabilities: { total: 0 } }
    })
  );
}

/** A deploy record as health-gate writes it on a deployment's payload (what rollback reads). */
function deployRecord(version: string, sha: string, images: Record<string, string>, alembicHead: string) {
  return { schema: 'deploy-record/v1', version, sha, images, alembic_head: alembicHead, run_url: null };
}

/** pipeline.yml's input defaults, as a caller that gives none gets them. */
function pipelineDefaults(): Record<string, string | number | boolean> {
  const workflow = parse(
    readFileSync(path.join(REPO_ROOT, '.github', 'workflows', 'pipeline.yml'), 'utf8')
  ) as {
    on: { workflow_call: { inputs: Record<string, { default?: string | number | boolean }> } };
  };
  const defaults: Record<string, string | number | boolean> = {};
  for (const [name, input] of Object.entries(workflow.on.workflow_call.inputs)) {
    defaults[name] = input.default ?? '';
  }
  return defaults;
}

/** Runs a workflow with the demo's GitHub, world and Ctrl-C signal; its log shown live, masked. */
async function rehearseWorkflow(
  context: Context,
  options: Omit<Parameters<typeof rehearse>[0], 'github' | 'world' | 'runDir' | 'signal' | 'onLog'>
): Promise<WorkflowRun> {
  const run = await rehearse({
    ...options,
    github: context.github!,
    world,
    runDir: context.runDir!,
    signal: context.signal,
    onLog: (line) => context.output.log(line)
  });
  context.shown.push(run);
  if (run.cancelled) throw new Error('cancelled');
  return run;
}

const PRODUCTION_STAGE: Stage = {
  name: 'deploy-stage',
  title: `deploy-stage.yml (production, canary): v${CANARY} through migrate-dry-run, health-gate, canary-step 10% -> 50% -> 100%`,
  async run(context) {
    const production = context.world!;
    const pipeline = {
      ...pipelineDefaults(),
      ...pipelineInputs(production, CANARY),
      'canary-extra-checks': ITEMS_CREATED_CHECK,
      // The record rollback reads, and what the world's commands reach, is production alone.
      target: 'production'
    };
    // Users arrive once the canary starts: v1 at its own schema serves them before, and the stage
    // migrates first, so the traffic meets the schema both versions share.
    let load: Load | undefined;
    const watcher = setInterval(() => {
      if (!load && production.commands().some((c) => c.command === 'canary-start')) {
        load = startLoad(production.urls.production, LOAD_RPS, LOAD_PATHS);
      }
    }, 100);
    let run: WorkflowRun;
    let stats: LoadStats | undefined;
    try {
      run = await rehearseWorkflow(context, {
        workflow: '.github/workflows/deploy-stage.yml',
        event: {
          name: 'workflow_call',
          branch: 'main',
          callerEvent: 'push',
          inputs: {
            environment: ENVIRONMENT,
            canary: true,
            url: production.urls.canary,
            'deploy-command': production.env['production-canary-command']!,
            pipeline: JSON.stringify(pipeline),
            'backend-image': IMAGES.backend,
            'frontend-image': IMAGES.frontend
          }
        },
        sha: context.sha!,
        environments: environments(production),
        baseEnv: { ...defaultBaseEnv(), [world.CHECKOUT_SOURCE_VARIABLE]: 'worktree' }
      });
    } finally {
      clearInterval(watcher);
      stats = await load?.stop();
    }
    const job = run.jobs[0];
    const step = (id: string) => job?.steps.find((s) => s.id === id && s.post !== true);
    const canary = step('canary');
    const decision = canary?.outputs.decision ?? 'none';
    const weight = canary?.outputs.weight ?? '';
    const live = production.live();
    const facts = [
      `migrate-dry-run: ${step('migrate')?.outcome ?? 'not run'}, health-gate on the canary: ${step('gate')?.outcome ?? 'not run'}`,
      stats ? describeLoad(stats) : 'no user traffic: the canary never started',
      `production runs v${live.stable} on the stable track${live.canary ? `, v${live.canary} as canary` : ', no canary'}`,
      `GitHub ${ENVIRONMENT} deployments: ${describeDeployments(context.github!)}`
    ];
    const expected = context.badCanary
      ? { decision: 'rollback', weight: '0', conclusion: 'failure', stable: STABLE }
      : { decision: 'promote', weight: '100', conclusion: 'success', stable: CANARY };
    const asIntended =
      decision === expected.decision &&
      weight === expected.weight &&
      run.conclusion === expected.conclusion &&
      live.stable === expected.stable &&
      // A rolled-back canary keeps running without traffic until the rollback redeploys production.
      (context.badCanary || (live.canary === undefined && step('final')?.outcome === 'success'));
    const verdict =
      decision === 'promote'
        ? `promoted to ${weight}%, v${live.stable} live`
        : decision === 'rollback'
          ? `canary rolled back (weight now ${weight || 'unknown'})`
          : `${run.conclusion}: canary-step ${canary?.outcome ?? 'not run'}`;
    return {
      verdict,
      asIntended,
      facts,
      ...(asIntended
        ? {}
        : {
            problem: `expected ${expected.decision} to ${expected.weight}%, got ${verdict}; ${firstError(run)}`
          })
    };
  }
};

const ROLLBACK: Stage = {
  name: 'rollback',
  title: `rollback.yml: ${ENVIRONMENT} back to v${STABLE} from its deploy record, verified, people told`,
  async run(context) {
    const production = context.world!;
    const github = context.github!;
    const webhooksBefore = production.webhookBodies().length;
    // Users keep calling while the rollback runs: the recovery watch reads their error rate.
    const load = startLoad(production.urls.production, LOAD_RPS, LOAD_PATHS);
    let run: WorkflowRun;
    try {
      run = await rehearseWorkflow(context, {
        workflow: '.github/workflows/rollback.yml',
        event: {
          name: 'workflow_dispatch',
          branch: 'main',
          inputs: { reason: `the canary of v${CANARY} was rolled back by canary-step` }
        },
        sha: context.sha!,
        environments: {
          production: {
            secrets: environments(production).production.secrets,
            vars: {
              ...rollbackVariables(production),
              RECOVERY_WINDOW: '30s',
              METRICS: 'prometheus',
              PROMETHEUS_URL: production.urls.prometheus
            }
          }
        },
        baseEnv: { ...defaultBaseEnv(), [world.CHECKOUT_SOURCE_VARIABLE]: 'worktree' }
      });
    } finally {
      await load.stop();
    }
    const restored = run.jobs[0]?.outputs['rolled-back-to'];
    const notifications = production.webhookBodies().length - webhooksBefore;
    const issue = github.state.issues.at(-1);
    const live = production.live();
    const facts = [
      `webhook received ${notifications} notification${notifications === 1 ? '' : 's'}`,
      issue
        ? `incident issue #${issue.number} "${issue.title}" (labels: ${issue.labels.join(', ')})`
        : 'no incident issue',
      `production runs v${live.stable}`,
      `GitHub ${ENVIRONMENT} deployments: ${describeDeployments(github)}`
    ];
    if (github.violations.length > 0) {
      facts.push(
        `the GitHub fake saw ${github.violations.length} request(s) GitHub would reject: ` +
          github.violations
            .map((v) => `${v.call} (${v.kind}: ${v.problems.map((p) => p.message).join('; ')})`)
            .join(', ')
      );
    }
    const asIntended =
      run.conclusion === 'success' &&
      restored === STABLE &&
      live.stable === STABLE &&
      notifications > 0 &&
      issue !== undefined &&
      github.violations.length === 0;
    return {
      verdict: restored ? `back on v${restored}, ${run.conclusion}` : 'no version restored',
      asIntended,
      facts,
      ...(asIntended ? {} : { problem: firstError(run) })
    };
  }
};

function describeLoad(stats: LoadStats): string {
  const versions = Object.entries(stats.byVersion)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([version, tally]) =>
        `v${version} ${tally.requests} (${tally.errors} errors, ${tally.created} items created)`
    );
  return (
    `user traffic sent ${stats.sent} requests through nginx: ${versions.join(', ') || 'no answers'}` +
    (stats.unanswered > 0 ? `, ${stats.unanswered} unanswered` : '')
  );
}

function describeDeployments(github: GitHubFake): string {
  return github.state.deployments
    .filter((d) => d.environment === ENVIRONMENT)
    .map((d) => {
      const version = (d.payload as { version?: string }).version ?? d.sha.slice(0, 7);
      return `${version} ${d.statuses.at(-1)?.state ?? 'no status'}`;
    })
    .join(', ');
}

/** The first error annotation of a run, or the job's own error. */
function firstError(run: WorkflowRun): string {
  if (run.refusal) return `refused: ${run.refusal}`;
  for (const job of run.jobs) {
    const error = job.annotations.find((a) => a.level === 'error');
    if (error) return error.message;
    if (job.error) return job.error;
  }
  return `the run concluded ${run.conclusion}`;
}
