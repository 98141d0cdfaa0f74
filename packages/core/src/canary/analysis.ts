/**
 * The canary analysis: pure functions that judge measurements. Providers measure; these decide
 * (argo-rollouts' assessMetricStatus / assessRunStatus split). The method and its parameters are
 * recorded in docs/adrs/0004-canary-analysis.md; in short:
 *
 * - Each measurement compares the canary with the baseline over the same window. A check fails
 *   only when the difference is both larger than the user's limit (practical significance) and
 *   unlikely to be noise (statistical significance at INTERVAL_ALPHA): errors by a one-sided
 *   Agresti–Caffo two-proportion z test, latency by a one-sided Mann-Whitney U test when the
 *   provider has the latencies. Fewer than `min-requests` on a track is inconclusive, never a pass.
 * - An anytime-valid sequential test on everything measured at the current weight stops a clearly
 *   bad canary at once, whatever `failure-limit` says: one-sided normal-mixture e-values
 *   (stats/sequential.ts) on the error rates and on the latencies' ranks (probe), a Bayes factor
 *   t test on the p99 log ratio across looks (Prometheus). An e-value reaches 1/SEQUENTIAL_ALPHA on a canary no worse
 *   than the baseline with probability at most SEQUENTIAL_ALPHA per metric and weight, however
 *   many looks there are, so the budget is not split over them. A stop also needs the cumulative
 *   difference above the user's limit.
 * - A weight is promoted when its duration is over, failures stayed within `failure-limit`,
 *   inconclusive and error measurements within `inconclusive-limit`, and at least one measurement
 *   passed. Missing data can stop a canary; it can never promote one.
 */
import { holdsComparison, type ExtraCheck } from '../providers/metrics/promql.ts';
import type { TrackMeasurement } from '../providers/metrics/provider.ts';
import { mannWhitneyGreater, mergeSorted, sortAscending, sortedPercentile } from '../stats/mann-whitney.ts';
import { percentile } from '../stats/percentiles.ts';
import { compareProportions } from '../stats/proportions.ts';
import {
  sequentialLogRatioTest,
  sequentialProportionTest,
  sequentialRankTest,
  type SequentialEvidence
} from '../stats/sequential.ts';

/**
 * A baseline failing this share of requests (percent) or more is itself broken: a canary "as good"
 * as it proves nothing (both tracks 404 on a wrong probe path, or an outage), so the error-rate
 * check is inconclusive, never a pass.
 */
export const BROKEN_BASELINE_ERROR_PCT = 50;

/** Significance a single measurement's check needs to fail (one-sided). */
export const INTERVAL_ALPHA = 0.01;
/** False-stop budget of the sequential test, per metric and weight, whatever the number of looks. */
export const SEQUENTIAL_ALPHA = 0.01;
/**
 * The sequential tests mix over effects of about this many times the user's limit: the scale at
 * which their evidence grows fastest (a canary twice as far off as allowed is found soonest).
 */
const MIXING_SCALE_PER_LIMIT = 2;
/** The rank test mixes over shifts of P(canary slower than baseline) − ½ of this size. */
const RANK_MIXING_SCALE = 0.1;
/** Spread of p99 log ratios between looks assumed at least (a steady histogram has none). */
const MIN_LOG_RATIO_SPREAD = 0.1;
/**
 * Prior variance of the standardised p99 log ratio (mean / spread across looks) of the ratio test:
 * a clearly slower canary moves it by a few spreads.
 */
const LOG_RATIO_EFFECT_VARIANCE = 4;

export interface AnalysisSettings {
  /** The canary's error rate may exceed the baseline's by this many percentage points. */
  maxErrorRateDeltaPp: number;
  /** The canary's p99 may be this multiple of the baseline's... */
  maxP99Ratio: number;
  /** ...and p99 differences below this many milliseconds never fail (scheduling noise). */
  minP99DeltaMs: number;
  /** Per track per measurement; below it a measurement is inconclusive. */
  minRequests: number;
  /** Failed measurements tolerated at a weight; one more rolls back. */
  failureLimit: number;
  /** Inconclusive or error measurements tolerated at a weight; one more ends the step inconclusive. */
  inconclusiveLimit: number;
  /** Measurements planned at each weight (duration / interval). */
  looksPerWeight: number;
  extraChecks: readonly ExtraCheck[];
}

