/**
 * Metric provider specifications: one zod discriminated union, so a provider is built by one switch.
 */
import { z } from 'zod';

const extraCheckSchema = z.object({
  name: z.string().min(1),
  query: z.string().min(1),
  operator: z.enum(['<', '<=', '>', '>=', '==', '!=']),
  threshold: z.number()
});

export const probeSpecSchema = z.object({
  type: z.literal('probe'),
  /** Full URLs the probe requests, path included. No canary URL: only the stable track is measured (rollback). */
  canaryUrl: z.string().min(1).optional(),
  stableUrl: z.string().min(1),
  /** Requests per second sent to each track. */
  rps: z.number().positive(),
  /** Limit of one request (default 5 s, never more than the window). */
  timeoutMs: z.number().int().positive().optional()
});

export const prometheusSpecSchema = z.object({
  type: z.literal('prometheus'),
  /** Base URL, e.g. http://prometheus:9090; user info in it becomes basic auth. */
  url: z.string().min(1),
  /** Sent with every query (e.g. Authorization); values are secrets. */
  headers: z.record(z.string(), z.string()),
  queries: z.object({
    /** Requests in the window: a count. */
    requests: z.string().min(1),
    /** Share of those requests that failed, 0-1. */
    errorRate: z.string().min(1),
    /** p99 latency in seconds. */
    latencyP99: z.string().min(1)
  }),
  extraChecks: z.array(extraCheckSchema),
  /** Limit of one query (default 10 s). */
  timeoutMs: z.number().int().positive().optional()
});

export const metricProviderSpecSchema = z.discriminatedUnion('type', [probeSpecSchema, prometheusSpecSchema]);

export type ProbeSpec = z.output<typeof probeSpecSchema>;
export type PrometheusSpec = z.output<typeof prometheusSpecSchema>;
export type MetricProviderSpec = z.output<typeof metricProviderSpecSchema>;
