/**
 * Every metric provider, one line each. The `metrics` input's values, the spec union, the input
 * fragment, the secret inputs and the factory all derive from this list.
 */
import type { EachModule } from '../traffic/registry.ts';
import { probeProvider } from './probe.ts';
import { prometheusProvider } from './prometheus.ts';

export const METRIC_PROVIDERS = [probeProvider, prometheusProvider] as const;

type Providers = typeof METRIC_PROVIDERS;

/** A `metrics` input value: `probe`, `prometheus`, … */
export type MetricProviderType = Providers[number]['type'];

/** The `metrics` input's values, in the registry's order. */
export const METRIC_TYPES = METRIC_PROVIDERS.map((provider) => provider.type) as unknown as EachModule<
  Providers,
  'type'
>;

/** Any registered provider's module, with its types erased (for code that handles every provider). */
export type AnyMetricProviderModule = Providers[number];

/** The module of a provider type. */
export function metricProviderModule(type: MetricProviderType): AnyMetricProviderModule {
  const found = METRIC_PROVIDERS.find((provider) => provider.type === type);
  // A spec that bypassed the schema (a state file, a caller's cast) gets a message, not a TypeError.
  if (!found) throw new Error(`unknown metric provider ${JSON.stringify(type)}`);
  return found;
}