export type MeasurementStatus = 'pass' | 'fail' | 'inconclusive' | 'error';

/** One condition of one measurement. Values: percent for error rates, milliseconds for p99. */
export interface CanaryCheck {
  name: string;
  status: MeasurementStatus;
  canary?: number;
  baseline?: number;
  /** The rule, e.g. `≤ baseline + 1 pp`. */
  limit: string;
  /** One-sided p-value of the guard test, when one ran. */
  pValue?: number;
  detail: string;
}

/** The sequential test's look at one metric. */
export interface SequentialLook {
  metric: 'error-rate' | 'p99';
  /** What was tested: `error rates`, `latency ranks` (every latency) or `p99 log ratio` (one p99 per look). */
  test: 'error rates' | 'latency ranks' | 'p99 log ratio';
  /** Canary and baseline over everything measured at this weight so far. */
  canary: number;
  baseline: number;
  /** Requests of each track behind the look (the reference baseline's when it stood in). */
  canaryRequests: number;
  baselineRequests: number;
  /** The e-value: evidence that the canary is worse; a stop needs 1 / alpha. */
  eValue: number;
  /** 1 / eValue, at most 1: an anytime-valid p-value. */
  pValue: number;
  /** The false-stop budget this look had to beat (the same at every look). */
  alpha: number;
  stop: boolean;
  /** When it stopped the canary: why, in plain words (explainStop). */
  why?: string;
}

/** Everything measured at the current weight: counts, and every latency kept sorted. */
export interface TrackEvidence {
  requests: number;
  errors: number;
  /** Ascending; empty when the provider gives no latencies. */
  latenciesMs: Float64Array;
  /** Whether every measurement so far had latencies (else the rank test cannot run). */
  complete: boolean;
}

export interface WeightEvidence {
  canary: TrackEvidence;
  baseline: TrackEvidence;
  /** log(canary p99 / baseline p99) of every measurement where both were finite and positive. */
  logP99Ratios: number[];
}

/** A baseline from earlier measurements, for windows where the stable version served too little. */
export interface ReferenceBaseline {
  requests: number;
  errors: number;
  p99Ms?: number;
  /** How many measurements it pools. */
  measurements: number;
}

export interface MeasurementEvaluation {
  status: MeasurementStatus;
  /** Why, in one sentence. */
  reason: string;
  checks: CanaryCheck[];
  sequential: SequentialLook[];
  /** True when the sequential test found the canary clearly worse: roll back now. */
  stop: boolean;
  /** Where the baseline came from: this window, or earlier measurements (see ReferenceBaseline). */
  baselineFrom: 'measured' | 'reference';
}

const emptyTrack = (): TrackEvidence => ({
  requests: 0,
  errors: 0,
  latenciesMs: new Float64Array(0),
  complete: true
});

/** Evidence before the first measurement at a weight. */
export function emptyEvidence(): WeightEvidence {
  return { canary: emptyTrack(), baseline: emptyTrack(), logP99Ratios: [] };
}

function addTrack(evidence: TrackEvidence, measurement: TrackMeasurement): TrackEvidence {
  const latencies = measurement.latenciesMs;
  return {
    requests: evidence.requests + measurement.requests,
    errors: evidence.errors + measurement.errors,
    latenciesMs: latencies
      ? mergeSorted(evidence.latenciesMs, sortAscending(latencies))
      : evidence.latenciesMs,
    complete: evidence.complete && latencies !== undefined
  };
}

/** The evidence with one more measurement of both tracks. */
export function addEvidence(
  evidence: WeightEvidence,
  canary: TrackMeasurement,
  baseline: TrackMeasurement
): WeightEvidence {
  const usable = (p99: number | undefined): p99 is number =>
    p99 !== undefined && Number.isFinite(p99) && p99 > 0;
  return {
    canary: addTrack(evidence.canary, canary),
    baseline: addTrack(evidence.baseline, baseline),
    logP99Ratios:
      usable(canary.p99Ms) && usable(baseline.p99Ms)
        ? [...evidence.logP99Ratios, Math.log(canary.p99Ms / baseline.p99Ms)]
        : evidence.logP99Ratios
  };
}

