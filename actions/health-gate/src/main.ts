/**
 * health-gate: read inputs, build the dependencies, run the gate, write outputs and the summary.
 * Every decision lives in the core library.
 */
import { runAction, type ActionContext } from '@deploy-actions/core/action';
import { systemClock, type Clock } from '@deploy-actions/core/clock';
import {
  ConfigurationError,
  VerdictFailure,
  errorMessage,
  type InputProblem
} from '@deploy-actions/core/errors';
import {
  buildDeployRecord,
  createGitHubClient,
  readGitHubRunContext,
  writeDeployRecord,
  type DeployRecord,
  type GitHubClient,
  type GitHubRunContext,
  renderDeployRecordSummary
} from '@deploy-actions/core/github';
import {
  runHealthGate,
  type HealthGateConfig,
  type HealthGateReport,
  type WatchSettings,
  toHealthCheck,
  renderHealthGateSummary
} from '@deploy-actions/core/health';
import { createHttpClient, type HttpClient } from '@deploy-actions/core/http';
import { type Logger } from '@deploy-actions/core/logger';
import { readHealthGateInputs, type HealthGateInputs } from './inputs.ts';

/** Maps validated inputs onto the gate's configuration. */
export function toHealthGateConfig(inputs: HealthGateInputs): HealthGateConfig {
  const healthPath = inputs['health-path'];
  return {
    ...toHealthCheck('', inputs),
    latencySamples: inputs['latency-samples'],
    latencyPath: inputs['latency-path'] ?? healthPath,
    latencyConcurrency: inputs['latency-concurrency'],
    maxP99Ms: inputs['max-p99'],
    watch: toWatchSettings(inputs, healthPath)
  };
}

/** The post-deploy watch; undefined when `watch` is 0. */
function toWatchSettings(inputs: HealthGateInputs, healthPath: string): WatchSettings | undefined {
  if (inputs.watch === 0) return undefined;
  return {
    durationMs: inputs.watch,
    intervalMs: inputs['watch-interval'],
    paths: inputs['watch-paths'] ?? [inputs['latency-path'] ?? healthPath],
    rps: inputs['watch-rps'],
    maxErrorRate: inputs['watch-max-error-rate'],
    maxP99Ms: inputs['max-p99']
  };
}

/** A deploy record to write once the gate decided, and where. */
export interface DeployRecordPlan {
  environment: string;
  record: DeployRecord;
  token: string;
  run: GitHubRunContext;
}

/**
 * The deploy record the inputs ask for (undefined without record-environment), resolved and
 * checked before the gate starts, so a wrong input never surfaces after a deploy was verified.
 * version: record-version, else expected-version; sha: record-sha, else expected-sha when it is a
 * full sha, else GITHUB_SHA (when it matches expected-sha).
 */
export function toDeployRecordPlan(
  inputs: HealthGateInputs,
  env: Record<string, string | undefined>
): DeployRecordPlan | undefined {
  const environment = inputs['record-environment'];
  if (environment === undefined) return undefined;
  const problems: InputProblem[] = [];
  const problem = (input: string, expected: string) =>
    problems.push({ input, shownValue: 'nothing', expected });
  const version = inputs['record-version'] ?? inputs['expected-version'];
  if (version === undefined)
    problem(
      'record-version',
      'the version deployed (needed with record-environment when expected-version is empty)'
    );
  const expectedSha = inputs['expected-sha']?.toLowerCase();
  const runnerSha = env.GITHUB_SHA?.trim().toLowerCase();
  const sha =
    inputs['record-sha'] ??
    (expectedSha?.length === 40
      ? expectedSha
      : runnerSha && /^[0-9a-f]{40}$/.test(runnerSha) && runnerSha.startsWith(expectedSha ?? '')
        ? runnerSha
        : undefined);
  if (sha === undefined)
    problem(
      'record-sha',
      `the full commit sha deployed (40 hex): expected-sha is ${expectedSha === undefined ? 'empty' : 'not a full sha'} and GITHUB_SHA ${runnerSha ? `(${runnerSha.slice(0, 7)}) is not that commit` : 'is not set'}`
    );
  const token = inputs['github-token'];
  if (token === undefined)
    problem('github-token', 'a token with deployments: write (needed with record-environment)');
  let run: GitHubRunContext | undefined;
  try {
    run = readGitHubRunContext(env);
  } catch (error) {
    problems.push({
      input: 'record-environment',
      shownValue: JSON.stringify(environment),
      expected: errorMessage(error)
    });
  }
  if (problems.length > 0 || version === undefined || sha === undefined || token === undefined || !run)
    throw new ConfigurationError(problems.map((p) => `${p.input}: ${p.expected}`).join('\n'), problems);
  return {
    environment,
    token,
    run,
    record: buildDeployRecord({
      version,
      sha,
      images: inputs['record-images'] ?? {},
      ...(inputs['record-alembic-head'] !== undefined ? { alembicHead: inputs['record-alembic-head'] } : {}),
      ...(run.runId !== undefined ? { runUrl: runUrl(run, run.runId) } : {})
    })
  };
}

