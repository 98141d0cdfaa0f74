// Re-exports of the metric providers.
export {
  type MeasureWindow,
  MetricError,
  type MetricProvider,
  type Track,
  type TrackMeasurement
} from './provider.ts';
export {
  type MetricProviderSpec,
  metricProviderSpecSchema,
  type ProbeSpec,
  probeSpecSchema,
  type PrometheusSpec,
  prometheusSpecSchema
} from './spec.ts';
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
export { createProbeProvider, type ProbeDeps } from './probe.ts';
export {
  createPrometheusProvider,
  parseQueryResponse,
  type PrometheusDeps,
  type QueryValue
} from './prometheus.ts';
export { createMetricProvider, type MetricProviderDeps } from './factory.ts';
export {
  checkMetricProviderInputs,
  extraCheckLines,
  METRIC_TYPES,
  metricProviderInputs,
  type MetricProviderInputs,
  metricProviderSecretInputs,
  queryTemplate,
  toMetricProviderSpec
} from './inputs.ts';
