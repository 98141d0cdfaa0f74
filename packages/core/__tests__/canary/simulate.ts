/**
 * A seeded simulation of canary analyses: two tracks with known error rates and latency
 * distributions, drawn by a seeded generator, judged side by side on the same traffic by
 * - `sequential`: this project's analysis (the real evaluateMeasurement / assessWeight);
 * - `bonferroni`: the analysis before it (the same per-measurement checks, and a sequential
 *   test that splits its budget over the planned looks);
 * - `kayenta`: a Kayenta-style judge of each interval (Mann-Whitney at confidence 0.98, tolerance 0.25);
 * - `argo`: an Argo-style threshold rule on each measurement with failureLimit 1;
 * and compared with the oracle: a fixed-sample one-sided test at the same alpha told the sample
 * size it needs in advance. Deterministic, so the figures in the tests and docs/adrs/0004 are reproducible.
 */
import {
  assessWeight,
  addEvidence,
  emptyEvidence,
  evaluateMeasurement,
  SEQUENTIAL_ALPHA,
  type AnalysisSettings,
  type MeasurementEvaluation,
  type WeightEvidence
} from '../../src/canary/analysis.ts';
import type { TrackMeasurement } from '../../src/providers/metrics/provider.ts';
import { ANALYSIS_DEFAULTS } from './fakes.ts';
import { mannWhitneyGreater, sortAscending, sortedPercentile } from '../../src/stats/mann-whitney.ts';
import { normalCdf, normalUpperTail } from '../../src/stats/normal.ts';
import { compareProportions } from '../../src/stats/proportions.ts';

/** xorshift32 (Marsaglia), scaled to [0, 1). Small, fast and seedable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

// Bound once: inside Jest's vm context every lookup of a global such as `Math` goes through an
// interceptor, which makes a hot loop of them twenty times slower.
const { sqrt, log, cos, exp, PI, ceil } = Math;

/** A standard normal draw (Box-Muller). */
function gaussian(random: () => number): number {
  let u = random();
  while (u === 0) u = random();
  return sqrt(-2 * log(u)) * cos(2 * PI * random());
}

export interface TrackModel {
  /** Probability that a request fails. */
  errorRate: number;
  /** Median latency (ms) of a log-normal distribution, and its sigma; omitted: no latencies (like Prometheus). */
  latency?: { medianMs: number; sigma: number };
  /** Requests per measurement. */
  requests: number;
}

/** Draws one measurement of a track. */
export function drawMeasurement(model: TrackModel, random: () => number): TrackMeasurement {
  let errors = 0;
  const latencies: number[] = [];
  for (let i = 0; i < model.requests; i++) {
    if (random() < model.errorRate) errors++;
    if (model.latency) latencies.push(model.latency.medianMs * exp(model.latency.sigma * gaussian(random)));
  }
  // Without a latency model the track reports a fixed p99, as a steady Prometheus histogram would.
  return {
    requests: model.requests,
    errors,
    ...(model.latency
      ? { latenciesMs: latencies, p99Ms: sortedPercentile(sortAscending(latencies), 99)! }
      : { p99Ms: 20 })
  };
}

/** The action's defaults: 10 measurements per weight (5 minutes at 30-second intervals), 1 pp, ×1.2, 5 ms, 50 requests, limits 1 and 1. */
export const DEFAULT_SETTINGS: AnalysisSettings = { ...ANALYSIS_DEFAULTS, looksPerWeight: 10 };

export type AnalysisName = 'sequential' | 'bonferroni' | 'kayenta' | 'argo';
export const ANALYSES: readonly AnalysisName[] = ['sequential', 'bonferroni', 'kayenta', 'argo'];

/** How one analysis ended one simulated weight: its decision and the measurements it took. */
export interface Outcome {
  decision: 'promote' | 'rollback' | 'inconclusive';
  measurements: number;
}

interface Look {
  canary: TrackMeasurement;
  baseline: TrackMeasurement;
  /** This measurement's own checks (no sequential part). */
  alone: MeasurementEvaluation;
  /** Everything measured so far, this look included. */
  evidence: WeightEvidence;
}

