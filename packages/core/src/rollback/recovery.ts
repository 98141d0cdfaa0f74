/**
 * rollback's recovery watch: after the rollback, the restored (stable) version is measured window
 * after window until its error rate is back at its baseline (plus a tolerance), or the recovery
 * window is over. The baseline is the stable version's error rate before the incident: from
 * canary-step's history, else measured on the stable track as the rollback starts. Safe by
 * default: a window with too few requests, or a metric source that fails or answers garbage, never
 * counts as recovered, and an unknown baseline is 0 (the strictest).
 */
import type { CanaryHistory } from '../canary/history.ts';
import type { Clock } from '../clock.ts';
import { errorMessage } from '../errors.ts';
import { formatDuration } from '../inputs/duration.ts';
import type { Logger } from '../logger.ts';
import type { MetricProvider, TrackMeasurement } from '../providers/metrics/provider.ts';

export interface RecoveryConfig {
  /** The longest the watch lasts. */
  windowMs: number;
  /** Length of one measurement window. */
  intervalMs: number;
  /** Percentage points a window may be above the baseline and still count as recovered. */
  tolerancePercent: number;
  /** Requests a window needs before its error rate means anything. */
  minRequests: number;
}

/** The stable version's error rate before the incident, and where it comes from. */
export interface RecoveryBaseline {
  /** Percent; 0 when unknown, so that only a clean service counts as recovered. */
  percent: number;
  source: 'history' | 'measured' | 'unknown';
  /** Requests the baseline was computed from. */
  requests: number;
  detail: string;
}

export type RecoveryStatus = 'recovered' | 'above' | 'too-few' | 'error';

/** One window of the watch. */
export interface RecoveryMeasurement {
  /** When the window ended, from the start of the watch. */
  atMs: number;
  status: RecoveryStatus;
  requests?: number;
  errorRatePercent?: number;
  detail: string;
}

export interface RecoveryReport {
  recovered: boolean;
  baseline: RecoveryBaseline;
  /** The baseline's rate, percent (as `baseline.percent`). */
  baselinePercent: number;
  /** The highest error rate that counts as recovered: baseline plus tolerance. */
  thresholdPercent: number;
  windowMs: number;
  intervalMs: number;
  /** From the start of the watch to the end of the first window at or below the threshold. */
  recoveredAfterMs?: number;
  measurements: RecoveryMeasurement[];
  verdict: string;
}

const percent = (value: number) => `${value.toFixed(2)}%`;

/** What one window says: pure. */
export function judgeRecoveryWindow(
  measured: TrackMeasurement | Error,
  atMs: number,
  limits: { baselinePercent: number; thresholdPercent: number; minRequests: number }
): RecoveryMeasurement {
  if (measured instanceof Error)
    return { atMs, status: 'error', detail: `no measurement: ${errorMessage(measured)}` };
  const { requests, errors } = measured;
  if (requests < limits.minRequests) {
    return {
      atMs,
      status: 'too-few',
      requests,
      detail: `${requests} request(s), fewer than the ${limits.minRequests} needed to judge`
    };
  }
  const errorRatePercent = (errors / requests) * 100;
  const recovered = errorRatePercent <= limits.thresholdPercent;
  return {
    atMs,
    status: recovered ? 'recovered' : 'above',
    requests,
    errorRatePercent,
    detail: `${percent(errorRatePercent)} of ${requests} requests failed (baseline ${percent(limits.baselinePercent)}, recovered at ≤ ${percent(limits.thresholdPercent)})`
  };
}

/** The number of windows a watch has: as many whole intervals as fit, at least one. */
export function recoveryWindows(config: Pick<RecoveryConfig, 'windowMs' | 'intervalMs'>): number {
  return Math.max(1, Math.floor(config.windowMs / config.intervalMs));
}

/** A baseline nobody could measure: 0, the strictest. */
export function unknownBaseline(why: string): RecoveryBaseline {
  return { percent: 0, source: 'unknown', requests: 0, detail: `unknown (${why}): 0% assumed` };
}

/**
 * The stable track's error rate over a canary's measurements (canary-step's `history`): what the
 * stable version served while the canary ran, before the rollback. Undefined when the history
 * holds fewer than `minRequests` stable requests.
 */
