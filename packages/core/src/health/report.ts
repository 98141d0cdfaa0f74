import { formatDuration } from '../inputs/duration.ts';
import { displayUrl } from '../redact.ts';
import type { ComponentCheck } from './responses.ts';
import { latencyWithin, type LatencySample } from './latency.ts';
import type { CheckResult, ProbeOutcome } from './probe.ts';
import type { CutShort, GateRun, HealthGateConfig } from './run-health-gate.ts';
import type { SmokeResult } from './smoke.ts';
import type { WatchRun } from './watch.ts';
import type { WindowVerdict } from './watch-window.ts';

/** One probe in the gate's timeline. */
export interface TimelineEntry {
  attempt: number;
  /** Start of the probe, milliseconds after the gate started. */
  atMs: number;
  durationMs: number;
  outcome: ProbeOutcome;
  /** A failure inside the start period, not counted against `retries`. */
  inStartPeriod: boolean;
  summary: string;
  version?: string;
}

export interface FailedCheck {
  name: string;
  error: string;
}

/** The `report` output: the whole result as one JSON document. */
export interface HealthGateReport {
  schema: 'health-gate/v1';
  healthy: boolean;
  /** One sentence: the verdict and why. */
  verdict: string;
  startedAt: string;
  target: {
    url: string;
    healthPath: string;
    readyPath?: string;
    expectedVersion?: string;
    expectedSha?: string;
  };
  settings: {
    intervalMs: number;
    timeoutMs: number;
    startPeriodMs: number;
    retries: number;
    successThreshold: number;
    deadlineMs: number;
    maxP99Ms: number;
  };
  gate: { status: 'passed' | 'failed'; reason: string; attempts: number; elapsedSeconds: number };
  reported: { version?: string; gitSha?: string; uptimeSeconds?: number };
  /** The checks of the last probe. */
  checks: CheckResult[];
  dependencies: ComponentCheck[];
  timeline: TimelineEntry[];
  latency?: {
    path: string;
    samples: number;
    failures: number;
    failureReasons: string[];
    p50Ms?: number;
    p95Ms?: number;
    p99Ms?: number;
    maxMs?: number;
    maxP99Ms: number;
    passed: boolean;
    /** Latencies in completion order, for the chart (rounded to 0.1 ms). */
    seriesMs: number[];
  };
  smoke: { check: string; passed: boolean; detail: string; httpStatus?: number; latencyMs?: number }[];
  /** The post-deploy watch, when it ran. */
  watch?: {
    status: WatchRun['status'];
    reason: string;
    paths: string[];
    durationMs: number;
    intervalMs: number;
    rps: number;
    maxErrorRate: number;
    maxP99Ms: number;
    requests: number;
    plannedWindows: number;
    elapsedSeconds: number;
    /** The worst judged window's error rate (%) and p99. */
    worstErrorRate?: number;
    worstP99Ms?: number;
    windows: {
      window: number;
      startMs: number;
      endMs: number;
      requests: number;
      errors: number;
      errorRate?: number;
      p99Ms?: number;
      verdict: WindowVerdict;
      reason: string;
      errorReasons: Record<string, number>;
    }[];
  };
  /** The phase the deadline cut short, when it fell. */
  cutShort?: CutShort;
  failedChecks: FailedCheck[];
  nextSteps: string[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Assembles the report, the failed checks and the advice from what the gate saw. Pure. */
export function buildHealthGateReport(input: {
  config: HealthGateConfig;
  gate: GateRun;
  latency: LatencySample | undefined;
  smoke: SmokeResult[];
  watch: WatchRun | undefined;
  cutShort: CutShort | undefined;
  startedAt: Date;
}): HealthGateReport {
  const { config, gate, smoke, cutShort } = input;
  const last = gate.last;
  const latency = input.latency && reportLatency(config, input.latency);
  const watch = input.watch && config.watch && reportWatch(config.watch, input.watch);
  const failedChecks: FailedCheck[] = [];
  if (gate.status === 'failed') {
    for (const check of last?.checks.filter((c) => c.status === 'fail') ?? [])
      failedChecks.push({ name: check.name, error: check.detail });
    if (failedChecks.length === 0) failedChecks.push({ name: 'gate', error: gate.reason });
  }
  if (latency && !latency.passed) failedChecks.push({ name: 'latency', error: latencyProblem(latency) });
  for (const result of smoke.filter((r) => !r.passed))
    failedChecks.push({ name: `smoke: ${result.check.line}`, error: result.detail });
  if (watch && watch.status !== 'passed' && watch.status !== 'cut-short')
    failedChecks.push({ name: 'watch', error: watch.reason });
  if (cutShort && cutShort.phase !== 'gate') failedChecks.push({ name: 'deadline', error: cutShort.reason });

  const healthy = gate.status === 'passed' && failedChecks.length === 0;
  const verdict = healthy
    ? `Healthy: ${gate.reason} in ${formatDuration(gate.elapsedMs)}${latency ? `, p99 ${Math.round(latency.p99Ms ?? 0)} ms` : ''}${smoke.length ? `, ${smoke.length} smoke check${smoke.length > 1 ? 's' : ''} passed` : ''}${watch ? `, watched ${formatDuration(watch.durationMs)}: ${watch.reason}` : ''}.`
    : cutShort
      ? `Unhealthy: ${cutShort.reason}.`
      : gate.status === 'failed'
        ? `Unhealthy: ${gate.reason}.`
        : watch && watch.status !== 'passed'
          ? `Unhealthy: the gate passed but the post-deploy watch ${watch.status === 'failed' ? 'failed' : 'was inconclusive'}: ${watch.reason}.`
          : `Unhealthy: the gate passed but ${failedChecks.map((c) => c.name).join(', ')} failed.`;

  return {
    schema: 'health-gate/v1',
    healthy,
    verdict,
    startedAt: input.startedAt.toISOString(),
    target: {
      url: displayUrl(config.target.url),
      healthPath: config.target.healthPath,
      ...(config.target.readyPath !== undefined ? { readyPath: config.target.readyPath } : {}),
      ...(config.target.expectedVersion !== undefined
        ? { expectedVersion: config.target.expectedVersion }
        : {}),
      ...(config.target.expectedSha !== undefined ? { expectedSha: config.target.expectedSha } : {})
    },
    settings: {
      intervalMs: config.gate.intervalMs,
      timeoutMs: config.target.timeoutMs,
      startPeriodMs: config.gate.startPeriodMs,
      retries: config.gate.retries,
      successThreshold: config.gate.successThreshold,
      deadlineMs: config.gate.deadlineMs,
      maxP99Ms: config.maxP99Ms
    },
    gate: {
      status: gate.status,
      reason: gate.reason,
      attempts: gate.attempts,
      elapsedSeconds: round1(gate.elapsedMs / 1000)
    },
    reported: {
      ...(last?.version !== undefined ? { version: last.version } : {}),
      ...(last?.gitSha !== undefined ? { gitSha: last.gitSha } : {}),
      ...(last?.uptimeSeconds !== undefined ? { uptimeSeconds: last.uptimeSeconds } : {})
    },
    checks: last?.checks ?? [],
    dependencies: last?.dependencies ?? [],
    timeline: gate.timeline,
    ...(latency ? { latency } : {}),
    smoke: smoke.map((r) => ({
      check: r.check.line,
      passed: r.passed,
      detail: r.detail,
      ...(r.httpStatus !== undefined ? { httpStatus: r.httpStatus } : {}),
      ...(r.latencyMs !== undefined ? { latencyMs: round1(r.latencyMs) } : {})
    })),
    ...(watch ? { watch } : {}),
    ...(cutShort ? { cutShort } : {}),
    failedChecks,
    nextSteps: adviseNextSteps(config, gate, latency, smoke, watch, cutShort)
  };
}

function reportWatch(
  settings: NonNullable<HealthGateConfig['watch']>,
  run: WatchRun
): NonNullable<HealthGateReport['watch']> {
  const judged = run.windows.filter((w) => w.errorRate !== undefined);
  const p99s = judged.flatMap((w) => (w.p99Ms === undefined ? [] : [w.p99Ms]));
  return {
    status: run.status,
    reason: run.reason,
    paths: settings.paths,
    durationMs: settings.durationMs,
    intervalMs: settings.intervalMs,
    rps: settings.rps,
    maxErrorRate: settings.maxErrorRate,
    maxP99Ms: settings.maxP99Ms,
    requests: run.requests,
    plannedWindows: run.plannedWindows,
    elapsedSeconds: round1(run.elapsedMs / 1000),
    ...(judged.length ? { worstErrorRate: round1(Math.max(...judged.map((w) => w.errorRate!))) } : {}),
    ...(p99s.length ? { worstP99Ms: round1(Math.max(...p99s)) } : {}),
    windows: run.windows.map((w) => ({
      window: w.window,
      startMs: Math.round(w.startMs),
      endMs: Math.round(w.endMs),
      requests: w.requests,
      errors: w.errors,
      ...(w.errorRate !== undefined ? { errorRate: round1(w.errorRate) } : {}),
      ...(w.p99Ms !== undefined ? { p99Ms: round1(w.p99Ms) } : {}),
      verdict: w.verdict,
      reason: w.reason,
      errorReasons: w.errorReasons
    }))
  };
}

function reportLatency(
  config: HealthGateConfig,
  sample: LatencySample
): NonNullable<HealthGateReport['latency']> {
  const s = sample.summary;
  const passed = latencyWithin(sample, config.maxP99Ms);
  return {
    path: config.latencyPath,
    samples: config.latencySamples,
    failures: sample.failures,
    failureReasons: sample.failureReasons,
    ...(s ? { p50Ms: round1(s.p50), p95Ms: round1(s.p95), p99Ms: round1(s.p99), maxMs: round1(s.max) } : {}),
    maxP99Ms: config.maxP99Ms,
    passed,
    seriesMs: sample.latenciesMs.map(round1)
  };
}

function latencyProblem(latency: NonNullable<HealthGateReport['latency']>): string {
  if (latency.p99Ms === undefined)
    return `no request of ${latency.samples} answered 2xx (${latency.failureReasons.join(', ')})`;
  const parts: string[] = [];
  if (latency.p99Ms > latency.maxP99Ms)
    parts.push(`p99 ${latency.p99Ms} ms is above max-p99 ${latency.maxP99Ms} ms`);
  if (latency.failures > 0)
    parts.push(
      `${latency.failures} of ${latency.samples} requests failed (${latency.failureReasons.join(', ')})`
    );
  return parts.join('; ');
}

/** What a person should look at next, from the kinds of failure seen. */
function adviseNextSteps(
  config: HealthGateConfig,
  gate: GateRun,
  latency: HealthGateReport['latency'],
  smoke: SmokeResult[],
  watch: HealthGateReport['watch'],
  cutShort: CutShort | undefined
): string[] {
  const steps: string[] = [];
  const failing =
    gate.status === 'failed' ? (gate.last?.checks.filter((c) => c.status === 'fail') ?? []) : [];
  const causes = new Set(failing.map((c) => c.cause));
  const host = displayUrl(config.target.url);
  if (gate.status === 'failed' && !gate.last)
    steps.push('No probe completed: check `deadline` and `timeout`.');
  if (causes.has('refused')) {
    steps.push(
      `Nothing accepts connections at ${host}: check that the service started (its logs, the deploy step) and that \`url\` points at it.`
    );
  }
  if (causes.has('timeout')) {
    steps.push(
      `${host} did not answer within \`timeout\` (${formatDuration(config.target.timeoutMs)}): look for a blocked worker, a saturated pool or a slow dependency, or a firewall dropping packets.`
    );
  }
  if (causes.has('dns'))
    steps.push(
      `The host name in \`url\` does not resolve: check it, and that the DNS record exists for this environment.`
    );
  if (causes.has('network') || causes.has('reset'))
    steps.push(
      'The connection failed: check TLS settings and the network path from the runner to the service.'
    );
  if (causes.has('http') || causes.has('status')) {
    steps.push(
      'The service answers but reports itself unhealthy: read its logs around the time of the last probes.'
    );
  }
  if (causes.has('body')) {
    steps.push(
      'An endpoint did not answer the expected JSON: check `health-path`/`ready-path`, and whether a proxy answers with an error page.'
    );
  }
  for (const dep of failing.filter((c) => c.cause === 'dependency')) {
    steps.push(
      `Dependency \`${dep.name}\` is failing (${dep.detail}): check that service and this deployment's connection settings for it.`
    );
  }
  if (causes.has('version') || gate.last?.outcome === 'pending') {
    steps.push(
      `An instance still reports ${gate.last?.version ?? 'another version'}: the rollout may not have finished, or the load balancer still routes to old instances. Raise \`deadline\` if rollouts take longer.`
    );
  }
  if (latency && !latency.passed) {
    steps.push(
      `Latency is above the limit: compare with the previous version on \`${latency.path}\`, and look for slow queries or cold caches.`
    );
  }
  for (const result of smoke.filter((r) => !r.passed)) {
    steps.push(
      `Smoke check \`${result.check.line}\` failed (${result.detail}): try the request by hand against ${host}.`
    );
  }
  const verdicts = new Set(watch?.windows.map((w) => w.verdict));
  if (watch?.status === 'failed' && verdicts.has('errors')) {
    steps.push(
      `Errors rose after the deploy on ${watch.paths.map((p) => `\`${p}\``).join(', ')}: read the service's logs for the failing window and roll back if users are affected; the watch stopped at the first failing window.`
    );
  }
  if (watch?.status === 'failed' && verdicts.has('slow')) {
    steps.push(
      `Requests became slow after the deploy: compare with the previous version, and look for slow queries, a saturated pool or a slow dependency.`
    );
  }
  if (watch?.status === 'inconclusive') {
    steps.push(
      'Too few requests were answered to judge a window: check that `watch-paths` answer, and raise `watch-rps` or `watch-interval` so each window holds more requests.'
    );
  }
  if (cutShort && cutShort.phase !== 'gate') {
    steps.push(
      '`deadline` covers the probes, the latency sampling, the smoke checks and the watch together: raise it, or find out why the cut-short phase took so long.'
    );
  }
  return steps;
}