const pct = (errors: number, requests: number) => (requests > 0 ? (100 * errors) / requests : 0);
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const formatP = (p: number) => (p < 0.0001 ? 'p < 0.0001' : `p = ${p.toPrecision(2)}`);
const formatMs = (value: number) =>
  Number.isFinite(value)
    ? `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`
    : 'above the largest bucket';

interface Baseline {
  requests: number;
  errors: number;
  p99Ms?: number;
  latenciesMs?: ArrayLike<number>;
}

function errorRateCheck(settings: AnalysisSettings, canary: Baseline, baseline: Baseline): CanaryCheck {
  const comparison = compareProportions(
    { failures: canary.errors, total: canary.requests },
    { failures: baseline.errors, total: baseline.requests }
  );
  const canaryPct = pct(canary.errors, canary.requests);
  const baselinePct = pct(baseline.errors, baseline.requests);
  const deltaPp = canaryPct - baselinePct;
  const over = deltaPp > settings.maxErrorRateDeltaPp;
  const significant = comparison.pValue < INTERVAL_ALPHA;
  const failed = over && significant;
  const values = `canary ${round(canaryPct)}% vs baseline ${round(baselinePct)}% (${deltaPp >= 0 ? '+' : ''}${round(deltaPp)} pp)`;
  if (!failed && baselinePct >= BROKEN_BASELINE_ERROR_PCT) {
    return {
      name: 'error-rate',
      status: 'inconclusive',
      canary: round(canaryPct, 3),
      baseline: round(baselinePct, 3),
      limit: `≤ baseline + ${settings.maxErrorRateDeltaPp} pp`,
      pValue: comparison.pValue,
      detail: `${values}: the baseline itself fails ${BROKEN_BASELINE_ERROR_PCT}% or more, so matching it proves nothing (check the probe URLs or the stable version)`
    };
  }
  return {
    name: 'error-rate',
    status: failed ? 'fail' : 'pass',
    canary: round(canaryPct, 3),
    baseline: round(baselinePct, 3),
    limit: `≤ baseline + ${settings.maxErrorRateDeltaPp} pp`,
    pValue: comparison.pValue,
    detail: failed
      ? `${values}: above the limit, and not noise (${formatP(comparison.pValue)})`
      : over
        ? `${values}: above the limit but within noise (${formatP(comparison.pValue)}, needs p < ${INTERVAL_ALPHA})`
        : `${values}: within the limit`
  };
}

function p99Check(settings: AnalysisSettings, canary: Baseline, baseline: Baseline): CanaryCheck {
  const limit = `≤ ${settings.maxP99Ratio} × baseline (or within ${settings.minP99DeltaMs} ms)`;
  if (canary.p99Ms === undefined || baseline.p99Ms === undefined) {
    const which = canary.p99Ms === undefined ? 'canary' : 'baseline';
    return {
      name: 'p99',
      status: 'error',
      limit,
      detail: `no p99 latency for the ${which} although it served enough requests`
    };
  }
  const ratio = baseline.p99Ms > 0 ? canary.p99Ms / baseline.p99Ms : canary.p99Ms > 0 ? Infinity : 1;
  const over = ratio > settings.maxP99Ratio && canary.p99Ms - baseline.p99Ms > settings.minP99DeltaMs;
  // The rank test needs the latencies themselves; Prometheus gives only the quantile, so there the
  // ratio alone decides and failure-limit absorbs the noise.
  const test =
    canary.latenciesMs &&
    baseline.latenciesMs &&
    canary.latenciesMs.length > 0 &&
    baseline.latenciesMs.length > 0
      ? mannWhitneyGreater(canary.latenciesMs, baseline.latenciesMs)
      : undefined;
  const failed = over && (test === undefined || test.pValue < INTERVAL_ALPHA);
  const values = `canary ${formatMs(canary.p99Ms)} vs baseline ${formatMs(baseline.p99Ms)} (×${Number.isFinite(ratio) ? round(ratio) : '∞'})`;
  return {
    name: 'p99',
    status: failed ? 'fail' : 'pass',
    canary: round(canary.p99Ms, 1),
    baseline: round(baseline.p99Ms, 1),
    limit,
    ...(test ? { pValue: test.pValue } : {}),
    detail: failed
      ? `${values}: above the limit${test ? `, and the canary is slower overall (Mann-Whitney ${formatP(test.pValue)})` : ''}`
      : over
        ? `${values}: above the limit but the canary is not slower overall (Mann-Whitney ${formatP(test!.pValue)}, needs p < ${INTERVAL_ALPHA})`
        : `${values}: within the limit`
  };
}

