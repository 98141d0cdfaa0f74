/**
 * Metric providers measure one track over one window and return raw numbers; the canary analysis
 * (canary/analysis.ts) decides what they mean. This mirrors argo-rollouts' metric providers.
 */

/** The two versions running side by side. */
export type Track = 'canary' | 'stable';

/** The time window of one measurement, on the Clock's `now()` scale. */
export interface MeasureWindow {
  /** When the window ends; a provider that reads history waits until then. */
  end: number;
  durationMs: number;
}

/** What a provider saw of one track in one window. */
export interface TrackMeasurement {
  /** Requests answered (or attempted, for the probe) in the window. */
  requests: number;
  /** Of those, how many failed: 5xx, and for the probe also non-2xx/3xx answers and no answer. */
  errors: number;
  /** p99 latency in milliseconds; undefined when the window holds no latency data. */
  p99Ms?: number;
  /** Every latency observed, when the provider has them (the probe): enables the rank test. */
  latenciesMs?: number[];
  /** Values of the extra checks, by check name (absent when the query returned nothing). */
  extra?: Record<string, number>;
  /** Why requests failed, with counts (`HTTP 500`: 12), when the provider knows. */
  errorsByReason?: Record<string, number>;
}

/** Measures a track. Rejects with MetricError when the source fails or answers something unusable. */
export interface MetricProvider {
  readonly type: 'probe' | 'prometheus';
  /**
   * Checks the configuration against the real source once, before any traffic moves (a URL that
   * does not answer, a query the server rejects). Throws ConfigurationError.
   */
  preflight?(): Promise<void>;
  measure(track: Track, window: MeasureWindow): Promise<TrackMeasurement>;
}

/**
 * The metric source did not answer, or answered something that cannot be a measurement (not JSON,
 * several series where one was expected, a negative count). The analysis records an error
 * measurement: never a pass.
 */
export class MetricError extends Error {
  override name = 'MetricError';
  constructor(
    message: string,
    readonly kind: 'unavailable' | 'garbage'
  ) {
    super(message);
  }
}
