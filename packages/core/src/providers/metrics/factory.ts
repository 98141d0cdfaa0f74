import type { Clock } from '../../clock.ts';
import type { HttpClient } from '../../http/client.ts';
import { createProbeProvider } from './probe.ts';
import { createPrometheusProvider } from './prometheus.ts';
import type { MetricProvider } from './provider.ts';
import type { MetricProviderSpec } from './spec.ts';

export interface MetricProviderDeps {
  http: HttpClient;
  clock: Clock;
  random?: () => number;
}

/** Builds the provider a spec describes. Usable on its own (rollback's recovery window). */
export function createMetricProvider(spec: MetricProviderSpec, deps: MetricProviderDeps): MetricProvider {
  switch (spec.type) {
    case 'probe':
      return createProbeProvider(spec, deps);
    case 'prometheus':
      return createPrometheusProvider(spec, deps);
    default: {
      const unknown: never = spec;
      throw new Error(`unknown metric provider ${JSON.stringify(unknown)}`);
    }
  }
}
