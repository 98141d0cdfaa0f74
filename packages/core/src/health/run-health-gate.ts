import type { Clock } from '../clock.ts';
import type { HttpClient } from '../http/client.ts';
import { formatDuration } from '../inputs/duration.ts';
import type { Logger } from '../logger.ts';
import { displayUrl } from '../redact.ts';
import { deadlineMessage, startDeadline, type Deadline, type HealthPhase } from './deadline.ts';
import { advanceGate, initialGateState, type GateSettings, type GateState } from './gate.ts';
import { latencyWithin, sampleLatency, type LatencySample } from './latency.ts';
import { assessProbe, observeProbe, type ProbeTarget, type ProbeVerdict } from './probe.ts';
import { buildHealthGateReport, type HealthGateReport, type TimelineEntry } from './report.ts';
import { runSmokeChecks, type SmokeCheck, type SmokeResult } from './smoke.ts';
import { watchService, type WatchRun, type WatchSettings } from './watch.ts';

export interface HealthGateConfig {
  target: ProbeTarget;
  gate: GateSettings;
  /** 0 disables latency sampling. */
  latencySamples: number;
  latencyPath: string;
  latencyConcurrency: number;
  maxP99Ms: number;
  smoke: SmokeCheck[];
  /** The post-deploy watch after everything else passed; absent disables it. */
  watch?: WatchSettings;
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
  /** True when the deadline ended the gate before it decided. */
  deadlineReached: boolean;
}

/** The phase a deadline cut short, and what it had done by then. */
export interface CutShort {
  phase: HealthPhase;
  reason: string;
}

/**
 * Probes until the gate passes (success-threshold consecutive passing probes), fails (retries
 * consecutive counted failures) or the deadline comes (by default `deadline` from now). Probes
 * start every `interval` from the previous probe's start, so a slow probe does not push the
 * schedule back; no probe outlives the deadline.
 */
export async function waitForHealthy(
  config: HealthGateConfig,
  deps: HealthGateDeps,
  deadline: Deadline = startDeadline(deps.clock, config.gate.deadlineMs)
): Promise<GateRun> {
  const { gate, target } = config;
  const started = deps.clock.now();
  const timeline: TimelineEntry[] = [];
  let state: GateState = initialGateState;
  let last: ProbeVerdict | undefined;
  const finish = (status: GateRun['status'], reason: string, deadlineReached = false): GateRun => ({
    status,
    reason,
    attempts: state.attempts,
    elapsedMs: deps.clock.now() - started,
    timeline,
    ...(last ? { last } : {}),
    deadlineReached
  });
  const deadlineFell = () => finish('failed', deadlineReason(deadline, gate, state, last), true);

  for (;;) {
    const probeStart = deps.clock.now();
    if (deadline.reached()) return deadlineFell();
    const observation = await observeProbe(target, deps.http, deadline.cap(target.timeoutMs));
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
    if (nextAt >= deadline.at) return deadlineFell();
    await deps.clock.sleep(nextAt - deps.clock.now());
  }
}

function deadlineReason(
  deadline: Deadline,
  gate: GateSettings,
  state: GateState,
  last: ProbeVerdict | undefined
): string {
  const what =
    last?.outcome === 'pending'
      ? `the service is healthy but still reports another version (${last.summary})`
      : last?.outcome === 'pass'
        ? `only ${state.consecutiveSuccesses} of ${gate.successThreshold} consecutive passing probes`
        : `last: ${last?.summary ?? 'no probe completed'}`;
  return deadlineMessage(
    deadline,
    'gate',
    `after ${state.attempts} probe${state.attempts === 1 ? '' : 's'}; ${what}`
  );
}

/**
 * The whole health gate under one hard deadline: wait for healthy, then sample latency, run the
 * smoke checks and watch the service, each only when everything before it passed. When the
 * deadline falls, the phase it cut short is named in the report.
 */
export async function runHealthGate(
  config: HealthGateConfig,
  deps: HealthGateDeps
): Promise<HealthGateReport> {
  const startedAt = deps.clock.date();
  const deadline = startDeadline(deps.clock, config.gate.deadlineMs);
  deps.logger.info(
    `Waiting for ${displayUrl(config.target.url)} to be healthy (deadline ${formatDuration(config.gate.deadlineMs)})`
  );
  const gate = await waitForHealthy(config, deps, deadline);
  let cutShort: CutShort | undefined = gate.deadlineReached
    ? { phase: 'gate', reason: gate.reason }
    : undefined;
  const cut = (phase: HealthPhase, detail: string) => {
    cutShort = { phase, reason: deadlineMessage(deadline, phase, detail) };
    deps.logger.warning(cutShort.reason);
  };
  let latency: LatencySample | undefined;
  let smoke: SmokeResult[] = [];
  let watch: WatchRun | undefined;
  const shared = {
    headers: config.target.headers,
    timeoutMs: config.target.timeoutMs,
    http: deps.http,
    deadline
  };

  if (gate.status === 'passed' && config.latencySamples > 0) {
    deps.logger.info(
      `Sampling latency: ${config.latencySamples} requests to ${config.latencyPath}, ${config.latencyConcurrency} at a time`
    );
    latency = await sampleLatency({
      ...shared,
      url: `${config.target.url}${config.latencyPath}`,
      samples: config.latencySamples,
      concurrency: config.latencyConcurrency
    });
    if (deadline.reached()) cut('latency', `${latency.sent} of ${config.latencySamples} requests sent`);
  }
  if (gate.status === 'passed' && !cutShort && config.smoke.length > 0) {
    deps.logger.info(`Running ${config.smoke.length} smoke check${config.smoke.length > 1 ? 's' : ''}`);
    smoke = await runSmokeChecks(config.smoke, { ...shared, url: config.target.url });
    if (deadline.reached()) {
      const cutOff = smoke.at(-1);
      cut(
        'smoke',
        `${smoke.length} of ${config.smoke.length} checks started${cutOff && !cutOff.passed ? `; \`${cutOff.check.line}\` was cut off (${cutOff.detail})` : ''}`
      );
    }
  }
  const passedSoFar =
    gate.status === 'passed' &&
    !cutShort &&
    (!latency || latencyWithin(latency, config.maxP99Ms)) &&
    smoke.every((r) => r.passed);
  if (config.watch && passedSoFar) {
    const settings = config.watch;
    deps.logger.info(
      `Watching for ${formatDuration(settings.durationMs)}: ${settings.rps} requests/s to ${settings.paths.join(', ')}, judged every ${formatDuration(settings.intervalMs)}`
    );
    watch = await watchService(settings, { ...shared, url: config.target.url }, deadline, deps);
    if (watch.status === 'cut-short') {
      cutShort = { phase: 'watch', reason: watch.reason };
      deps.logger.warning(watch.reason);
    }
  }
  const report = buildHealthGateReport({ config, gate, latency, smoke, watch, cutShort, startedAt });
  deps.logger.info(report.verdict);
  return report;
}