function extraCheck(check: ExtraCheck, canary: TrackMeasurement, baseline: TrackMeasurement): CanaryCheck {
  const value = canary.extra?.[check.name];
  const baselineValue = baseline.extra?.[check.name];
  const limit = `${check.operator} ${check.threshold}`;
  if (value === undefined) {
    return { name: check.name, status: 'error', limit, detail: 'the query returned no value for the canary' };
  }
  const holds = holdsComparison(value, check.operator, check.threshold);
  return {
    name: check.name,
    status: holds ? 'pass' : 'fail',
    canary: value,
    ...(baselineValue !== undefined ? { baseline: baselineValue } : {}),
    limit,
    detail: `canary ${value} ${holds ? 'satisfies' : 'does not satisfy'} ${limit}${baselineValue !== undefined ? ` (baseline ${baselineValue})` : ''}`
  };
}

function sequentialLook(
  metric: SequentialLook['metric'],
  test: SequentialLook['test'],
  values: { canary: number; baseline: number; canaryRequests: number; baselineRequests: number },
  evidence: SequentialEvidence,
  overLimit: boolean
): SequentialLook {
  return {
    metric,
    test,
    ...values,
    eValue: evidence.eValue,
    pValue: Math.min(1, 1 / evidence.eValue),
    alpha: SEQUENTIAL_ALPHA,
    stop: overLimit && evidence.eValue >= 1 / SEQUENTIAL_ALPHA
  };
}

function sequentialLooks(
  settings: AnalysisSettings,
  evidence: WeightEvidence,
  reference: ReferenceBaseline | undefined
): SequentialLook[] {
  const { canary } = evidence;
  if (canary.requests < settings.minRequests) return [];
  const measured = evidence.baseline.requests >= settings.minRequests;
  const baseline: Baseline | undefined = measured
    ? evidence.baseline
    : reference && reference.requests >= settings.minRequests
      ? reference
      : undefined;
  if (!baseline) return [];
  const looks: SequentialLook[] = [];
  const canaryPct = pct(canary.errors, canary.requests);
  const baselinePct = pct(baseline.errors, baseline.requests);
  looks.push(
    sequentialLook(
      'error-rate',
      'error rates',
      {
        canary: round(canaryPct, 3),
        baseline: round(baselinePct, 3),
        canaryRequests: canary.requests,
        baselineRequests: baseline.requests
      },
      sequentialProportionTest(
        { failures: canary.errors, total: canary.requests },
        { failures: baseline.errors, total: baseline.requests },
        (MIXING_SCALE_PER_LIMIT * settings.maxErrorRateDeltaPp) / 100
      ),
      canaryPct - baselinePct > settings.maxErrorRateDeltaPp
    )
  );
  if (!measured) return looks;
  const overP99 = (canaryP99: number, baseP99: number) =>
    (baseP99 > 0 ? canaryP99 / baseP99 : Infinity) > settings.maxP99Ratio &&
    canaryP99 - baseP99 > settings.minP99DeltaMs;
  const counts = { canaryRequests: canary.requests, baselineRequests: evidence.baseline.requests };
  if (canary.complete && evidence.baseline.complete && canary.latenciesMs.length > 0) {
    // Every latency of both tracks at this weight: test the whole distribution by ranks.
    const base = evidence.baseline.latenciesMs;
    const canaryP99 = sortedPercentile(canary.latenciesMs, 99)!;
    const baseP99 = sortedPercentile(base, 99)!;
    const ranks = mannWhitneyGreater(canary.latenciesMs, base, { sorted: true });
    looks.push(
      sequentialLook(
        'p99',
        'latency ranks',
        { canary: round(canaryP99, 1), baseline: round(baseP99, 1), ...counts },
        sequentialRankTest(
          ranks.probabilityGreater,
          canary.latenciesMs.length,
          base.length,
          RANK_MIXING_SCALE
        ),
        overP99(canaryP99, baseP99)
      )
    );
  } else if (evidence.logP99Ratios.length > 0) {
    // One p99 per look (Prometheus): test the log ratio across looks; the limit applies to the
    // geometric mean of the ratios, the p99s shown are the medians of the looks' p99s.
    const ratios = evidence.logP99Ratios;
    const meanRatio = Math.exp(ratios.reduce((sum, x) => sum + x, 0) / ratios.length);
    const test = sequentialLogRatioTest(ratios, MIN_LOG_RATIO_SPREAD, LOG_RATIO_EFFECT_VARIANCE);
    looks.push(
      sequentialLook(
        'p99',
        'p99 log ratio',
        { canary: round(meanRatio, 3), baseline: 1, ...counts },
        test,
        meanRatio > settings.maxP99Ratio
      )
    );
  }
  return looks;
}

