/**
 * rollback: read and check every input before anything is touched, build the dependencies, run the
 * sequence, write outputs, annotations and the summary. Every decision lives in the core library.
 */
import os from 'node:os';
import { runAction, type ActionContext } from '@deploy-actions/core/action';
import { loadBundledPgParser, openAlembicClient } from '@deploy-actions/core/alembic-setup';
import { systemClock, type Clock } from '@deploy-actions/core/clock';
import { ConfigurationError, VerdictFailure, errorMessage } from '@deploy-actions/core/errors';
import { createExec, type Exec } from '@deploy-actions/core/exec';
import {
  GitHubBudget,
  createGitHubClient,
  readGitHubRunContext,
  type GitHubClient,
  type GitHubRunContext
} from '@deploy-actions/core/github';
import { type HealthGateConfig, toHealthCheck } from '@deploy-actions/core/health';
import { createHttpClient, type HttpClient } from '@deploy-actions/core/http';
import { existingDirectory, existingFile } from '@deploy-actions/core/inputs';
import { type Logger } from '@deploy-actions/core/logger';
import { toMetricProviderSpec, type MetricProvider } from '@deploy-actions/core/metrics';
import { type DriverTransport } from '@deploy-actions/core/migrate';
import {
  ROLLBACK_GITHUB_BUDGET_MS,
  downgradeDatabase,
  renderRollbackSummary,
  runRollback,
  type DowngradeConfig,
  type DowngradeOptions,
  type DowngradeReport,
  type RollbackConfig,
  type RollbackReport,
  baselineFromHistory
} from '@deploy-actions/core/rollback';
import { toTrafficRouterSpec } from '@deploy-actions/core/traffic';
import { RECOVERY_ONLY_INPUTS, readRollbackInputs, type RollbackInputs } from './inputs.ts';

/** health-gate's configuration from the `health-` inputs; undefined without health-url. */
export function toHealthConfig(inputs: RollbackInputs): HealthGateConfig | undefined {
  const url = inputs['health-url'];
  if (url === undefined) return undefined;
  return {
    ...toHealthCheck('health-', { ...inputs, 'health-url': url }),
    // The rollback verifies liveness, readiness, version and smoke; latency stays health-gate's.
    latencySamples: 0,
    latencyPath: inputs['health-path'],
    latencyConcurrency: 1,
    maxP99Ms: 600_000
  };
}

/** The recovery watch's configuration; undefined without recovery-window. */
export function toRecoveryConfig(inputs: RollbackInputs): RollbackConfig['recovery'] {
  const windowMs = inputs['recovery-window'];
  if (windowMs === undefined) return undefined;
  // A history with too few stable requests says nothing: the baseline is then measured.
  const historyBaseline =
    inputs.history && baselineFromHistory(inputs.history, inputs['recovery-min-requests']);
  return {
    windowMs,
    intervalMs: inputs['recovery-interval'],
    tolerancePercent: inputs['recovery-max-error-rate'],
    minRequests: inputs['recovery-min-requests'],
    metrics: toMetricProviderSpec(inputs),
    ...(historyBaseline ? { historyBaseline } : {})
  };
}

/** The database step's configuration; undefined unless migrate-downgrade is true. */
export function toDowngradeConfig(inputs: RollbackInputs): DowngradeConfig | undefined {
  if (!inputs['migrate-downgrade']) return undefined;
  return {
    databaseUrl: inputs['database-url']!,
    allowDestructive: inputs['allow-destructive-downgrade'],
    ...(inputs['backup-command']
      ? { backup: { argv: inputs['backup-command'], timeoutMs: inputs['backup-timeout'] } }
      : {}),
    lockTimeoutMs: inputs['downgrade-lock-timeout'],
    statementTimeoutMs: inputs['downgrade-statement-timeout']
  };
}

