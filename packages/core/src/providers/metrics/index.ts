// Re-exports of the metric providers.
export * from './provider.ts';
export * from './registry.ts';
export * from './spec.ts';
export * from './promql.ts';
export * from './probe.ts';
export * from './prometheus.ts';
export * from './factory.ts';
export * from './inputs.ts';