function runUrl(run: GitHubRunContext, runId: number): string {
  return `${run.serverUrl}/${run.repository.owner}/${run.repository.repo}/actions/runs/${runId}`;
}

/** The outcome of writing the record: the deployment, or why there is none. */
interface RecordOutcome {
  deploymentId?: number;
  error?: string;
}

/**
 * Writes the record with the gate's verdict. Never throws: a GitHub failure is returned, so the
 * gate's own result is still reported in full.
 */
async function recordDeploy(
  plan: DeployRecordPlan,
  report: HealthGateReport,
  url: string,
  github: GitHubClient | undefined,
  logger: Logger
): Promise<RecordOutcome> {
  const { record } = plan;
  try {
    const client =
      github ??
      (await createGitHubClient({
        token: plan.token,
        repository: plan.run.repository,
        baseUrl: plan.run.apiUrl,
        userAgent: 'deploy-actions/health-gate',
        logger
      }));
    const deployment = await writeDeployRecord(client, {
      environment: plan.environment,
      record,
      verified: report.healthy,
      description: report.healthy
        ? `verified by health-gate: ${record.version} at ${record.sha.slice(0, 7)}`
        : `health-gate failed: ${report.verdict}`,
      environmentUrl: url,
      ...(record.run_url ? { logUrl: record.run_url } : {})
    });
    logger.info(
      `deploy record: deployment #${deployment.id} of ${plan.environment} for ${record.version} (${record.sha.slice(0, 7)}), ${report.healthy ? 'success' : 'failure'}`
    );
    return { deploymentId: deployment.id };
  } catch (error) {
    return { error: errorMessage(error) };
  }
}

/** Sets every output of the contract; absent values are empty strings. */
export function writeHealthGateOutputs(
  context: ActionContext,
  report: HealthGateReport,
  deploymentId?: number
): void {
  const text = (value: number | string | undefined) => (value === undefined ? '' : String(value));
  context.setOutput('healthy', report.healthy);
  context.setOutput('version', text(report.reported.version));
  context.setOutput('git-sha', text(report.reported.gitSha));
  context.setOutput('uptime-seconds', text(report.reported.uptimeSeconds));
  context.setOutput('attempts', report.gate.attempts);
  context.setOutput('elapsed-seconds', report.gate.elapsedSeconds);
  context.setOutput('p50-ms', text(report.latency?.p50Ms));
  context.setOutput('p95-ms', text(report.latency?.p95Ms));
  context.setOutput('p99-ms', text(report.latency?.p99Ms));
  context.setOutput('watch-error-rate', text(report.watch?.worstErrorRate));
  context.setOutput('watch-p99-ms', text(report.watch?.worstP99Ms));
  context.setOutput('watch-requests', text(report.watch?.requests));
  context.setOutput('failed-checks', JSON.stringify(report.failedChecks));
  context.setOutput('report', JSON.stringify(report));
  context.setOutput('deployment-id', text(deploymentId));
}

export interface HealthGateDependencies {
  http?: HttpClient;
  clock?: Clock;
  /** The deploy record's GitHub client (default: Octokit with github-token). */
  github?: GitHubClient;
  env?: Record<string, string | undefined>;
}

export async function runWith(context: ActionContext, deps: HealthGateDependencies = {}): Promise<void> {
  const inputs = readHealthGateInputs(
    (name) => context.getInput(name),
    (value) => context.setSecret(value)
  );
  const recordPlan = toDeployRecordPlan(inputs, deps.env ?? process.env);
  const report = await runHealthGate(toHealthGateConfig(inputs), {
    http: deps.http ?? createHttpClient({ userAgent: 'deploy-actions/health-gate' }),
    clock: deps.clock ?? systemClock,
    logger: context.logger
  });
  const recorded = recordPlan
    ? await recordDeploy(recordPlan, report, inputs.url, deps.github, context.logger)
    : undefined;
  writeHealthGateOutputs(context, report, recorded?.deploymentId);
  const summary = [renderHealthGateSummary(report)];
  if (recordPlan && recorded)
    summary.push(
      renderDeployRecordSummary({
        environment: recordPlan.environment,
        record: recordPlan.record,
        state: report.healthy ? 'success' : 'failure',
        ...recorded
      })
    );
  await context.writeSummary(summary.join('\n\n'));
  if (recorded?.error !== undefined && !report.healthy)
    context.logger.warning(`the failed deploy was not recorded on GitHub either: ${recorded.error}`);
  if (!report.healthy) throw new VerdictFailure(report.verdict);
  // A passed gate with no record fails the step: a rollback would not find this version.
  if (recordPlan && recorded?.error !== undefined)
    throw new VerdictFailure(
      `the service is healthy, but the deploy record was not written to GitHub (${recorded.error}): a rollback of ${recordPlan.environment} would not find ${recordPlan.record.version}; re-run this job, or give the rollback version: ${recordPlan.record.version}`
    );
}

/**
 * The entry, with no arguments as `@github/local-action` calls it: the runner's context and the
 * real dependencies. Tests call runWith with their own.
 */
export async function run(): Promise<void> {
  await runAction('health-gate', (context) => runWith(context));
}