/** The sequence's configuration from validated inputs and the run's variables. */
export function toRollbackConfig(inputs: RollbackInputs, run: GitHubRunContext | undefined): RollbackConfig {
  const router = toTrafficRouterSpec(inputs);
  const health = toHealthConfig(inputs);
  const downgrade = toDowngradeConfig(inputs);
  const recovery = toRecoveryConfig(inputs);
  const webhooks = inputs['notify-webhook'];
  return {
    environment: inputs.environment,
    ...(inputs.version !== undefined ? { version: inputs.version } : {}),
    reason: inputs.reason ?? `rollback of ${inputs.environment} by ${run?.actor ?? 'unknown'}`,
    ...(router ? { router } : {}),
    ...(inputs['redeploy-command']
      ? { redeploy: { argv: inputs['redeploy-command'], timeoutMs: inputs['command-timeout'] } }
      : {}),
    ...(downgrade ? { downgrade } : {}),
    ...(health ? { health } : {}),
    ...(recovery ? { recovery } : {}),
    ...(webhooks !== undefined
      ? {
          notify: {
            targets: webhooks.map(({ format, url }) => ({ format: format ?? inputs['notify-format'], url })),
            ...(inputs['notify-mention'] !== undefined ? { mention: inputs['notify-mention'] } : {})
          }
        }
      : {}),
    createIncident: inputs['create-incident'],
    verifyVersion: inputs['verify-version'],
    incidentAssign: inputs['incident-assign'],
    ...(inputs['dashboard-url'] !== undefined ? { dashboardUrl: inputs['dashboard-url'] } : {}),
    reviewDueMs: inputs['review-due'],
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
  context.setOutput('verified', report.verification.verified);
  context.setOutput('report', JSON.stringify(report));
}

export interface RollbackDependencies {
  github?: GitHubClient;
  http?: HttpClient;
  exec?: Exec;
  clock?: Clock;
  env?: Record<string, string | undefined>;
  notifyAttempts?: number;
  /** Replaces the Python alembic driver (tests of the entry). */
  transport?: DriverTransport;
  metricProvider?: MetricProvider;
  /** Where relative paths start; default process.cwd() (the runner starts actions in the workspace). */
  cwd?: string;
}

/**
 * The downgrade with the project's own Python running the alembic driver. Python and alembic are
 * asked for their versions now, before anything is touched: a wrong `python` is an input error, not
 * a failure halfway through the rollback. `close` removes the driver's temporary folder.
 */
async function prepareDowngrade(
  alembic: { workingDirectory: string; config: string; python: string; tempRoot: string },
  logger: Logger,
  exec: Exec,
  transport: DriverTransport | undefined
): Promise<{
  downgrade: (config: DowngradeConfig, options: DowngradeOptions) => Promise<DowngradeReport>;
  close: () => void;
}> {
  const { client, close } = openAlembicClient({ ...alembic, logger, ...(transport ? { transport } : {}) });
  try {
    const probe = await client.probe();
    logger.info(`Python ${probe.python}, alembic ${probe.alembic} for the downgrade`);
  } catch (error) {
    close();
    const expected = `a Python interpreter that can import alembic (${errorMessage(error)})`;
    throw new ConfigurationError(`python: ${expected}`, [
      { input: 'python', shownValue: JSON.stringify(alembic.python), expected }
    ]);
  }
  return {
    downgrade: (config, options) =>
      downgradeDatabase(config, options, { alembic: client, loadParser: loadBundledPgParser, exec, logger }),
    close
  };
}

export async function runWith(context: ActionContext, deps: RollbackDependencies = {}): Promise<void> {
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
  const exec = deps.exec ?? createExec();
  // Said, not refused: an unused input must never keep traffic from going back to stable.
  const unused = RECOVERY_ONLY_INPUTS.filter((name) => inputs[name] !== undefined);
  if (config.recovery === undefined && unused.length > 0)
    context.annotate(
      'warning',
      `${unused.join(', ')} given without recovery-window: the error rate is not watched after the rollback`,
      { title: 'rollback inputs' }
    );
  let downgrader: Awaited<ReturnType<typeof prepareDowngrade>> | undefined;
  if (config.downgrade) {
    // Checked now, before traffic moves: a wrong path must not surface halfway through a rollback.
    const workingDirectory = existingDirectory(
      'working-directory',
      inputs['working-directory'],
      deps.cwd ?? process.cwd()
    );
    downgrader = await prepareDowngrade(
      {
        workingDirectory,
        config: existingFile('alembic-config', inputs['alembic-config'], workingDirectory),
        python: inputs.python,
        tempRoot: env.RUNNER_TEMP ?? os.tmpdir()
      },
      context.logger,
      exec,
      deps.transport
    );
  }
  try {
    await rollBack(context, inputs, config, runContext, { ...deps, exec }, downgrader?.downgrade);
  } finally {
    downgrader?.close();
  }
}

/** Runs the sequence and reports it: outputs, warnings, the summary; fails when the rollback did. */
async function rollBack(
  context: ActionContext,
  inputs: RollbackInputs,
  config: RollbackConfig,
  runContext: GitHubRunContext | undefined,
  deps: RollbackDependencies,
  downgradeDatabase:
    ((config: DowngradeConfig, options: DowngradeOptions) => Promise<DowngradeReport>) | undefined
): Promise<void> {
  let github = deps.github;
  if (!github && inputs['github-token'] !== undefined && runContext) {
    github = await createGitHubClient({
      token: inputs['github-token'],
      repository: runContext.repository,
      baseUrl: runContext.apiUrl,
      userAgent: 'deploy-actions/rollback',
      logger: context.logger,
      budget: new GitHubBudget(ROLLBACK_GITHUB_BUDGET_MS)
    });
  }
  const report = await runRollback(config, {
    github,
    exec: deps.exec ?? createExec(),
    http: deps.http ?? createHttpClient({ userAgent: 'deploy-actions/rollback' }),
    clock: deps.clock ?? systemClock,
    logger: context.logger,
    redact: (text) => context.redact(text),
    ...(deps.notifyAttempts ? { notifyAttempts: deps.notifyAttempts } : {}),
    ...(downgradeDatabase ? { downgradeDatabase } : {}),
    ...(deps.metricProvider ? { metricProvider: deps.metricProvider } : {})
  });
  for (const step of report.steps) {
    if (step.status === 'failed' && step.warningOnly)
      context.annotate('warning', `rollback ${step.name} failed: ${step.detail}`, { title: 'rollback' });
  }
  writeRollbackOutputs(context, report);
  await context.writeSummary(renderRollbackSummary(report));
  if (!report.succeeded) throw new VerdictFailure(report.verdict);
}

/**
 * The entry, with no arguments as `@github/local-action` calls it: the runner's context and the
 * real dependencies. Tests call runWith with their own.
 */
export async function run(): Promise<void> {
  await runAction('rollback', (context) => runWith(context));
}