const confidence = (alpha: number) => `${Number((100 * (1 - alpha)).toPrecision(3))}%`;

/**
 * Why a sequential look stopped the canary, in plain words, e.g. "the canary fails 3.1% of
 * requests against 1% on the stable version, 2.1 points more where 1 is allowed; it is worse with
 * 99% confidence after 600 canary and 600 stable requests".
 */
function explainStop(settings: AnalysisSettings, look: SequentialLook): string {
  const after = `after ${look.canaryRequests} canary and ${look.baselineRequests} stable requests`;
  if (look.test === 'error rates') {
    const delta = round(look.canary - look.baseline);
    return `the canary fails ${look.canary}% of requests against ${look.baseline}% on the stable version, ${delta} points more where ${settings.maxErrorRateDeltaPp} ${settings.maxErrorRateDeltaPp === 1 ? 'is' : 'are'} allowed; it is worse with ${confidence(look.alpha)} confidence ${after}`;
  }
  if (look.test === 'latency ranks') {
    return `the canary is slower than the stable version with ${confidence(look.alpha)} confidence ${after}, and its p99 (${formatMs(look.canary)}) is above ${settings.maxP99Ratio} × the stable version's (${formatMs(look.baseline)})`;
  }
  return `the canary's p99 is ${look.canary} × the stable version's on average over this weight's measurements, above the ${settings.maxP99Ratio} allowed; it is higher with ${confidence(look.alpha)} confidence ${after}`;
}

/**
 * Judges one measurement: the canary against the baseline over the same window, plus the
 * sequential test over `evidence` (everything at this weight, this measurement included).
 * `failure` is set when the provider could not measure; that is an error measurement.
 */
export function evaluateMeasurement(
  settings: AnalysisSettings,
  input: {
    canary?: TrackMeasurement;
    baseline?: TrackMeasurement;
    failure?: string;
    evidence: WeightEvidence;
    reference?: ReferenceBaseline;
  }
): MeasurementEvaluation {
  const { canary, baseline, reference } = input;
  if (input.failure !== undefined || !canary || !baseline) {
    return {
      status: 'error',
      reason: `no measurement: ${input.failure ?? 'the provider returned nothing'}`,
      checks: [],
      sequential: [],
      stop: false,
      baselineFrom: 'measured'
    };
  }
  const sequential = sequentialLooks(settings, input.evidence, reference).map((look) =>
    look.stop ? { ...look, why: explainStop(settings, look) } : look
  );
  const stopped = sequential.filter((look) => look.stop);
  const stopReason = stopped.map((look) => look.why).join('; ');
  const finish = (
    status: MeasurementStatus,
    reason: string,
    checks: CanaryCheck[],
    baselineFrom: MeasurementEvaluation['baselineFrom']
  ): MeasurementEvaluation =>
    stopped.length > 0
      ? {
          status: 'fail',
          reason: `stopped early: ${stopReason}`,
          checks,
          sequential,
          stop: true,
          baselineFrom
        }
      : { status, reason, checks, sequential, stop: false, baselineFrom };

  if (canary.requests < settings.minRequests) {
    return finish(
      'inconclusive',
      `the canary served ${canary.requests} requests, fewer than min-requests (${settings.minRequests})`,
      [],
      'measured'
    );
  }
  let base: Baseline = baseline;
  let baselineFrom: MeasurementEvaluation['baselineFrom'] = 'measured';
  if (baseline.requests < settings.minRequests) {
    if (!reference || reference.requests < settings.minRequests) {
      return finish(
        'inconclusive',
        `the stable version served ${baseline.requests} requests, fewer than min-requests (${settings.minRequests}), and no earlier baseline is known`,
        [],
        'measured'
      );
    }
    // At weight 100 the stable version serves nothing: compare with what it did earlier.
    base = reference;
    baselineFrom = 'reference';
  }
  const checks = [
    errorRateCheck(settings, canary, base),
    p99Check(settings, canary, base),
    ...settings.extraChecks.map((check) => extraCheck(check, canary, baseline))
  ];
  const failing = checks.filter((c) => c.status === 'fail');
  const broken = checks.filter((c) => c.status === 'error');
  if (broken.length > 0) {
    return finish('error', broken.map((c) => `${c.name}: ${c.detail}`).join('; '), checks, baselineFrom);
  }
  if (failing.length > 0) {
    return finish('fail', failing.map((c) => `${c.name}: ${c.detail}`).join('; '), checks, baselineFrom);
  }
  const unsure = checks.filter((c) => c.status === 'inconclusive');
  if (unsure.length > 0) {
    return finish(
      'inconclusive',
      unsure.map((c) => `${c.name}: ${c.detail}`).join('; '),
      checks,
      baselineFrom
    );
  }
  return finish(
    'pass',
    `${checks.length} check${checks.length === 1 ? '' : 's'} passed${baselineFrom === 'reference' ? ' (against the earlier baseline)' : ''}`,
    checks,
    baselineFrom
  );
}