/** Argo's assessRunStatus with the failure and inconclusive limits, for rules that judge each measurement. */
function assessCounts(
  settings: AnalysisSettings,
  statuses: readonly MeasurementEvaluation['status'][],
  stop: boolean
): Outcome | undefined {
  const measurements = statuses.length;
  if (stop || statuses.filter((s) => s === 'fail').length > settings.failureLimit) {
    return { decision: 'rollback', measurements };
  }
  const unknown = statuses.filter((s) => s === 'inconclusive' || s === 'error').length;
  if (unknown > settings.inconclusiveLimit) return { decision: 'inconclusive', measurements };
  if (measurements < settings.looksPerWeight) return undefined;
  return statuses.includes('pass')
    ? { decision: 'promote', measurements }
    : { decision: 'inconclusive', measurements };
}

/** The analysis before this one: Bonferroni over the planned looks, same margins and per-measurement checks. */
function bonferroniStop(settings: AnalysisSettings, evidence: WeightEvidence): boolean {
  const { canary, baseline } = evidence;
  if (canary.requests < settings.minRequests || baseline.requests < settings.minRequests) return false;
  const alpha = SEQUENTIAL_ALPHA / settings.looksPerWeight;
  const errors = compareProportions(
    { failures: canary.errors, total: canary.requests },
    { failures: baseline.errors, total: baseline.requests }
  );
  const delta = (100 * canary.errors) / canary.requests - (100 * baseline.errors) / baseline.requests;
  if (delta > settings.maxErrorRateDeltaPp && errors.pValue < alpha) return true;
  if (!canary.complete || !baseline.complete || canary.latenciesMs.length === 0) return false;
  const canaryP99 = sortedPercentile(canary.latenciesMs, 99)!;
  const baseP99 = sortedPercentile(baseline.latenciesMs, 99)!;
  return (
    canaryP99 / baseP99 > settings.maxP99Ratio &&
    canaryP99 - baseP99 > settings.minP99DeltaMs &&
    mannWhitneyGreater(canary.latenciesMs, baseline.latenciesMs, { sorted: true }).pValue < alpha
  );
}

/** Kayenta's judge defaults: Mann-Whitney at confidence 0.98 (two-sided), tolerance 0.25. */
const KAYENTA_ALPHA_ONE_SIDED = 0.01;
const KAYENTA_TOLERANCE = 0.25;

/**
 * A Kayenta-style judgement of one interval: a metric is "high" when the two-sided test at 0.98
 * says the canary is higher and it is more than 25% above the baseline (errors: the rate; latency:
 * the median, compared by ranks). One high metric of two fails the interval, and the first failed
 * interval rolls back (judged per step, as a canary stage with several intervals is).
 */
function kayentaInterval(settings: AnalysisSettings, canary: TrackMeasurement, baseline: TrackMeasurement) {
  if (canary.requests < settings.minRequests || baseline.requests < settings.minRequests) {
    return 'inconclusive' as const;
  }
  const canaryRate = canary.errors / canary.requests;
  const baselineRate = baseline.errors / baseline.requests;
  const pooled = (canary.errors + baseline.errors) / (canary.requests + baseline.requests);
  const errorSe = sqrt(pooled * (1 - pooled) * (1 / canary.requests + 1 / baseline.requests));
  const errorsHigh =
    errorSe > 0 &&
    normalUpperTail((canaryRate - baselineRate) / errorSe) < KAYENTA_ALPHA_ONE_SIDED &&
    canaryRate > (1 + KAYENTA_TOLERANCE) * baselineRate;
  let latencyHigh = false;
  if (canary.latenciesMs && baseline.latenciesMs) {
    const c = sortAscending(canary.latenciesMs);
    const b = sortAscending(baseline.latenciesMs);
    latencyHigh =
      mannWhitneyGreater(c, b, { sorted: true }).pValue < KAYENTA_ALPHA_ONE_SIDED &&
      sortedPercentile(c, 50)! > (1 + KAYENTA_TOLERANCE) * sortedPercentile(b, 50)!;
  }
  return errorsHigh || latencyHigh ? ('fail' as const) : ('pass' as const);
}

/**
 * An Argo-style threshold rule on each measurement, with the user's limits as the thresholds
 * (Argo's usual `result < 0.01` is an absolute error rate; relative to the baseline is the fair
 * comparison at any base rate): a measurement fails when the canary is over a limit, no test.
 */
