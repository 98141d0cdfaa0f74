/**
 * The production rehearsal, stage by stage, each action run from its committed bundle
 * (dist/<action>/index.js under Node 24, inputs as on a runner):
 *   1. production: PostgreSQL, Redis, stable v1 behind nginx, Prometheus, the GitHub fake;
 *   2. migrate-dry-run on v2's migration, rehearsed on a scratch database;
 *   3. deploy v2 as the canary (alembic upgrade head, start it) and health-gate it;
 *   4. canary-step 10 -> 50 -> 100 under user traffic, measured by Prometheus;
 *   5. with --bad-canary: the rollback action, after canary-step rolled the canary back.
 * Each stage prints its job summary; the first stage that does not go as intended ends the run.
 */
import type { RollbackReport } from '../packages/core/src/rollback/run-rollback.ts';
import type { GitHubFake } from '../action-tests/fakes/github/index.ts';
import { repoRoot, runAction, type ActionRun } from '../action-tests/run-action.ts';
import {
  EXAMPLE_BACKEND_DIR,
  PYTHON,
  httpRequest,
  runAlembic,
  sleep,
  type ExampleApp
} from '../action-tests/services/index.ts';
import { startLoad, type LoadStats } from './load.ts';
import type { DemoOutput, StageResult } from './output.ts';
import {
  CANARY,
  ENVIRONMENT,
  STABLE,
  STABLE_REVISION,
  startCanary,
  startProduction,
  type Production
} from './production.ts';
import type { Teardown } from './teardown.ts';

/** The fault switch of the bad canary: 30% of its answers are HTTP 500. */
export const BAD_CANARY_ERROR_PERCENT = 30;
/**
 * With this seed the app's fault switch spares the first 40 requests it answers (then fails about
 * 30%, as set): the bad canary passes its health gate, as a bad release often does, and only real
 * traffic through canary-step shows the errors. Found by trying seeds with Python's random.Random.
 */
export const BAD_CANARY_FAULT_SEED = 765073;

/** User traffic through nginx during canary-step, in requests per second. */
const LOAD_RPS = 60;
const LOAD_PATHS = ['/api/items', '/health', '/api/items?limit=5'];

/** Rows the rehearsal's scratch database holds at v1's schema, so the round trip can see data loss. */
const SEED_SQL = `INSERT INTO items (name, description) VALUES ('lamp', 'A desk lamp'), ('chair', 'An office chair');
INSERT INTO reviews (item_id, rating, comment) SELECT id, 5, 'bright' FROM items WHERE name = 'lamp';`;

export interface RehearsalOptions {
  badCanary: boolean;
  output: DemoOutput;
  teardown: Teardown;
}

export interface RehearsalResult {
  stages: StageResult[];
  /** What went wrong, when something did. */
  problems: string[];
}

interface StageOutcome {
  verdict: string;
  asIntended: boolean;
  /** The action's job summary, when the stage ran one. */
  summary?: string;
  /** What the demo itself checked after the stage (shown after the summary, written to the file). */
  facts?: string[];
  /** Why it did not go as intended. */
  problem?: string;
}

/** What the stages share: the options, and what earlier stages started or produced. */
interface Context extends RehearsalOptions {
  /** Runs a bundle with its log shown live; a bundle killed by a signal throws. */
  action(name: string, inputs: Record<string, string>, env?: Record<string, string>): Promise<ActionRun>;
  production?: Production;
  canary?: ExampleApp;
  canaryStep?: ActionRun;
}

interface Stage {
  name: string;
  title: string;
  run(context: Context): Promise<StageOutcome>;
}

