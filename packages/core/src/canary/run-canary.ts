/**
 * The canary step as a loop over injected dependencies: set a weight, measure both tracks every
 * interval, judge each measurement (analysis.ts), and promote, roll back or stop inconclusive.
 * No clock, network or process here: the router, the metric provider, the clock and the logger
 * are passed in.
 */
import type { Clock } from '../clock.ts';
import { errorMessage } from '../errors.ts';
import { formatDuration } from '../inputs/duration.ts';
import type { Logger } from '../logger.ts';
import type { MetricProvider, TrackMeasurement } from '../providers/metrics/provider.ts';
import { TrafficRouterError, type TrafficRouter } from '../providers/traffic/router.ts';
import { sortedPercentile } from '../stats/mann-whitney.ts';
import {
  addEvidence,
  assessWeight,
  emptyEvidence,
  evaluateMeasurement,
  referenceBaseline,
  type AnalysisSettings,
  type CanaryCheck,
  type MeasurementEvaluation,
  type MeasurementStatus,
  type SequentialLook,
  type WeightEvidence
} from './analysis.ts';
import { withCanaryHealth, type CanaryHealthCheck } from './health-check.ts';
import type { CanaryHistory } from './history.ts';
import { planLooks } from './plan.ts';

export type CanaryDecision = 'promote' | 'rollback' | 'inconclusive';
export type CanaryFailurePolicy = 'rollback' | 'fail';

export interface CanaryConfig {
  /** The weights to walk, in order (one for `weight`). */
  weights: number[];
  durationMs: number;
  intervalMs: number;
  analysis: Omit<AnalysisSettings, 'looksPerWeight'>;
  /** On rollback: weight 0 and fail (`rollback`), or leave traffic and fail (`fail`). */
  onFailure: CanaryFailurePolicy;
  /** The same choice when the step ends inconclusive. */
  onInconclusive: CanaryFailurePolicy;
  /** Measurements of earlier steps of this canary (from the history input). */
  history?: CanaryHistory;
}

export interface CanaryDeps {
  router: TrafficRouter;
  metrics: MetricProvider;
  clock: Clock;
  logger: Logger;
  /** The canary's own health check at every measurement (canary-health-url), when given. */
  canaryHealth?: CanaryHealthCheck;
}

/** One track in one measurement, as reported. */
export interface TrackSnapshot {
  requests: number;
  errors: number;
  errorRatePct: number;
  p99Ms?: number;
  errorsByReason?: Record<string, number>;
  extra?: Record<string, number>;
}

/** One measurement, as reported. */
export interface MeasurementRecord {
  /** 1-based over the step. */
  index: number;
  weight: number;
  /** 1-based at its weight. */
  look: number;
  /** Wall-clock time at the window's end. */
  at: string;
  /** Milliseconds from the step's start to the window's end. */
  elapsedMs: number;
  canary?: TrackSnapshot;
  baseline?: TrackSnapshot;
  baselineFrom: MeasurementEvaluation['baselineFrom'];
  status: MeasurementStatus;
  reason: string;
  checks: CanaryCheck[];
  sequential: SequentialLook[];
}

/** One weight of the walk. */
export interface WeightRecord {
  weight: number;
  status: 'promote' | 'rollback' | 'inconclusive' | 'not-applied';
  reason: string;
  measurements: number;
  /** What the router said after setting it: true, false, or undefined when it cannot verify. */
  verified?: boolean | undefined;
}

/** What happened to the traffic at the end. */
export interface TrafficOutcome {
  action: 'kept' | 'reset' | 'left' | 'none';
  /** For a reset: whether it worked. */
  ok: boolean;
  description: string;
}