function argoMeasurement(settings: AnalysisSettings, canary: TrackMeasurement, baseline: TrackMeasurement) {
  if (canary.requests < settings.minRequests || baseline.requests < settings.minRequests) {
    return 'inconclusive' as const;
  }
  const delta = (100 * canary.errors) / canary.requests - (100 * baseline.errors) / baseline.requests;
  const p99Over =
    canary.p99Ms !== undefined &&
    baseline.p99Ms !== undefined &&
    canary.p99Ms > settings.maxP99Ratio * baseline.p99Ms &&
    canary.p99Ms - baseline.p99Ms > settings.minP99DeltaMs;
  return delta > settings.maxErrorRateDeltaPp || p99Over ? ('fail' as const) : ('pass' as const);
}

/** One simulated weight judged by all four analyses on the same draws. */
export function simulateWeight(
  canary: TrackModel,
  baseline: TrackModel,
  random: () => number,
  settings: AnalysisSettings = DEFAULT_SETTINGS
): Record<AnalysisName, Outcome> {
  const looks: Look[] = [];
  let evidence = emptyEvidence();
  for (let i = 0; i < settings.looksPerWeight; i++) {
    const c = drawMeasurement(canary, random);
    const b = drawMeasurement(baseline, random);
    evidence = addEvidence(evidence, c, b);
    looks.push({
      canary: c,
      baseline: b,
      alone: evaluateMeasurement(settings, { canary: c, baseline: b, evidence: emptyEvidence() }),
      evidence
    });
  }
  const outcomes = {} as Record<AnalysisName, Outcome>;
  const evaluations: MeasurementEvaluation[] = [];
  const aloneStatuses: MeasurementEvaluation['status'][] = [];
  const kayenta: MeasurementEvaluation['status'][] = [];
  const argo: MeasurementEvaluation['status'][] = [];
  for (const look of looks) {
    if (!outcomes.sequential) {
      evaluations.push(
        evaluateMeasurement(settings, {
          canary: look.canary,
          baseline: look.baseline,
          evidence: look.evidence
        })
      );
      const assessment = assessWeight(settings, evaluations);
      if (assessment.status !== 'running') {
        outcomes.sequential = { decision: assessment.status, measurements: evaluations.length };
      }
    }
    if (!outcomes.bonferroni) {
      aloneStatuses.push(look.alone.status);
      const done = assessCounts(settings, aloneStatuses, bonferroniStop(settings, look.evidence));
      if (done) outcomes.bonferroni = done;
    }
    if (!outcomes.kayenta) {
      kayenta.push(kayentaInterval(settings, look.canary, look.baseline));
      const done = assessCounts({ ...settings, failureLimit: 0 }, kayenta, false);
      if (done) outcomes.kayenta = done;
    }
    if (!outcomes.argo) {
      argo.push(argoMeasurement(settings, look.canary, look.baseline));
      const done = assessCounts({ ...settings, failureLimit: 1 }, argo, false);
      if (done) outcomes.argo = done;
    }
  }
  return outcomes;
}

/** One analysis over many runs of a scenario. */
export interface AnalysisSummary {
  runs: number;
  rollbacks: number;
  promotions: number;
  /** Rollbacks decided within two 30-second intervals (at or before the second default measurement). */
  rollbacksWithinTwo: number;
  /**
   * Median time to a rollback over all runs, in 30-second intervals (a run not rolled back counts
   * as never: Infinity when half or more were not).
   */
  medianToStop: number;
}

/** `runs` seeded weights of a scenario, summarised per analysis. */
export function simulate(
  runs: number,
  seed: number,
  canary: TrackModel,
  baseline: TrackModel,
  settings: AnalysisSettings = DEFAULT_SETTINGS,
  intervalSeconds = 30
): Record<AnalysisName, AnalysisSummary> {
  const random = seededRandom(seed);
  const stops: Record<AnalysisName, number[]> = { sequential: [], bonferroni: [], kayenta: [], argo: [] };
  const promotions: Record<AnalysisName, number> = { sequential: 0, bonferroni: 0, kayenta: 0, argo: 0 };
  for (let i = 0; i < runs; i++) {
    const outcomes = simulateWeight(canary, baseline, random, settings);
    for (const name of ANALYSES) {
      const outcome = outcomes[name];
      stops[name].push(
        outcome.decision === 'rollback' ? (outcome.measurements * intervalSeconds) / 30 : Infinity
      );
      if (outcome.decision === 'promote') promotions[name]++;
    }
  }
  const summary = {} as Record<AnalysisName, AnalysisSummary>;
  for (const name of ANALYSES) {
    const sorted = [...stops[name]].sort((a, b) => a - b);
    summary[name] = {
      runs,
      rollbacks: sorted.filter(Number.isFinite).length,
      promotions: promotions[name],
      rollbacksWithinTwo: sorted.filter((n) => n <= 2 + 1e-9).length,
      medianToStop: sorted[ceil(runs / 2) - 1]!
    };
  }
  return summary;
}

