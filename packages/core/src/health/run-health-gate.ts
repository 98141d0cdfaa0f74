import type { Clock } from '../clock.ts';
import type { HttpClient } from '../http/client.ts';
import { formatDuration } from '../inputs/duration.ts';
import type { Logger } from '../logger.ts';
import { displayUrl } from '../redact.ts';
import { advanceGate, initialGateState, type GateSettings, type GateState } from './gate.ts';
import { sampleLatency, type LatencySample } from './latency.ts';
import { assessProbe, observeProbe, type ProbeTarget, type ProbeVerdict } from './probe.ts';
import { buildHealthGateReport, type HealthGateReport, type TimelineEntry } from './report.ts';
import { runSmokeChecks, type SmokeCheck, type SmokeResult } from './smoke.ts';

export interface HealthGateConfig {
  target: ProbeTarget;
  gate: GateSettings;
  /** 0 disables latency sampling. */
  latencySamples: number;
  latencyPath: string;
  latencyConcurrency: number;
  maxP99Ms: number;
  smoke: SmokeCheck[];
}

export interface HealthGateDeps {
  http: HttpClient;
  clock: Clock;
  logger: Logger;
}

export interface GateRun {
  status: 'passed' | 'failed';
  reason: string;
  attempts: number;
  elapsedMs: number;
  timeline: TimelineEntry[];
  last?: ProbeVerdict;
}

/**
 * Probes until the gate passes (success-threshold consecutive passing probes), fails (retries
 * consecutive counted failures) or the deadline comes. Probes start every `interval` from the
 * previous probe's start, so a slow probe does not push the schedule back; no probe outlives the
 * deadline.
 */
export async function waitForHealthy(config: HealthGateConfig, deps: HealthGateDeps): Promise<GateRun> {
  const { gate, target } = config;
  const started = deps.clock.now();
  const deadlineAt = started + gate.deadlineMs;
  const timeline: TimelineEntry[] = [];
  let state: GateState = initialGateState;
  let last: ProbeVerdict | undefined;
  const finish = (status: GateRun['status'], reason: string): GateRun => ({
    status,
    reason,
    attempts: state.attempts,
    elapsedMs: deps.clock.now() - started,
    timeline,
    ...(last ? { last } : {})
  });

  for (;;) {
    const probeStart = deps.clock.now();
    const remaining = deadlineAt - probeStart;
    if (remaining <= 0) return finish('failed', deadlineReason(gate, state, last));
    const observation = await observeProbe(target, deps.http, Math.min(target.timeoutMs, remaining));
    const verdict = assessProbe(target, observation);
    last = verdict;
    const elapsed = probeStart - started;
    const inStartPeriod =
      !state.startPeriodOver && elapsed < gate.startPeriodMs && verdict.outcome !== 'pass';
    const step = advanceGate(gate, state, verdict.outcome, elapsed);
    state = step.state;
    timeline.push({
      attempt: state.attempts,
      atMs: Math.round(elapsed),
      durationMs: Math.round(deps.clock.now() - probeStart),
      outcome: verdict.outcome,
      inStartPeriod,
      summary: verdict.summary,
      ...(verdict.version !== undefined ? { version: verdict.version } : {})
    });
    deps.logger.info(
      `probe ${state.attempts} at +${formatDuration(elapsed)}: ${verdict.outcome}${inStartPeriod ? ' (start period, not counted)' : ''} — ${verdict.summary}`
    );
    if (step.status === 'passed') {
      return finish(
        'passed',
        `${gate.successThreshold} consecutive passing probe${gate.successThreshold > 1 ? 's' : ''}`
      );
    }
    if (step.status === 'failed') {
      return finish(
        'failed',
        `${gate.retries} consecutive failed probe${gate.retries > 1 ? 's' : ''} after the start period; last: ${verdict.summary}`
      );
    }
    const nextAt = probeStart + gate.intervalMs;
    if (nextAt >= deadlineAt) return finish('failed', deadlineReason(gate, state, last));
    await deps.clock.sleep(nextAt - deps.clock.now());
  }
}

function deadlineReason(gate: GateSettings, state: GateState, last: ProbeVerdict | undefined): string {
  const what =
    last?.outcome === 'pending'
      ? `the service is healthy but still reports another version (${last.summary})`
      : last?.outcome === 'pass'
        ? `only ${state.consecutiveSuccesses} of ${gate.successThreshold} consecutive passing probes`
        : `last: ${last?.summary ?? 'no probe completed'}`;
  return `deadline ${formatDuration(gate.deadlineMs)} reached after ${state.attempts} probe${state.attempts === 1 ? '' : 's'}; ${what}`;
}

/** The whole health gate: wait for healthy, then sample latency and run the smoke checks. */
export async function runHealthGate(
  config: HealthGateConfig,
  deps: HealthGateDeps
): Promise<HealthGateReport> {
  const startedAt = deps.clock.date();
  deps.logger.info(
    `Waiting for ${displayUrl(config.target.url)} to be healthy (deadline ${formatDuration(config.gate.deadlineMs)})`
  );
  const gate = await waitForHealthy(config, deps);
  let latency: LatencySample | undefined;
  let smoke: SmokeResult[] = [];
  if (gate.status === 'passed') {
    const shared = { headers: config.target.headers, timeoutMs: config.target.timeoutMs, http: deps.http };
    if (config.latencySamples > 0) {
      deps.logger.info(
        `Sampling latency: ${config.latencySamples} requests to ${config.latencyPath}, ${config.latencyConcurrency} at a time`
      );
      latency = await sampleLatency({
        ...shared,
        url: `${config.target.url}${config.latencyPath}`,
        samples: config.latencySamples,
        concurrency: config.latencyConcurrency
      });
    }
    if (config.smoke.length > 0) {
      deps.logger.info(`Running ${config.smoke.length} smoke check${config.smoke.length > 1 ? 's' : ''}`);
      smoke = await runSmokeChecks(config.smoke, { ...shared, url: config.target.url });
    }
  }
  const report = buildHealthGateReport({ config, gate, latency, smoke, startedAt });
  deps.logger.info(report.verdict);
  return report;
}
