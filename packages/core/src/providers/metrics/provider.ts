/**
 * Metric providers measure one track over one window and return raw numbers; the canary analysis
 * (canary/analysis.ts) decides what they mean. This mirrors argo-rollouts' metric providers, and
 * like theirs each provider describes itself (`Type()`, `GetMetadata()`): its module declares its
 * inputs, its spec, how reports name its source and what to do when it cannot judge.
 */
import type { z } from 'zod';
import type { Clock } from '../../clock.ts';
import type { HttpClient } from '../../http/client.ts';
import type { SecretExtractor } from '../../inputs/read-inputs.ts';
import type { MetricProviderType } from './registry.ts';

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
  readonly type: MetricProviderType;
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

/** What every provider gets to measure with. */
export interface MetricProviderDeps {
  http: HttpClient;
  clock: Clock;
  /** For retries' jitter; injectable so tests are deterministic. */
  random?: () => number;
}

/** How a provider's input rules report a problem, naming the input. */
export interface MetricInputCheck<Name extends string> {
  /** The input is required with this provider; `what` says what it should hold. */
  need(input: Name, what: string): void;
}

/**
 * One metric provider, described by its module: adding a provider is one such module, one line in
 * registry.ts, its inputs in the action.yml files that measure, and its docs.
 */
export interface MetricProviderModule<
  Type extends string,
  Inputs extends z.ZodRawShape,
  Spec extends { type: Type }
> {
  /** The `metrics` input's value that selects it. */
  readonly type: Type;
  /** Where its numbers come from, in one sentence (docs and reports). */
  readonly description: string;
  /** Its own inputs as zod fragments, by their action.yml names. */
  readonly inputs: Inputs;
  /** The parts of its inputs that are secret, masked before parsing. */
  readonly secretInputs: Partial<Record<keyof Inputs & string, SecretExtractor>>;
  readonly spec: z.ZodType<Spec> & z.core.$ZodTypeDiscriminable;
  /**
   * The rules between its inputs. `stableOnly`: the action measures the stable track alone
   * (rollback's recovery watch), so nothing canary-side is required.
   */
  checkInputs(
    values: z.output<z.ZodObject<Inputs>>,
    check: MetricInputCheck<keyof Inputs & string>,
    options: { stableOnly: boolean }
  ): void;
  toSpec(values: z.output<z.ZodObject<Inputs>>): Spec;
  create(spec: Spec, deps: MetricProviderDeps): MetricProvider;
  /** Its source for the report, e.g. `Prometheus at https://…` (no secrets), and its extra checks. */
  describe(spec: Spec): { source: string; extraChecks: string[] };
  /** What a person should do next when measurements could not judge the canary. */
  readonly advice: {
    /** Too few requests in the windows. */
    tooFewRequests: string;
    /** The source failed to answer, or answered something unusable. */
    noData: string;
  };
}

/** Declares a provider module, inferring its types from the object (no annotation needed). */
export function defineMetricProvider<
  const Type extends string,
  Inputs extends z.ZodRawShape,
  Spec extends { type: Type }
>(module: MetricProviderModule<Type, Inputs, Spec>): MetricProviderModule<Type, Inputs, Spec> {
  return module;
}
