/** The canary-step report: the whole run as one JSON document, and what a person should do next. Pure. */
import { formatDuration } from '../inputs/duration.ts';
import { metricProviderModule, type MetricProviderType } from '../providers/metrics/registry.ts';
import type { MetricProviderSpec } from '../providers/metrics/spec.ts';
import { trafficRouterModule, type TrafficRouterType } from '../providers/traffic/registry.ts';
import { INTERVAL_ALPHA, SEQUENTIAL_ALPHA } from './analysis.ts';
import { CANARY_HEALTH_CHECK } from './health-check.ts';
import { extendHistory, type CanaryHistory, type HistoryEntry } from './history.ts';
import type {
  CanaryConfig,
  CanaryRun,
  CanaryDecision,
  MeasurementRecord,
  TrackSnapshot,
  TrafficOutcome,
  WeightRecord
} from './run-canary.ts';

export interface CanaryReport {
  schema: 'canary-step/v1';
  decision: CanaryDecision;
  /** Why, in one or two sentences. */
  reason: string;
  /** The canary's weight at the end; null when a failed router left it unknown. */
  weight: number | null;
  startedAt: string;
  elapsedSeconds: number;
  settings: {
    weights: number[];
    durationMs: number;
    intervalMs: number;
    measurementsPerWeight: number;
    maxErrorRateDeltaPp: number;
    maxP99Ratio: number;
    minP99DeltaMs: number;
    minRequests: number;
    failureLimit: number;
    inconclusiveLimit: number;
    onFailure: CanaryConfig['onFailure'];
    onInconclusive: CanaryConfig['onInconclusive'];
    statistics: {
      errorRateTest: string;
      latencyTest: string;
      intervalAlpha: number;
      sequentialAlpha: number;
    };
  };
  router: { type: TrafficRouterType; target: string };
  metrics: { type: MetricProviderType; source: string; extraChecks: string[] };
  traffic: TrafficOutcome;
  weights: WeightRecord[];
  measurements: MeasurementRecord[];
  /** Measurements carried in from earlier steps (the history input), oldest first. */
  earlier: HistoryEntry[];
  /** Over everything measured at the last weight. */
  lastWeight?: { canary: TrackSnapshot; baseline: TrackSnapshot };
  /** Pass to the next canary-step's `history` input. */
  history: CanaryHistory;
  nextSteps: string[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function describeMetrics(spec: MetricProviderSpec): CanaryReport['metrics'] {
  // The registry pairs each type with its own module, so the spec is that module's spec.
  return { type: spec.type, ...metricProviderModule(spec.type).describe(spec as never) };
}

/** History entries for this run's measurements. */
export function historyEntries(measurements: readonly MeasurementRecord[]): HistoryEntry[] {
  const track = (s: TrackSnapshot | undefined) =>
    s
      ? {
          requests: s.requests,
          errors: s.errors,
          ...(s.p99Ms !== undefined && Number.isFinite(s.p99Ms) ? { p99Ms: s.p99Ms } : {})
        }
      : undefined;
  return measurements.map((m) => {
    const canary = track(m.canary);
    // A baseline borrowed from earlier measurements is not a new observation of the stable version.
    const baseline = m.baselineFrom === 'measured' ? track(m.baseline) : undefined;
    return {
      weight: m.weight,
      at: m.at,
      status: m.status,
      ...(canary ? { canary } : {}),
      ...(baseline ? { baseline } : {})
    };
  });
}

/** Assembles the report from the configuration and the run. */
export function buildCanaryReport(input: {
  config: CanaryConfig;
  run: CanaryRun;
  router: { type: TrafficRouterType; target: string };
  metrics: MetricProviderSpec;
  runId?: string;
}): CanaryReport {
  const { config, run } = input;
  return {
    schema: 'canary-step/v1',
    decision: run.decision,
    reason: run.reason,
    weight: run.finalWeight ?? null,
    startedAt: run.startedAt,
    elapsedSeconds: round1(run.elapsedMs / 1000),
    settings: {
      weights: config.weights,
      durationMs: config.durationMs,
      intervalMs: config.intervalMs,
      measurementsPerWeight: run.looksPerWeight,
      maxErrorRateDeltaPp: config.analysis.maxErrorRateDeltaPp,
      maxP99Ratio: config.analysis.maxP99Ratio,
      minP99DeltaMs: config.analysis.minP99DeltaMs,
      minRequests: config.analysis.minRequests,
      failureLimit: config.analysis.failureLimit,
      inconclusiveLimit: config.analysis.inconclusiveLimit,
      onFailure: config.onFailure,
      onInconclusive: config.onInconclusive,
      statistics: {
        errorRateTest:
          'each measurement: one-sided two-proportion z test on Agresti–Caffo adjusted rates; each weight: anytime-valid one-sided normal-mixture e-value on the difference of rates',
        latencyTest:
          'each measurement: one-sided Mann-Whitney U test (probe); each weight: anytime-valid normal-mixture e-value on the Mann-Whitney effect (probe), Bayes factor t test on the p99 log ratio across measurements (Prometheus)',
        intervalAlpha: INTERVAL_ALPHA,
        sequentialAlpha: SEQUENTIAL_ALPHA
      }
    },
    router: input.router,
    metrics: describeMetrics(input.metrics),
    traffic: run.traffic,
    weights: run.weights,
    measurements: run.measurements,
    earlier: config.history?.measurements ?? [],
    ...(run.last ? { lastWeight: run.last } : {}),
    history: extendHistory(config.history, historyEntries(run.measurements), input.runId),
    nextSteps: adviseNextSteps(config, run, input.router.type, input.metrics)
  };
}

function topReasons(measurements: readonly MeasurementRecord[]): string {
  const counts = new Map<string, number>();
  for (const m of measurements) {
    for (const [reason, count] of Object.entries(m.canary?.errorsByReason ?? {})) {
      counts.set(reason, (counts.get(reason) ?? 0) + count);
    }
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([reason, count]) => `${reason} ×${count}`)
    .join(', ');
}

/** What a person should look at next, from how the step ended. */
function adviseNextSteps(
  config: CanaryConfig,
  run: CanaryRun,
  router: TrafficRouterType,
  metrics: MetricProviderSpec
): string[] {
  const steps: string[] = [];
  const failedChecks = new Set(
    run.measurements.flatMap((m) => [
      ...m.checks.filter((c) => c.status === 'fail').map((c) => c.name),
      ...m.sequential.filter((s) => s.stop).map((s) => s.metric)
    ])
  );
  if (!run.traffic.ok) {
    steps.push(
      'Traffic may still reach the canary: put it back on stable by hand (or run the rollback action) before anything else.'
    );
  }
  if (run.weights.some((w) => w.status === 'not-applied')) {
    steps.push(trafficRouterModule(router).adviceWhenNotApplied);
  }
  if (run.decision === 'rollback' && run.weights.every((w) => w.weight !== 0)) {
    if (failedChecks.has('error-rate')) {
      const reasons = topReasons(run.measurements);
      steps.push(
        `The canary answers errors the stable version does not${reasons ? ` (${reasons})` : ''}: read the canary's logs for the failing requests.`
      );
    }
    if (failedChecks.has('p99')) {
      steps.push(
        'The canary is slower than the stable version: look for slow queries, missing indexes or cold caches in the new version.'
      );
    }
    if (failedChecks.has(CANARY_HEALTH_CHECK)) {
      steps.push(
        "The canary failed its health check (canary-health-url): read the canary's logs and what its health endpoint answers."
      );
    }
    const analysed = new Set(['error-rate', 'p99', CANARY_HEALTH_CHECK]);
    for (const name of [...failedChecks].filter((n) => !analysed.has(n))) {
      steps.push(
        `Extra check \`${name}\` failed on the canary: compare the metric between the two versions.`
      );
    }
    steps.push('Fix the canary and deploy it again; the stable version keeps serving meanwhile.');
  }
  if (run.decision === 'inconclusive') {
    const reasons = run.measurements.filter((m) => m.status === 'inconclusive' || m.status === 'error');
    if (reasons.some((m) => m.reason.includes('fewer than min-requests'))) {
      steps.push(metricProviderModule(metrics.type).advice.tooFewRequests);
    }
    if (reasons.some((m) => m.status === 'error')) {
      steps.push(metricProviderModule(metrics.type).advice.noData);
    }
  }
  if (run.decision === 'promote') {
    const final = config.weights[config.weights.length - 1]!;
    steps.push(
      final < 100
        ? `The canary passed at ${final}%: the next step can raise the weight; pass this step's \`history\` output to its \`history\` input.`
        : 'The canary serves all traffic: make it the new stable version (deploy it to the stable track), then set the weight back to 0.'
    );
  }
  return steps;
}

/** One line for logs and the summary headline, e.g. `rollback at 10% after 2 measurements (24s)`. */
export function canaryHeadline(report: CanaryReport): string {
  const at = report.weights[report.weights.length - 1];
  const count = report.measurements.length;
  return `${report.decision}${at ? ` at ${at.weight}%` : ''} after ${count} measurement${count === 1 ? '' : 's'} (${formatDuration(report.elapsedSeconds * 1000)})`;
}
