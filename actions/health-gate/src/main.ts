/**
 * health-gate: read inputs, build the dependencies, run the gate, write outputs and the summary.
 * Every decision lives in the core library.
 */
import {
  VerdictFailure,
  createHttpClient,
  renderHealthGateSummary,
  runHealthGate,
  systemClock,
  type ActionContext,
  type Clock,
  type HealthGateConfig,
  type HealthGateReport,
  type HttpClient,
  type WatchSettings
} from '@deploy-actions/core';
import { readHealthGateInputs, type HealthGateInputs } from './inputs.ts';

/** Maps validated inputs onto the gate's configuration. */
export function toHealthGateConfig(inputs: HealthGateInputs): HealthGateConfig {
  const healthPath = inputs['health-path'];
  return {
    target: {
      url: inputs.url,
      healthPath,
      ...(inputs['ready-path'] !== undefined ? { readyPath: inputs['ready-path'] } : {}),
      ...(inputs['expected-version'] !== undefined ? { expectedVersion: inputs['expected-version'] } : {}),
      ...(inputs['expected-sha'] !== undefined ? { expectedSha: inputs['expected-sha'] } : {}),
      headers: inputs.headers ?? {},
      timeoutMs: inputs.timeout
    },
    gate: {
      intervalMs: inputs.interval,
      startPeriodMs: inputs['start-period'],
      retries: inputs.retries,
      successThreshold: inputs['success-threshold'],
      deadlineMs: inputs.deadline
    },
    latencySamples: inputs['latency-samples'],
    latencyPath: inputs['latency-path'] ?? healthPath,
    latencyConcurrency: inputs['latency-concurrency'],
    maxP99Ms: inputs['max-p99'],
    smoke: inputs.smoke ?? [],
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

/** Sets every output of the contract; absent values are empty strings. */
export function writeHealthGateOutputs(context: ActionContext, report: HealthGateReport): void {
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
}

export interface HealthGateDependencies {
  http?: HttpClient;
  clock?: Clock;
}

export async function run(context: ActionContext, deps: HealthGateDependencies = {}): Promise<void> {
  const inputs = readHealthGateInputs(
    (name) => context.getInput(name),
    (value) => context.setSecret(value)
  );
  const report = await runHealthGate(toHealthGateConfig(inputs), {
    http: deps.http ?? createHttpClient({ userAgent: 'deploy-actions/health-gate' }),
    clock: deps.clock ?? systemClock,
    logger: context.logger
  });
  writeHealthGateOutputs(context, report);
  await context.writeSummary(renderHealthGateSummary(report));
  if (!report.healthy) throw new VerdictFailure(report.verdict);
}
