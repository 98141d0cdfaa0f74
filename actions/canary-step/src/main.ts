/**
 * canary-step: read inputs, build the router and the metric provider, run the canary, write the
 * outputs and the summary. Every decision lives in the core library.
 */
import { onTermination, runAction, type ActionContext } from '@deploy-actions/core/action';
import {
  CanaryState,
  buildCanaryReport,
  createCanaryHealthCheck,
  planWeights,
  recordWeightChanges,
  renderCanarySummary,
  runCanary,
  type CanaryConfig,
  type CanaryReport
} from '@deploy-actions/core/canary';
import { systemClock, type Clock } from '@deploy-actions/core/clock';
import { VerdictFailure } from '@deploy-actions/core/errors';
import { createExec, type Exec } from '@deploy-actions/core/exec';
import { createHttpClient, type HttpClient } from '@deploy-actions/core/http';
import { createMetricProvider, toMetricProviderSpec } from '@deploy-actions/core/metrics';
import { createTrafficRouter, toTrafficRouterSpec } from '@deploy-actions/core/traffic';
import { readCanaryStepInputs, type CanaryStepInputs } from './inputs.ts';

/** Limit of one canary-health-url request. */
const HEALTH_TIMEOUT_MS = 5000;

/** Maps validated inputs onto the step's configuration. */
export function toCanaryConfig(inputs: CanaryStepInputs): CanaryConfig {
  return {
    weights: planWeights({ weight: inputs.weight, steps: inputs.steps }),
    durationMs: inputs.duration,
    intervalMs: inputs.interval,
    analysis: {
      maxErrorRateDeltaPp: inputs['max-error-rate-delta'],
      maxP99Ratio: inputs['max-p99-ratio'],
      minP99DeltaMs: inputs['min-p99-delta'],
      minRequests: inputs['min-requests'],
      failureLimit: inputs['failure-limit'],
      inconclusiveLimit: inputs['inconclusive-limit'],
      extraChecks: inputs['extra-checks'] ?? []
    },
    onFailure: inputs['on-failure'],
    onInconclusive: inputs['on-inconclusive'],
    ...(inputs.history ? { history: inputs.history } : {})
  };
}

/** Sets every output; absent values are empty strings. */
export function writeCanaryStepOutputs(context: ActionContext, report: CanaryReport): void {
  const text = (value: number | undefined | null) =>
    value === undefined || value === null ? '' : Number.isFinite(value) ? String(value) : 'Infinity';
  context.setOutput('decision', report.decision);
  context.setOutput('weight', text(report.weight));
  context.setOutput('canary-error-rate', text(report.lastWeight?.canary.errorRatePct));
  context.setOutput('baseline-error-rate', text(report.lastWeight?.baseline.errorRatePct));
  context.setOutput('canary-p99-ms', text(report.lastWeight?.canary.p99Ms));
  context.setOutput('baseline-p99-ms', text(report.lastWeight?.baseline.p99Ms));
  context.setOutput('history', JSON.stringify(report.history));
  context.setOutput('report', JSON.stringify(report));
}

export interface CanaryStepDependencies {
  http?: HttpClient;
  clock?: Clock;
  exec?: Exec;
  /** The workflow run's id (GITHUB_RUN_ID), to tell a history from another run. */
  runId?: string;
}

export async function runWith(context: ActionContext, deps: CanaryStepDependencies = {}): Promise<void> {
  const inputs = readCanaryStepInputs(
    (name) => context.getInput(name),
    (value) => context.setSecret(value)
  );
  const config = toCanaryConfig(inputs);
  const routerSpec = toTrafficRouterSpec(inputs)!;
  const metricSpec = toMetricProviderSpec(inputs);
  const runId = deps.runId ?? process.env.GITHUB_RUN_ID;
  if (config.history?.runId && runId && config.history.runId !== runId) {
    context.logger.warning(
      `The history input comes from workflow run ${config.history.runId}, not this one (${runId}): check that it is this canary's.`
    );
  }
  const clock = deps.clock ?? systemClock;
  const http = deps.http ?? createHttpClient({ userAgent: 'deploy-actions/canary-step' });
  // The router's programs run in their own process groups, which the runner's cancellation does
  // not reach: their ids go into the state as they start and end, and a cancelled step stops them
  // before it ends (a command that outlived the job once set 50% after the post step's reset).
  const processes = createExec({
    onRunningChange: (groups) => context.saveState(CanaryState.commands, JSON.stringify(groups))
  });
  const exec = deps.exec ?? processes;
  const logger = context.logger;

  // The post step resets the weight from this state if the job dies while traffic is split.
  context.saveState(CanaryState.router, JSON.stringify(routerSpec));
  const baseRouter = createTrafficRouter(routerSpec, { exec, logger });
  const router = recordWeightChanges(baseRouter, (name, value) => context.saveState(name, value));
  const metrics = createMetricProvider(metricSpec, { http, clock });
  const healthUrl = inputs['canary-health-url'];
  const canaryHealth = healthUrl
    ? createCanaryHealthCheck(
        {
          url: healthUrl,
          headers: inputs['canary-health-headers'] ?? {},
          // A liveness answer is quick: 5 s, and never longer than a measurement's window.
          timeoutMs: Math.min(HEALTH_TIMEOUT_MS, config.intervalMs)
        },
        { http, clock }
      )
    : undefined;

  const stopHandlingSignals = onTermination(() => processes.stopAll());
  const result = await runCanary(config, {
    router,
    metrics,
    clock,
    logger,
    ...(canaryHealth ? { canaryHealth } : {})
  }).finally(stopHandlingSignals);
  // Traffic is where the decision put it (or left on purpose): nothing for the post step to undo.
  if (result.traffic.ok) context.saveState(CanaryState.finished, 'true');

  const report = buildCanaryReport({
    config,
    run: result,
    router: { type: baseRouter.type, target: baseRouter.target },
    metrics: metricSpec,
    ...(runId ? { runId } : {})
  });
  writeCanaryStepOutputs(context, report);
  await context.writeSummary(renderCanarySummary(report));
  const onlyReset = config.weights.length === 1 && config.weights[0] === 0;
  if (report.decision !== 'promote' && !(onlyReset && result.traffic.ok)) {
    throw new VerdictFailure(`${report.decision}: ${report.reason}. ${result.traffic.description}`);
  }
}

/**
 * The entry, with no arguments as `@github/local-action` calls it: the runner's context and the
 * real dependencies. Tests call runWith with their own.
 */
export async function run(): Promise<void> {
  await runAction('canary-step', (context) => runWith(context));
}