/** Runs the stages in order up to the first that does not go as intended. Never throws. */
export async function runRehearsal(options: RehearsalOptions): Promise<RehearsalResult> {
  const { output, teardown } = options;
  const stages = options.badCanary ? [...STAGES, ROLLBACK] : STAGES;
  const result: RehearsalResult = { stages: [], problems: [] };
  const context: Context = {
    ...options,
    async action(name, inputs, env = {}) {
      const log = output.actionLog();
      const run = await runAction(name, {
        inputs,
        env,
        timeoutMs: 150_000,
        onOutput: (text) => log.push(text)
      });
      log.flush();
      if (run.signal) throw new Error(`${name} was killed by ${run.signal}`);
      return run;
    }
  };

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
    if (outcome.summary !== undefined) output.summary(outcome.summary);
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
  title: 'production: PostgreSQL, Redis, stable v1 behind nginx, Prometheus',
  async run(context) {
    const { output } = context;
    const production = await startProduction(context.teardown, (line) => output.detail(line));
    context.production = production;
    output.mask(production.github.token);
    output.mask(production.webhook.url);
    output.mask(production.webhook.secret);
    output.markdown(
      `PostgreSQL 15, Redis, the example app v${STABLE.version} (schema ${STABLE_REVISION}) behind nginx, ` +
        `Prometheus scraping every second, the GitHub API fake with the ${ENVIRONMENT} deployment history.\n`
    );
    return { verdict: `v${STABLE.version} live`, asIntended: true };
  }
};

const MIGRATE_DRY_RUN: Stage = {
  name: 'migrate-dry-run',
  title: `migrate-dry-run: v${CANARY.version}'s migration, rehearsed on a scratch database`,
  async run(context) {
    const scratch = await context.production!.postgres.createDatabase('rehearsal');
    const run = await context.action(
      'migrate-dry-run',
      {
        'working-directory': EXAMPLE_BACKEND_DIR,
        python: PYTHON,
        'from-revision': STABLE_REVISION,
        // The rules follow the production server's major version (here the local PostgreSQL 15).
        'pg-version': '15',
        'database-url': scratch,
        'seed-sql': SEED_SQL
      },
      { GITHUB_WORKSPACE: repoRoot }
    );
    const findings = (JSON.parse(run.outputs.findings ?? '[]') as unknown[]).length;
    const passed = run.exitCode === 0 && run.outputs.roundtrip === 'passed';
    return {
      verdict: passed
        ? `safe to deploy (round trip passed, ${findings} finding${findings === 1 ? '' : 's'})`
        : `not safe (exit ${run.exitCode}, round trip ${run.outputs.roundtrip ?? 'not run'})`,
      asIntended: passed,
      summary: run.summary,
      ...(passed ? {} : { problem: firstError(run) })
    };
  }
};

const HEALTH_GATE: Stage = {
  name: 'health-gate',
  title: `deploy v${CANARY.version} as the canary, then health-gate it`,
  async run(context) {
    const { output, badCanary } = context;
    const production = context.production!;
    await runAlembic(production.postgres.url, ['upgrade', 'head']);
    output.detail(
      `alembic upgrade head on the production database: ${STABLE_REVISION} -> 0003_add_item_category`
    );
    production.canaryDeploymentId = production.github.state.addDeployment({
      sha: CANARY.sha,
      environment: ENVIRONMENT,
      payload: { version: CANARY.version },
      statuses: ['in_progress']
    }).id;
    const canary = await startCanary(
      production,
      context.teardown,
      badCanary ? { faultErrorPercent: BAD_CANARY_ERROR_PERCENT, faultSeed: BAD_CANARY_FAULT_SEED } : {}
    );
    context.canary = canary;
    output.detail(
      `canary v${CANARY.version} ${canary.url} (uvicorn, pid ${canary.pid}), no traffic yet` +
        (badCanary ? `; fault switch: ${BAD_CANARY_ERROR_PERCENT}% errors` : '')
    );
    const run = await context.action('health-gate', {
      url: canary.url,
      'expected-version': CANARY.version,
      'expected-sha': CANARY.sha,
      interval: '500ms',
      timeout: '2s',
      'start-period': '5s',
      retries: '3',
      'success-threshold': '2',
      deadline: '30s',
      // The API's own endpoint, a few at a time: measures what users get and warms the
      // canary's database pool before it takes traffic. 26 requests in all when healthy.
      'latency-samples': '20',
      'latency-path': '/api/items',
      'latency-concurrency': '4',
      'max-p99': '1s',
      smoke: 'GET /api/items 200\nGET /api/items/999999 404'
    });
    const healthy = run.exitCode === 0 && run.outputs.healthy === 'true';
    return {
      verdict: healthy ? `v${run.outputs.version} healthy (p99 ${run.outputs['p99-ms']} ms)` : 'not healthy',
      asIntended: healthy,
      summary: run.summary,
      ...(healthy ? {} : { problem: firstError(run) })
    };
  }
};