export interface CanaryRun {
  decision: CanaryDecision;
  reason: string;
  /** The canary's weight when the step ended; undefined when a failed router left it unknown. */
  finalWeight: number | undefined;
  weights: WeightRecord[];
  measurements: MeasurementRecord[];
  traffic: TrafficOutcome;
  /** Over everything measured at the last weight, for the outputs. */
  last?: { canary: TrackSnapshot; baseline: TrackSnapshot };
  /** Looks planned per weight. */
  looksPerWeight: number;
  startedAt: string;
  elapsedMs: number;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function snapshot(measurement: TrackMeasurement): TrackSnapshot {
  return {
    requests: measurement.requests,
    errors: measurement.errors,
    errorRatePct: measurement.requests > 0 ? round((100 * measurement.errors) / measurement.requests, 3) : 0,
    ...(measurement.p99Ms !== undefined ? { p99Ms: round(measurement.p99Ms, 1) } : {}),
    ...(measurement.errorsByReason ? { errorsByReason: measurement.errorsByReason } : {}),
    ...(measurement.extra ? { extra: measurement.extra } : {})
  };
}

function evidenceSnapshot(
  track: WeightEvidence['canary'],
  records: readonly MeasurementRecord[],
  side: 'canary' | 'baseline'
): TrackSnapshot {
  // p99 over every latency when the provider gives them; otherwise the last p99 measured.
  const p99 =
    track.complete && track.latenciesMs.length > 0
      ? sortedPercentile(track.latenciesMs, 99)
      : [...records].reverse().find((r) => r[side]?.p99Ms !== undefined)?.[side]?.p99Ms;
  return {
    requests: track.requests,
    errors: track.errors,
    errorRatePct: track.requests > 0 ? round((100 * track.errors) / track.requests, 3) : 0,
    ...(p99 !== undefined ? { p99Ms: round(p99, 1) } : {})
  };
}

function describe(record: MeasurementRecord): string {
  const side = (s: TrackSnapshot | undefined) =>
    s
      ? `${s.requests} req, ${s.errorRatePct}% errors${s.p99Ms !== undefined ? `, p99 ${s.p99Ms} ms` : ''}`
      : '–';
  return `${record.weight}% #${record.look} (+${formatDuration(record.elapsedMs)}): ${record.status.toUpperCase()} — canary ${side(record.canary)} | baseline ${side(record.baseline)}${record.baselineFrom === 'reference' ? ' (earlier baseline)' : ''} — ${record.reason}`;
}

/**
 * Runs the step: checks the configuration against the real router and metric source (nothing moves
 * if that fails: ConfigurationError), then walks the weights. Router failures and negative verdicts
 * are returned as a decision, never thrown: the caller reports them.
 */
export async function runCanary(config: CanaryConfig, deps: CanaryDeps): Promise<CanaryRun> {
  const { clock, logger, router, metrics } = deps;
  const looksPerWeight = planLooks(config.durationMs, config.intervalMs);
  const settings: AnalysisSettings = { ...config.analysis, looksPerWeight };
  const startedAt = clock.date().toISOString();
  const started = clock.now();

  await router.preflight?.();
  await metrics.preflight?.();
  await deps.canaryHealth?.preflight();

  const weights: WeightRecord[] = [];
  const measurements: MeasurementRecord[] = [];
  // The weight this run last set successfully; undefined until it moved anything.
  let applied: number | undefined;
  let uncertain = false;
  let decision: CanaryDecision = 'promote';
  let reason = '';
  let last: CanaryRun['last'];
  let zeroRequested = false;

  const earlier = (config.history?.measurements ?? [])
    .filter((m) => m.status !== 'error' && m.baseline)
    .map((m) => m.baseline!);

  for (const weight of config.weights) {
    try {
      await router.setWeight(weight);
      applied = weight;
    } catch (error) {
      if (!(error instanceof TrafficRouterError) || error.trafficChanged !== false) uncertain = true;
      const message = errorMessage(error);
      weights.push({ weight, status: 'not-applied', reason: message, measurements: 0 });
      decision = 'inconclusive';
      reason = `the router could not set the canary weight to ${weight}%: ${message}`;
      logger.error(reason);
      break;
    }
    const verified = await router.verifyWeight(weight).catch(() => false);
    if (verified === false) {
      uncertain = true;
      weights.push({
        weight,
        status: 'not-applied',
        reason: 'the router did not confirm the weight',
        measurements: 0,
        verified
      });
      decision = 'inconclusive';
      reason = `after setting the canary weight to ${weight}%, ${router.target} does not route it`;
      logger.error(reason);
      break;
    }
    if (weight === 0) {
      weights.push({ weight, status: 'rollback', reason: 'weight 0 requested', measurements: 0, verified });
      decision = 'rollback';
      zeroRequested = true;
      reason = 'weight 0 was requested: all traffic is on the stable version';
      break;
    }
    logger.info(
      `Canary at ${weight}%${verified === undefined ? ' (the router cannot verify it)' : ''}: ${looksPerWeight} measurement${looksPerWeight === 1 ? '' : 's'} of ${formatDuration(config.intervalMs)}`
    );

    let evidence = emptyEvidence();
    const evaluations: MeasurementEvaluation[] = [];
    const weightRecords: MeasurementRecord[] = [];
    let assessment = assessWeight(settings, evaluations);
    for (let look = 1; assessment.status === 'running'; look++) {
      const window = { end: clock.now() + config.intervalMs, durationMs: config.intervalMs };
      const healthCheck = deps.canaryHealth?.check(window);
      const [canary, baseline] = await Promise.allSettled([
        metrics.measure('canary', window),
        metrics.measure('stable', window)
      ]);
      const health = await healthCheck;
      const failure =
        canary.status === 'rejected'
          ? errorMessage(canary.reason)
          : baseline.status === 'rejected'
            ? errorMessage(baseline.reason)
            : undefined;
      const c = canary.status === 'fulfilled' ? canary.value : undefined;
      const b = baseline.status === 'fulfilled' ? baseline.value : undefined;
      if (c && b && failure === undefined) evidence = addEvidence(evidence, c, b);
      const reference = referenceBaseline(
        [
          ...earlier,
          ...measurements.filter((m) => m.baselineFrom === 'measured' && m.baseline).map((m) => m.baseline!)
        ],
        settings.minRequests
      );
      const evaluation = withCanaryHealth(
        evaluateMeasurement(settings, {
          ...(c ? { canary: c } : {}),
          ...(b ? { baseline: b } : {}),
          ...(failure !== undefined ? { failure } : {}),
          evidence,
          ...(reference ? { reference } : {})
        }),
        health
      );
      evaluations.push(evaluation);
      const record: MeasurementRecord = {
        index: measurements.length + 1,
        weight,
        look,
        at: clock.date().toISOString(),
        elapsedMs: Math.round(clock.now() - started),
        ...(c ? { canary: snapshot(c) } : {}),
        ...(b ? { baseline: snapshot(b) } : {}),
        baselineFrom: evaluation.baselineFrom,
        status: evaluation.status,
        reason: evaluation.reason,
        checks: evaluation.checks,
        sequential: evaluation.sequential
      };
      measurements.push(record);
      weightRecords.push(record);
      if (evaluation.status === 'pass' || evaluation.status === 'inconclusive') logger.info(describe(record));
      else logger.warning(describe(record));
      assessment = assessWeight(settings, evaluations);
    }
    if (evidence.canary.requests + evidence.baseline.requests > 0) {
      last = {
        canary: evidenceSnapshot(evidence.canary, weightRecords, 'canary'),
        baseline: evidenceSnapshot(evidence.baseline, weightRecords, 'baseline')
      };
    }
    weights.push({
      weight,
      status: assessment.status as WeightRecord['status'],
      reason: assessment.reason,
      measurements: evaluations.length,
      verified
    });
    if (assessment.status !== 'promote') {
      decision = assessment.status as CanaryDecision;
      reason = `at ${weight}%: ${assessment.reason}`;
      break;
    }
    logger.info(`Weight ${weight}% passed: ${assessment.reason}`);
  }

  if (decision === 'promote') {
    const final = config.weights[config.weights.length - 1]!;
    reason = `every weight passed; the canary serves ${final}% of traffic (${weights.map((w) => `${w.weight}%: ${w.reason}`).join('; ')})`;
  }
  const traffic = zeroRequested
    ? { action: 'reset' as const, ok: true, description: 'All traffic is on the stable version.' }
    : await settleTraffic(config, deps, decision, applied, uncertain);
  const finalWeight =
    traffic.action === 'reset' ? (traffic.ok ? 0 : undefined) : uncertain ? undefined : applied;
  logger.info(`Decision: ${decision} — ${reason}. ${traffic.description}`);
  return {
    decision,
    reason,
    finalWeight,
    weights,
    measurements,
    traffic,
    ...(last ? { last } : {}),
    looksPerWeight,
    startedAt,
    elapsedMs: Math.round(clock.now() - started)
  };
}

/** Puts traffic where the decision and the policies say; reports what happened. */
async function settleTraffic(
  config: CanaryConfig,
  deps: CanaryDeps,
  decision: CanaryDecision,
  applied: number | undefined,
  uncertain: boolean
): Promise<TrafficOutcome> {
  if (decision === 'promote') {
    return { action: 'kept', ok: true, description: `The canary keeps ${applied}% of traffic.` };
  }
  const policy = decision === 'rollback' ? config.onFailure : config.onInconclusive;
  const policyName = decision === 'rollback' ? 'on-failure' : 'on-inconclusive';
  const moved = uncertain || (applied !== undefined && applied > 0);
  if (!moved) {
    return {
      action: 'none',
      ok: true,
      description:
        applied === 0
          ? 'All traffic is on the stable version.'
          : 'This step moved no traffic; the weight is what it was before the step.'
    };
  }
  if (policy === 'fail') {
    return {
      action: 'left',
      ok: true,
      description: `${policyName} is \`fail\`: traffic was left as it is${applied !== undefined ? ` (canary ${applied}%)` : ''}; decide by hand or run rollback.`
    };
  }
  deps.logger.info(`${policyName} is \`rollback\`: moving all traffic back to the stable version`);
  try {
    await deps.router.reset();
    const verified = await deps.router.verifyWeight(0).catch(() => false);
    if (verified === false) {
      return {
        action: 'reset',
        ok: false,
        description: `Resetting the canary weight to 0 did not take effect (${deps.router.target} does not route 0%): put traffic back on stable by hand.`
      };
    }
    return {
      action: 'reset',
      ok: true,
      description: `Traffic is back on the stable version (canary weight 0)${verified === undefined ? '; the router cannot verify it' : ''}.`
    };
  } catch (error) {
    deps.logger.error(`Resetting the canary weight to 0 failed: ${errorMessage(error)}`);
    return {
      action: 'reset',
      ok: false,
      description: `Resetting the canary weight to 0 FAILED: ${errorMessage(error)}. Put traffic back on stable by hand (or run rollback).`
    };
  }
}
