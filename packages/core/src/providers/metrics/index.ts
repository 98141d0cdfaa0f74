// Re-exports of the metric providers.
export {
  defineMetricProvider,
  type MeasureWindow,
  MetricError,
  type MetricInputCheck,
  type MetricProvider,
  type MetricProviderDeps,
  type MetricProviderModule,
  type Track,
  type TrackMeasurement
} from './provider.ts';
export {
  type AnyMetricProviderModule,
  METRIC_PROVIDERS,
  METRIC_TYPES,
  metricProviderModule,
  type MetricProviderType
} from './registry.ts';
export { type MetricProviderSpec, metricProviderSpecSchema } from './spec.ts';
export {
  type ComparisonOperator,
  DEFAULT_ERROR_RATE_QUERY,
  DEFAULT_LATENCY_P99_QUERY,
  DEFAULT_REQUESTS_QUERY,
  EXTRA_CHECK_HINT,
  type ExtraCheck,
  fillTemplate,
  holdsComparison,
  parseExtraCheckLine,
  parseQueryTemplate,
  PLACEHOLDERS,
  promDuration,
  TEMPLATE_HINT
} from './promql.ts';
export {
  createProbeProvider,
  type ProbeDeps,
  probeProvider,
  type ProbeSpec,
  probeSpecSchema
} from './probe.ts';
export {
  createPrometheusProvider,
  extraCheckLines,
  parseQueryResponse,
  type PrometheusDeps,
  prometheusProvider,
  type PrometheusSpec,
  prometheusSpecSchema,
  queryTemplate,
  type QueryValue
} from './prometheus.ts';
export { createMetricProvider } from './factory.ts';
export {
  checkMetricProviderInputs,
  metricProviderInputs,
  type MetricProviderInputs,
  metricProviderSecretInputs,
  toMetricProviderSpec
} from './inputs.ts';