const CANARY_STEP: Stage = {
  name: 'canary-step',
  title: 'canary-step 10% -> 50% -> 100% under user traffic, measured by Prometheus',
  async run(context) {
    const { output, badCanary } = context;
    const production = context.production!;
    const load = startLoad(production.nginx.url, LOAD_RPS, LOAD_PATHS);
    output.detail(`user traffic: ${LOAD_RPS} requests/s through nginx (${LOAD_PATHS.join(', ')})`);
    let run: ActionRun;
    let stats: LoadStats;
    try {
      run = await context.action('canary-step', {
        ...nginxRouterInputs(production),
        metrics: 'prometheus',
        'prometheus-url': production.prometheus.url,
        steps: '10,50,100',
        duration: '12s',
        interval: '3s',
        'min-requests': '10',
        // 3-second windows of a few dozen requests on a shared machine: a p99 is one slow
        // request, and scheduling alone moves it by 5-10 ms. Real regressions are far larger.
        'min-p99-delta': '25ms'
      });
    } finally {
      stats = await load.stop();
    }
    context.canaryStep = run;

    const decision = run.outputs.decision ?? 'none';
    const weight = run.outputs.weight ?? '';
    const expected = badCanary
      ? { decision: 'rollback', weight: '0' }
      : { decision: 'promote', weight: '100' };
    const facts = [describeLoad(stats)];
    let asIntended = decision === expected.decision && weight === expected.weight;
    if (asIntended) {
      const routedTo = badCanary ? STABLE.version : CANARY.version;
      asIntended = await waitForRouting(production.nginx.url, routedTo, 15_000);
      facts.push(
        asIntended
          ? `nginx now answers 20 requests in a row from v${routedTo}`
          : `nginx still does not send all requests to v${routedTo} after 15 s`
      );
    }
    if (!badCanary && asIntended && production.canaryDeploymentId !== undefined) {
      // What the pipeline records after a promotion: v2 is the good version now.
      production.github.state.addDeploymentStatus(production.canaryDeploymentId, { state: 'success' });
      facts.push(`GitHub ${ENVIRONMENT} deployments: ${describeDeployments(production.github)}`);
    }
    const verdict =
      decision === 'promote'
        ? `promoted to ${weight}%`
        : decision === 'rollback'
          ? `rolled back at ${failedWeight(run) ?? '?'}% (weight now ${weight || 'unknown'})`
          : `${decision} (weight ${weight || 'unknown'})`;
    return {
      verdict,
      asIntended,
      summary: run.summary,
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
  title: `rollback: ${ENVIRONMENT} back to v${STABLE.version}, verified, people told`,
  async run(context) {
    const production = context.production!;
    const github = production.github;
    // Users keep calling while the rollback runs: the recovery watch reads their error rate.
    const load = startLoad(production.nginx.url, LOAD_RPS, LOAD_PATHS);
    let run: ActionRun;
    try {
      run = await context.action(
        'rollback',
        {
          'github-token': github.token,
          environment: ENVIRONMENT,
          reason: `canary-step: ${canaryReason(context.canaryStep!)}`,
          ...nginxRouterInputs(production),
          'health-url': production.nginx.url,
          'health-expected-version': STABLE.version,
          'health-interval': '500ms',
          'health-start-period': '0',
          'health-deadline': '20s',
          'recovery-window': '15s',
          'recovery-interval': '3s',
          'recovery-min-requests': '10',
          metrics: 'prometheus',
          'prometheus-url': production.prometheus.url,
          'notify-webhook': production.webhook.url,
          'notify-format': 'slack',
          'create-incident': 'true'
        },
        { GITHUB_API_URL: github.url }
      );
    } finally {
      await load.stop();
    }
    const restored = run.outputs['rolled-back-to'];
    const recovery = (JSON.parse(run.outputs.report ?? '{}') as RollbackReport).recovery;
    const healthy = run.outputs.healthy === 'true';
    const notifications = production.webhook.received.length;
    const issue = github.state.issues.at(-1);
    const facts = [
      `webhook received ${notifications} notification${notifications === 1 ? '' : 's'}`,
      issue
        ? `incident issue #${issue.number} "${issue.title}" (labels: ${issue.labels.join(', ')})`
        : 'no incident issue',
      `GitHub ${ENVIRONMENT} deployments: ${describeDeployments(github)}`,
      recovery ? `recovery watch: ${recovery.verdict}` : 'no recovery watch'
    ];
    if (github.violations.length > 0) {
      facts.push(`the GitHub fake saw ${github.violations.length} request(s) GitHub would reject`);
    }
    const asIntended =
      run.exitCode === 0 &&
      restored === STABLE.version &&
      healthy &&
      recovery?.recovered === true &&
      github.violations.length === 0;
    return {
      verdict: restored
        ? `back on v${restored}, ${healthy ? 'healthy' : 'NOT healthy'}`
        : 'no version restored',
      asIntended,
      summary: run.summary,
      facts,
      ...(asIntended ? {} : { problem: firstError(run) })
    };
  }
};

const STAGES: readonly Stage[] = [PRODUCTION, MIGRATE_DRY_RUN, HEALTH_GATE, CANARY_STEP];

/** The nginx router inputs canary-step and rollback share: the upstream file and both tracks. */
function nginxRouterInputs(production: Production): Record<string, string> {
  return {
    router: 'nginx',
    'nginx-upstream-file': production.nginx.upstreamFile,
    'nginx-stable-server': `127.0.0.1:${production.stable.port}`,
    'nginx-canary-server': `127.0.0.1:${production.canaryPort}`,
    'nginx-test-command': production.nginx.testCommand,
    'nginx-reload-command': production.nginx.reloadCommand
  };
}

/** Polls nginx until `streak` answers in a row come from `version`. */
async function waitForRouting(
  url: string,
  version: string,
  timeoutMs: number,
  streak = 20
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let inARow = 0;
  while (Date.now() < deadline) {
    const answer = await httpRequest(`${url}/health`, { timeoutMs: 2000 }).catch(() => undefined);
    inARow = answer?.headers['x-app-version'] === version ? inARow + 1 : 0;
    if (inARow >= streak) return true;
    if (inARow === 0) await sleep(100);
  }
  return false;
}

function describeLoad(stats: LoadStats): string {
  const versions = Object.entries(stats.byVersion)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([version, tally]) => `v${version} ${tally.requests} (${tally.errors} errors)`);
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

/** The weight canary-step was at when it decided to roll back, from its report. */
function failedWeight(run: ActionRun): number | undefined {
  try {
    const report = JSON.parse(run.outputs.report ?? '{}') as {
      weights?: { weight: number; status: string }[];
    };
    return report.weights?.find((w) => w.status !== 'promote')?.weight;
  } catch {
    return undefined;
  }
}

function canaryReason(run: ActionRun): string {
  const rate = run.outputs['canary-error-rate'];
  const baseline = run.outputs['baseline-error-rate'];
  return rate !== undefined && baseline !== undefined
    ? `v${CANARY.version} errors ${Number(rate).toFixed(1)}% vs ${Number(baseline).toFixed(1)}% on stable at ${failedWeight(run) ?? '?'}%`
    : firstError(run);
}

/** The first error annotation of a run, or the exit code and the end of its log. */
function firstError(run: ActionRun): string {
  const error = run.annotations.find((a) => a.level === 'error');
  if (error) return error.message;
  const tail = run.log
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('::'))
    .slice(-5)
    .join(' / ');
  return `exit code ${run.exitCode}${tail ? `: ${tail}` : ''}`;
}