export type WeightStatus = 'running' | 'promote' | 'rollback' | 'inconclusive';

export interface WeightAssessment {
  status: WeightStatus;
  reason: string;
}

/**
 * Where a weight stands after its measurements so far (argo's assessRunStatus): rollback as soon as
 * the sequential test stops or failures exceed failure-limit; inconclusive as soon as inconclusive
 * and error measurements exceed inconclusive-limit; promote only when every planned measurement
 * was made and at least one passed; otherwise keep measuring.
 */
export function assessWeight(
  settings: AnalysisSettings,
  evaluations: readonly MeasurementEvaluation[]
): WeightAssessment {
  const stopped = evaluations.findIndex((e) => e.stop);
  if (stopped >= 0) {
    return { status: 'rollback', reason: `measurement ${stopped + 1}: ${evaluations[stopped]!.reason}` };
  }
  const failed = evaluations.filter((e) => e.status === 'fail');
  if (failed.length > settings.failureLimit) {
    return {
      status: 'rollback',
      reason: `${failed.length} failed measurement${failed.length === 1 ? '' : 's'} (failure-limit ${settings.failureLimit}); last: ${failed[failed.length - 1]!.reason}`
    };
  }
  const unknown = evaluations.filter((e) => e.status === 'inconclusive' || e.status === 'error');
  if (unknown.length > settings.inconclusiveLimit) {
    return {
      status: 'inconclusive',
      reason: `${unknown.length} measurement${unknown.length === 1 ? ' was' : 's were'} inconclusive or failed to measure (inconclusive-limit ${settings.inconclusiveLimit}); last: ${unknown[unknown.length - 1]!.reason}`
    };
  }
  if (evaluations.length < settings.looksPerWeight) {
    return {
      status: 'running',
      reason: `${evaluations.length} of ${settings.looksPerWeight} measurements made`
    };
  }
  const passed = evaluations.filter((e) => e.status === 'pass').length;
  if (passed === 0) {
    return {
      status: 'inconclusive',
      reason: 'no measurement passed: nothing shows the canary is as good as the baseline'
    };
  }
  return {
    status: 'promote',
    reason: `${passed} of ${evaluations.length} measurements passed${failed.length > 0 ? `, ${failed.length} failed (within failure-limit ${settings.failureLimit})` : ''}`
  };
}

/**
 * The baseline of earlier measurements (this run's and a carried history's) that served enough
 * requests: counts pooled, p99 the median of their p99s.
 */
export function referenceBaseline(
  measurements: readonly { requests: number; errors: number; p99Ms?: number | undefined }[],
  minRequests: number
): ReferenceBaseline | undefined {
  const usable = measurements.filter((m) => m.requests >= minRequests);
  if (usable.length === 0) return undefined;
  const p99s = usable.map((m) => m.p99Ms).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const p99Ms = percentile(p99s, 50);
  return {
    requests: usable.reduce((sum, m) => sum + m.requests, 0),
    errors: usable.reduce((sum, m) => sum + m.errors, 0),
    ...(p99Ms !== undefined ? { p99Ms } : {}),
    measurements: usable.length
  };
}
