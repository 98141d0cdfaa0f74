/**
 * rollback's recovery watch: after the rollback, the restored (stable) version is measured window
 * after window until its error rate is back at or below the baseline, or the recovery window is
 * over. Safe by default: a window with too few requests, or a metric source that fails or answers
 * garbage, never counts as recovered.
 */
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
  /** The baseline: the error rate (percent) the restored version must be at or below. */
  maxErrorRatePercent: number;
  /** Requests a window needs before its error rate means anything. */
  minRequests: number;
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
  baselinePercent: number;
  windowMs: number;
  intervalMs: number;
  /** From the start of the watch to the end of the first window at or below the baseline. */
  recoveredAfterMs?: number;
  measurements: RecoveryMeasurement[];
  verdict: string;
}

const percent = (value: number) => `${value.toFixed(2)}%`;

/** What one window says: pure. */
export function judgeRecoveryWindow(
  measured: TrackMeasurement | Error,
  atMs: number,
  config: Pick<RecoveryConfig, 'maxErrorRatePercent' | 'minRequests'>
): RecoveryMeasurement {
  if (measured instanceof Error)
    return { atMs, status: 'error', detail: `no measurement: ${errorMessage(measured)}` };
  const { requests, errors } = measured;
  if (requests < config.minRequests) {
    return {
      atMs,
      status: 'too-few',
      requests,
      detail: `${requests} request(s), fewer than the ${config.minRequests} needed to judge`
    };
  }
  const errorRatePercent = (errors / requests) * 100;
  const recovered = errorRatePercent <= config.maxErrorRatePercent;
  return {
    atMs,
    status: recovered ? 'recovered' : 'above',
    requests,
    errorRatePercent,
    detail: `${percent(errorRatePercent)} of ${requests} requests failed (baseline ≤ ${percent(config.maxErrorRatePercent)})`
  };
}

/** The number of windows a watch has: as many whole intervals as fit, at least one. */
export function recoveryWindows(config: Pick<RecoveryConfig, 'windowMs' | 'intervalMs'>): number {
  return Math.max(1, Math.floor(config.windowMs / config.intervalMs));
}

/** Measures the stable track window after window until it is back at the baseline or time is up. */
export async function watchRecovery(
  config: RecoveryConfig,
  deps: { provider: MetricProvider; clock: Clock; logger: Logger }
): Promise<RecoveryReport> {
  const { provider, clock, logger } = deps;
  // A provider that cannot work (Prometheus rejecting a query) says so now, not after the window.
  await provider.preflight?.();
  const started = clock.now();
  const measurements: RecoveryMeasurement[] = [];
  const settings = {
    baselinePercent: config.maxErrorRatePercent,
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
    const measurement = judgeRecoveryWindow(measured, Math.round(clock.now() - started), config);
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
    verdict: `error rate not back at the baseline (≤ ${percent(config.maxErrorRatePercent)}) within ${formatDuration(config.windowMs)}; last window: ${last.detail}`
  };
}