export function baselineFromHistory(
  history: CanaryHistory,
  minRequests: number
): RecoveryBaseline | undefined {
  let requests = 0;
  let errors = 0;
  let windows = 0;
  for (const entry of history.measurements) {
    if (!entry.baseline) continue;
    requests += entry.baseline.requests;
    errors += entry.baseline.errors;
    windows++;
  }
  if (requests < minRequests) return undefined;
  const rate = (errors / requests) * 100;
  return {
    percent: rate,
    source: 'history',
    requests,
    detail: `${percent(rate)} of ${requests} stable requests in ${windows} canary measurement(s)`
  };
}

/**
 * Measures the stable track once, as the rollback starts. Prometheus answers for the window that
 * ends now, before traffic moves; the probe requests the stable version directly, so moving the
 * canary's weight meanwhile does not change what it measures. Never rejects: a failed or thin
 * measurement is an unknown baseline.
 */
export async function measureBaseline(
  provider: MetricProvider,
  config: Pick<RecoveryConfig, 'intervalMs' | 'minRequests'>,
  clock: Clock
): Promise<RecoveryBaseline> {
  const end = provider.type === 'prometheus' ? clock.now() : clock.now() + config.intervalMs;
  let measured: TrackMeasurement;
  try {
    measured = await provider.measure('stable', { end, durationMs: config.intervalMs });
  } catch (error) {
    return unknownBaseline(`the stable track could not be measured: ${errorMessage(error)}`);
  }
  if (measured.requests < config.minRequests)
    return unknownBaseline(
      `${measured.requests} stable request(s), fewer than the ${config.minRequests} needed`
    );
  const rate = (measured.errors / measured.requests) * 100;
  return {
    percent: rate,
    source: 'measured',
    requests: measured.requests,
    detail: `${percent(rate)} of ${measured.requests} stable requests measured as the rollback started`
  };
}

/** Measures the stable track window after window until it is back at the baseline or time is up. */
export async function watchRecovery(
  config: RecoveryConfig & { baseline: RecoveryBaseline },
  deps: { provider: MetricProvider; clock: Clock; logger: Logger }
): Promise<RecoveryReport> {
  const { provider, clock, logger } = deps;
  // A provider that cannot work (Prometheus rejecting a query) says so now, not after the window.
  await provider.preflight?.();
  const started = clock.now();
  const measurements: RecoveryMeasurement[] = [];
  const limits = {
    baselinePercent: config.baseline.percent,
    thresholdPercent: config.baseline.percent + config.tolerancePercent,
    minRequests: config.minRequests
  };
  const settings = {
    baseline: config.baseline,
    baselinePercent: limits.baselinePercent,
    thresholdPercent: limits.thresholdPercent,
    windowMs: config.windowMs,
    intervalMs: config.intervalMs
  };
  const windows = recoveryWindows(config);
  for (let i = 0; i < windows; i++) {
    const end = clock.now() + config.intervalMs;
    let measured: TrackMeasurement | Error;
    try {
      measured = await provider.measure('stable', { end, durationMs: config.intervalMs });
    } catch (error) {
      measured = error instanceof Error ? error : new Error(String(error));
      // The window must still pass before the next one: a failing source is not asked in a loop.
      const wait = end - clock.now();
      if (wait > 0) await clock.sleep(wait);
    }
    const measurement = judgeRecoveryWindow(measured, Math.round(clock.now() - started), limits);
    measurements.push(measurement);
    logger.info(`recovery window ${i + 1}/${windows}: ${measurement.status} — ${measurement.detail}`);
    if (measurement.status === 'recovered') {
      return {
        recovered: true,
        ...settings,
        recoveredAfterMs: measurement.atMs,
        measurements,
        verdict: `error rate back at the baseline after ${formatDuration(measurement.atMs)}: ${measurement.detail}`
      };
    }
  }
  const last = measurements.at(-1)!;
  return {
    recovered: false,
    ...settings,
    measurements,
    verdict: `error rate not back at the baseline (${percent(limits.baselinePercent)}, recovered at ≤ ${percent(limits.thresholdPercent)}) within ${formatDuration(config.windowMs)}; last window: ${last.detail}`
  };
}
