import type { MetricProvider, MetricProviderDeps } from './provider.ts';
import { metricProviderModule } from './registry.ts';
import type { MetricProviderSpec } from './spec.ts';

/** Builds the provider a spec describes. Usable on its own (rollback's recovery window). */
export function createMetricProvider(spec: MetricProviderSpec, deps: MetricProviderDeps): MetricProvider {
  // The registry pairs each type with its own module, so the spec is that module's spec.
  return metricProviderModule(spec.type).create(spec as never, deps);
}