/** The oracle for one regression: how many intervals a fixed-sample test needs, and its power at two. */
export interface Oracle {
  /** Measurements needed for 80% power (fractional: the sample size over requests per measurement). */
  intervalsFor80: number;
  /** Power after exactly two measurements. */
  powerAtTwo: number;
}

const Z_POWER_80 = 0.8416212335729143;

/** The z quantile of a one-sided test at `alpha`, by bisection on the upper tail. */
function upperQuantile(alpha: number): number {
  let low = 0;
  let high = 40;
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (normalUpperTail(mid) > alpha) low = mid;
    else high = mid;
  }
  return high;
}

/**
 * The oracle for an error-rate regression: the one-sided pooled two-proportion z test at alpha with
 * n requests per track, told n in advance (normal approximation, the textbook sample-size formula).
 */
export function errorRateOracle(
  canaryRate: number,
  baselineRate: number,
  requestsPerInterval: number,
  alpha = SEQUENTIAL_ALPHA
): Oracle {
  const zAlpha = upperQuantile(alpha);
  const mean = (canaryRate + baselineRate) / 2;
  const nullSd = sqrt(2 * mean * (1 - mean));
  const altSd = sqrt(canaryRate * (1 - canaryRate) + baselineRate * (1 - baselineRate));
  const delta = canaryRate - baselineRate;
  const n80 = ((zAlpha * nullSd + Z_POWER_80 * altSd) / delta) ** 2;
  const n2 = 2 * requestsPerInterval;
  return {
    intervalsFor80: n80 / requestsPerInterval,
    powerAtTwo: normalCdf((delta * sqrt(n2) - zAlpha * nullSd) / altSd)
  };
}

/**
 * The oracle for a latency regression of log-normal latencies (the canary's scaled by `ratio`):
 * the one-sided Mann-Whitney test at alpha with n per track, whose effect is
 * P(canary > baseline) − ½ = Φ(ln ratio / (σ√2)) − ½ and whose standard error is √(1/(6n)).
 */
export function latencyOracle(
  ratio: number,
  sigma: number,
  requestsPerInterval: number,
  alpha = SEQUENTIAL_ALPHA
): Oracle {
  const zAlpha = upperQuantile(alpha);
  const effect = normalCdf(log(ratio) / (sigma * Math.SQRT2)) - 0.5;
  const n80 = (zAlpha + Z_POWER_80) ** 2 / (6 * effect * effect);
  const n2 = 2 * requestsPerInterval;
  return {
    intervalsFor80: n80 / requestsPerInterval,
    powerAtTwo: normalCdf(effect * sqrt(6 * n2) - zAlpha)
  };
}

/** One row of the simulation table. */
export interface Scenario {
  name: string;
  canary: TrackModel;
  baseline: TrackModel;
  runs: number;
  seed: number;
  /** Measurements per weight and their length, when not the defaults (10 of 30 s). */
  looks?: { count: number; intervalSeconds: number };
  /** Regressions: the oracle to compare with. */
  oracle?: Oracle;
}

const TEN_RPS = 300; // 10 requests/s per track for the default 30-second interval
const latency = (medianMs: number, sigma = 0.5) => ({ medianMs, sigma }); // p99 ≈ 3.2 × median at σ 0.5
const counts = (errorRate: number, requests = TEN_RPS): TrackModel => ({ errorRate, requests });
const probe = (errorRate: number, medianMs: number, sigma = 0.5): TrackModel => ({
  errorRate,
  requests: TEN_RPS,
  latency: latency(medianMs, sigma)
});

