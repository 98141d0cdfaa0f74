/**
 * rollback: read and check every input before anything is touched, build the dependencies, run the
 * sequence, write outputs, annotations and the summary. Every decision lives in the core library.
 */
import {
  ConfigurationError,
  VerdictFailure,
  createExec,
  createGitHubClient,
  createHttpClient,
  readGitHubRunContext,
  renderRollbackSummary,
  runRollback,
  systemClock,
  toTrafficRouterSpec,
  type ActionContext,
  type Clock,
  type Exec,
  type GitHubClient,
  type GitHubRunContext,
  type HealthGateConfig,
  type HttpClient,
  type RollbackConfig,
  type RollbackReport
} from '@deploy-actions/core';
import { readRollbackInputs, type RollbackInputs } from './inputs.ts';

/** health-gate's configuration from the `health-` inputs; undefined without health-url. */
export function toHealthConfig(inputs: RollbackInputs): HealthGateConfig | undefined {
  const url = inputs['health-url'];
  if (url === undefined) return undefined;
  const healthPath = inputs['health-path'];
  return {
    target: {
      url,
      healthPath,
      ...(inputs['health-ready-path'] !== undefined ? { readyPath: inputs['health-ready-path'] } : {}),
      ...(inputs['health-expected-version'] !== undefined
        ? { expectedVersion: inputs['health-expected-version'] }
        : {}),
      ...(inputs['health-expected-sha'] !== undefined ? { expectedSha: inputs['health-expected-sha'] } : {}),
      headers: inputs['health-headers'] ?? {},
      timeoutMs: inputs['health-timeout']
    },
    gate: {
      intervalMs: inputs['health-interval'],
      startPeriodMs: inputs['health-start-period'],
      retries: inputs['health-retries'],
      successThreshold: inputs['health-success-threshold'],
      deadlineMs: inputs['health-deadline']
    },
    // The rollback verifies liveness, readiness and version; latency and smoke stay health-gate's.
    latencySamples: 0,
    latencyPath: healthPath,
    latencyConcurrency: 1,
    maxP99Ms: 600_000,
    smoke: []
  };
}

/** The sequence's configuration from validated inputs and the run's variables. */
export function toRollbackConfig(inputs: RollbackInputs, run: GitHubRunContext | undefined): RollbackConfig {
  const router = toTrafficRouterSpec(inputs);
  const health = toHealthConfig(inputs);
  const webhook = inputs['notify-webhook'];
  return {
    environment: inputs.environment,
    ...(inputs.version !== undefined ? { version: inputs.version } : {}),
    reason: inputs.reason,
    ...(router ? { router } : {}),
    ...(inputs['redeploy-command']
      ? { redeploy: { argv: inputs['redeploy-command'], timeoutMs: inputs['command-timeout'] } }
      : {}),
    ...(health ? { health } : {}),
    ...(webhook !== undefined
      ? {
          notify: {
            url: webhook,
            format: inputs['notify-format'],
            ...(inputs['notify-mention'] !== undefined ? { mention: inputs['notify-mention'] } : {})
          }
        }
      : {}),
    createIncident: inputs['create-incident'],
    triggeredBy: run?.actor ?? 'unknown',
    ...(run?.runId !== undefined
      ? {
          runUrl: `${run.serverUrl}/${run.repository.owner}/${run.repository.repo}/actions/runs/${run.runId}`
        }
      : {})
  };
}

/** Sets every output of the contract; absent values are empty strings. */
export function writeRollbackOutputs(context: ActionContext, report: RollbackReport): void {
  context.setOutput('rolled-back-to', report.target?.version ?? '');
  context.setOutput('healthy', report.healthy === undefined ? '' : report.healthy);
  context.setOutput('incident-url', report.incidentUrl ?? '');
  context.setOutput('report', JSON.stringify(report));
}

export interface RollbackDependencies {
  github?: GitHubClient;
  http?: HttpClient;
  exec?: Exec;
  clock?: Clock;
  env?: Record<string, string | undefined>;
  notifyAttempts?: number;
}

export async function run(context: ActionContext, deps: RollbackDependencies = {}): Promise<void> {
  const inputs = readRollbackInputs(
    (name) => context.getInput(name),
    (value) => context.setSecret(value)
  );
  const env = deps.env ?? process.env;
  let runContext: GitHubRunContext | undefined;
  try {
    runContext = readGitHubRunContext(env);
  } catch (error) {
    // Without the repository, history, statuses and the incident cannot work: refuse before acting.
    if (inputs['github-token'] !== undefined || inputs['create-incident'])
      throw new ConfigurationError(error instanceof Error ? error.message : String(error));
  }
  const config = toRollbackConfig(inputs, runContext);
  let github = deps.github;
  if (!github && inputs['github-token'] !== undefined && runContext) {
    github = await createGitHubClient({
      token: inputs['github-token'],
      repository: runContext.repository,
      baseUrl: runContext.apiUrl,
      userAgent: 'deploy-actions/rollback',
      logger: context.logger
    });
  }
  const report = await runRollback(config, {
    github,
    exec: deps.exec ?? createExec(),
    http: deps.http ?? createHttpClient({ userAgent: 'deploy-actions/rollback' }),
    clock: deps.clock ?? systemClock,
    logger: context.logger,
    ...(deps.notifyAttempts ? { notifyAttempts: deps.notifyAttempts } : {})
  });
  for (const step of report.steps) {
    if (step.status === 'failed' && step.warningOnly)
      context.annotate('warning', `rollback ${step.name} failed: ${step.detail}`, { title: 'rollback' });
  }
  writeRollbackOutputs(context, report);
  await context.writeSummary(
    renderRollbackSummary({
      environment: report.environment,
      succeeded: report.succeeded,
      verdict: report.verdict,
      ...(report.from ? { fromVersion: report.from.version } : {}),
      ...(report.target ? { toVersion: report.target.version } : {}),
      ...(report.target?.sha ? { toSha: report.target.sha } : {}),
      reason: report.reason,
      triggeredBy: report.triggeredBy,
      durationMs: report.durationMs,
      ...(report.healthy !== undefined ? { healthy: report.healthy } : {}),
      ...(report.incidentUrl ? { incidentUrl: report.incidentUrl } : {}),
      steps: report.steps,
      nextSteps: report.nextSteps
    })
  );
  if (!report.succeeded) throw new VerdictFailure(report.verdict);
}
