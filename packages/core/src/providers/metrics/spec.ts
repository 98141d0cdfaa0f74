/**
 * Metric provider specifications: one zod discriminated union of the registered providers' specs.
 */
import { z } from 'zod';
import type { EachModule } from '../traffic/registry.ts';
import { METRIC_PROVIDERS } from './registry.ts';

export const metricProviderSpecSchema = z.discriminatedUnion(
  'type',
  METRIC_PROVIDERS.map((provider) => provider.spec) as unknown as EachModule<typeof METRIC_PROVIDERS, 'spec'>
);

export type MetricProviderSpec = z.output<typeof metricProviderSpecSchema>;