/** Equal tracks: every rollback is a false one. */
export const EQUAL_SCENARIOS: readonly Scenario[] = [
  {
    name: 'equal, counts only, 0.5% errors',
    canary: counts(0.005),
    baseline: counts(0.005),
    runs: 1000,
    seed: 101
  },
  {
    name: 'equal, counts only, 2% errors',
    canary: counts(0.02),
    baseline: counts(0.02),
    runs: 1000,
    seed: 102
  },
  {
    name: 'equal, counts only, 5% errors',
    canary: counts(0.05),
    baseline: counts(0.05),
    runs: 1000,
    seed: 103
  },
  {
    name: 'equal, counts only, 10% errors',
    canary: counts(0.1),
    baseline: counts(0.1),
    runs: 1000,
    seed: 104
  },
  {
    name: 'equal, probe, 1% errors, latency σ 0.5',
    canary: probe(0.01, 20),
    baseline: probe(0.01, 20),
    runs: 1000,
    seed: 105
  },
  {
    name: 'equal, probe, 1% errors, latency σ 1.0',
    canary: probe(0.01, 20, 1),
    baseline: probe(0.01, 20, 1),
    runs: 1000,
    seed: 106
  },
  // Weight 10 behind a load balancer: the canary serves a ninth of the stable version's traffic.
  {
    name: 'equal, 2% errors, 50 vs 450 requests',
    canary: counts(0.02, 50),
    baseline: counts(0.02, 450),
    runs: 1000,
    seed: 107
  },
  // 1 request/s on the canary: 30 requests per interval, under min-requests (50).
  {
    name: 'equal, 1 request/s on the canary',
    canary: counts(0.01, 30),
    baseline: counts(0.01),
    runs: 1000,
    seed: 108
  },
  {
    name: 'equal, 1% errors, 30 looks of 10 s',
    canary: counts(0.01, 100),
    baseline: counts(0.01, 100),
    runs: 1000,
    seed: 109,
    looks: { count: 30, intervalSeconds: 10 }
  }
];

/** Regressions: every promotion is a miss, and the sooner the rollback the fewer users hurt. */
export const REGRESSION_SCENARIOS: readonly Scenario[] = [
  {
    name: '5 pp: 6% vs 1%',
    canary: counts(0.06),
    baseline: counts(0.01),
    runs: 500,
    seed: 201,
    oracle: errorRateOracle(0.06, 0.01, TEN_RPS)
  },
  {
    name: '5 pp: 7% vs 2%',
    canary: counts(0.07),
    baseline: counts(0.02),
    runs: 500,
    seed: 202,
    oracle: errorRateOracle(0.07, 0.02, TEN_RPS)
  },
  {
    name: '2 pp: 3% vs 1%',
    canary: counts(0.03),
    baseline: counts(0.01),
    runs: 500,
    seed: 203,
    oracle: errorRateOracle(0.03, 0.01, TEN_RPS)
  },
  {
    name: '2 pp: 3% vs 1%, 30 looks of 10 s',
    canary: counts(0.03, 100),
    baseline: counts(0.01, 100),
    runs: 500,
    seed: 204,
    looks: { count: 30, intervalSeconds: 10 },
    // The oracle counts 30-second intervals, as the table does.
    oracle: errorRateOracle(0.03, 0.01, TEN_RPS)
  },
  {
    name: 'latency ×1.5',
    canary: probe(0.01, 30),
    baseline: probe(0.01, 20),
    runs: 200,
    seed: 205,
    oracle: latencyOracle(1.5, 0.5, TEN_RPS)
  },
  {
    name: 'latency ×1.2',
    canary: probe(0.01, 24),
    baseline: probe(0.01, 20),
    runs: 200,
    seed: 206,
    oracle: latencyOracle(1.2, 0.5, TEN_RPS)
  }
];

/** Runs a scenario with the default settings, or its own number of looks. */
export function simulateScenario(scenario: Scenario): Record<AnalysisName, AnalysisSummary> {
  return simulate(
    scenario.runs,
    scenario.seed,
    scenario.canary,
    scenario.baseline,
    { ...DEFAULT_SETTINGS, looksPerWeight: scenario.looks?.count ?? DEFAULT_SETTINGS.looksPerWeight },
    scenario.looks?.intervalSeconds ?? 30
  );
}
