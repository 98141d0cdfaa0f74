/** The Prometheus provider: instant queries over each window, per track. */
import { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { ConfigurationError, errorMessage, type InputProblem } from '../../errors.ts';
import type { HttpClient } from '../../http/client.ts';
import { withRetry } from '../../http/retry.ts';
import { headerLines, headerSecretValues, httpUrl, splitLines } from '../../inputs/fragments.ts';
import { neutralise } from '../../logger.ts';
import { displayUrl, urlCredentials } from '../../redact.ts';
import {
  DEFAULT_ERROR_RATE_QUERY,
  DEFAULT_LATENCY_P99_QUERY,
  DEFAULT_REQUESTS_QUERY,
  EXTRA_CHECK_HINT,
  TEMPLATE_HINT,
  fillTemplate,
  parseExtraCheckLine,
  parseQueryTemplate,
  type ExtraCheck
} from './promql.ts';
import {
  MetricError,
  defineMetricProvider,
  type MetricProvider,
  type Track,
  type TrackMeasurement
} from './provider.ts';

const extraCheckSchema = z.object({
  name: z.string().min(1),
  query: z.string().min(1),
  operator: z.enum(['<', '<=', '>', '>=', '==', '!=']),
  threshold: z.number()
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

export type PrometheusSpec = z.output<typeof prometheusSpecSchema>;

/** A PromQL template with `{{track}}` (and optionally `{{interval}}`). */
export function queryTemplate() {
  return z.string({ error: TEMPLATE_HINT }).transform((value, ctx) => {
    const template = parseQueryTemplate(value);
    if (template === undefined) {
      ctx.addIssue({ code: 'custom', message: TEMPLATE_HINT });
      return z.NEVER;
    }
    return template;
  });
}

/** `name: <PromQL> <op> <number>` lines; each line's problem is reported with its number. */
export function extraCheckLines() {
  return z.string({ error: EXTRA_CHECK_HINT }).transform((value, ctx): ExtraCheck[] => {
    const checks: ExtraCheck[] = [];
    const names = new Set<string>();
    splitLines(value).forEach((line, index) => {
      const check = parseExtraCheckLine(line);
      if (!check) {
        ctx.addIssue({
          code: 'custom',
          message: `${EXTRA_CHECK_HINT} (line ${index + 1}, ${JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}…` : line)}, does not fit)`
        });
      } else if (names.has(check.name)) {
        ctx.addIssue({
          code: 'custom',
          message: `${EXTRA_CHECK_HINT}, each name once (\`${check.name}\` is repeated)`
        });
      } else {
        names.add(check.name);
        checks.push(check);
      }
    });
    return checks;
  });
}

export interface PrometheusDeps {
  http: HttpClient;
  clock: Clock;
  /** For retries' jitter; injectable so tests are deterministic. */
  random?: () => number;
}

/** The action input each query comes from, so a rejected query names it. */
const QUERY_INPUTS = {
  requests: 'requests-query',
  errorRate: 'error-rate-query',
  latencyP99: 'latency-p99-query'
} as const;

/** A query's answer: one number, or nothing (an empty vector). */
export type QueryValue = { kind: 'empty' } | { kind: 'value'; value: number };

/** Prometheus writes special floats as strings. */
function parseSample(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  const value = Number(text);
  return text.trim() !== '' && !Number.isNaN(value) ? value : undefined;
}

/**
 * Reads the body of `/api/v1/query`: an instant vector of at most one series, or a scalar.
 * Anything else (an error status, a matrix, several series, a value that is not a number) throws
 * MetricError: a measurement must never be made from an answer that was misunderstood.
 */
export function parseQueryResponse(body: string, what: string): QueryValue {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MetricError(
      `${what}: the answer is not JSON (${JSON.stringify(body.slice(0, 80))})`,
      'garbage'
    );
  }
  const doc = json as { status?: unknown; error?: unknown; errorType?: unknown; data?: unknown };
  if (doc.status !== 'success') {
    const reason =
      typeof doc.error === 'string'
        ? neutralise(`${String(doc.errorType ?? 'error')}: ${doc.error}`)
        : 'no "status": "success"';
    throw new MetricError(
      `${what}: Prometheus answered ${reason}`,
      doc.errorType === 'timeout' ? 'unavailable' : 'garbage'
    );
  }
  const data = doc.data as { resultType?: unknown; result?: unknown } | undefined;
  if (data?.resultType === 'scalar' && Array.isArray(data.result)) {
    const value = parseSample(data.result[1]);
    if (value === undefined) throw new MetricError(`${what}: the scalar is not a number`, 'garbage');
    return { kind: 'value', value };
  }
  if (data?.resultType !== 'vector' || !Array.isArray(data.result)) {
    throw new MetricError(
      `${what}: expected an instant vector or a scalar, got ${String(data?.resultType ?? 'nothing')}`,
      'garbage'
    );
  }
  if (data.result.length === 0) return { kind: 'empty' };
  if (data.result.length > 1) {
    throw new MetricError(
      `${what}: returned ${data.result.length} series where one number was expected; aggregate it, e.g. with sum()`,
      'garbage'
    );
  }
  const sample = (data.result[0] as { value?: unknown }).value;
  const value = Array.isArray(sample) ? parseSample(sample[1]) : undefined;
  if (value === undefined) throw new MetricError(`${what}: the sample is not a number`, 'garbage');
  return { kind: 'value', value };
}

/**
 * The Prometheus provider. Each measurement waits for the window's end, then runs the queries with
 * `time` at that end and `{{interval}}` as the window, so both tracks are read over the same
 * seconds. A query that fails on the network or with a 5xx is retried once; what still fails is a
 * MetricError (the analysis records an error measurement).
 */
export function createPrometheusProvider(spec: PrometheusSpec, deps: PrometheusDeps): MetricProvider {
  const base = spec.url.replace(/\/+$/, '');
  const timeoutMs = spec.timeoutMs ?? 10_000;

  async function query(promql: string, timeSeconds: number, what: string): Promise<QueryValue> {
    const url = `${base}/api/v1/query?query=${encodeURIComponent(promql)}&time=${timeSeconds.toFixed(3)}`;
    const response = await withRetry(
      async () => {
        let answer;
        try {
          answer = await deps.http.request({
            url,
            headers: { accept: 'application/json', ...spec.headers },
            timeoutMs
          });
        } catch (error) {
          throw new MetricError(
            `${what}: ${displayUrl(base)} did not answer (${errorMessage(error)})`,
            'unavailable'
          );
        }
        if (answer.status >= 500) {
          // Prometheus answers 503 while it starts or when a query times out: worth one more try.
          throw new MetricError(`${what}: ${displayUrl(base)} answered HTTP ${answer.status}`, 'unavailable');
        }
        return answer;
      },
      {
        attempts: 2,
        baseDelayMs: 250,
        maxDelayMs: 1000,
        clock: deps.clock,
        ...(deps.random ? { random: deps.random } : {}),
        shouldRetry: (error) => error instanceof MetricError && error.kind === 'unavailable'
      }
    );
    if (response.status === 401 || response.status === 403) {
      throw new MetricError(
        `${what}: ${displayUrl(base)} refused the query (HTTP ${response.status}): check prometheus-headers`,
        'unavailable'
      );
    }
    if (response.status === 404) {
      throw new MetricError(
        `${what}: ${displayUrl(base)}/api/v1/query is not found (HTTP 404): is prometheus-url the server's base URL?`,
        'garbage'
      );
    }
    return parseQueryResponse(response.body, what);
  }

  async function measureAt(track: Track, endEpochMs: number, durationMs: number): Promise<TrackMeasurement> {
    const time = endEpochMs / 1000;
    const fill = (template: string) => fillTemplate(template, { track, intervalMs: durationMs });
    const [requests, errorRate, p99, ...extra] = await Promise.all([
      query(fill(spec.queries.requests), time, `requests-query (${track})`),
      query(fill(spec.queries.errorRate), time, `error-rate-query (${track})`),
      query(fill(spec.queries.latencyP99), time, `latency-p99-query (${track})`),
      ...spec.extraChecks.map((check) =>
        query(fill(check.query), time, `extra check ${check.name} (${track})`)
      )
    ]);
    return toMeasurement(track, requests!, errorRate!, p99!, extra, spec.extraChecks);
  }

  return {
    type: 'prometheus',
    async preflight() {
      // Every query once, before traffic moves: Prometheus must answer, and accept each query.
      const problems: InputProblem[] = [];
      const now = deps.clock.date().getTime() / 1000;
      const checks: [string, string][] = [
        ...Object.entries(QUERY_INPUTS).map(
          ([key, input]) => [input, spec.queries[key as keyof typeof QUERY_INPUTS]] as [string, string]
        ),
        ...spec.extraChecks.map((check) => ['extra-checks', check.query] as [string, string])
      ];
      for (const [input, template] of checks) {
        const promql = fillTemplate(template, { track: 'canary', intervalMs: 60_000 });
        try {
          await query(promql, now, input);
        } catch (error) {
          if (error instanceof MetricError && error.kind === 'unavailable') {
            throw new ConfigurationError(
              `Input \`prometheus-url\`: ${displayUrl(base)} does not answer queries (${error.message}); nothing was changed.`
            );
          }
          problems.push({
            input,
            shownValue: JSON.stringify(template.length > 80 ? `${template.slice(0, 80)}…` : template),
            expected: `a query Prometheus accepts and answers with one number (${errorMessage(error).replace(`${input}: `, '')})`
          });
        }
      }
      if (problems.length > 0) {
        throw new ConfigurationError(
          problems.map((p) => `Input \`${p.input}\`: got ${p.shownValue}; expected ${p.expected}`).join('\n'),
          problems
        );
      }
    },
    async measure(track, window) {
      const wait = window.end - deps.clock.now();
      if (wait > 0) await deps.clock.sleep(wait);
      const endEpochMs = deps.clock.date().getTime() - Math.max(0, deps.clock.now() - window.end);
      return measureAt(track, endEpochMs, window.durationMs);
    }
  };
}

function toMeasurement(
  track: Track,
  requests: QueryValue,
  errorRate: QueryValue,
  p99: QueryValue,
  extra: QueryValue[],
  checks: ExtraCheck[]
): TrackMeasurement {
  // An empty answer to the requests query means no series yet: no traffic, which the analysis
  // treats as too few requests (never a pass).
  const count = requests.kind === 'value' ? requests.value : 0;
  if (!Number.isFinite(count) || count < 0) {
    throw new MetricError(
      `requests-query (${track}): returned ${count}; expected a count of requests`,
      'garbage'
    );
  }
  const total = Math.round(count);
  let errors = 0;
  if (errorRate.kind === 'value' && !Number.isNaN(errorRate.value)) {
    // increase() extrapolates each series on its own, so a ratio can exceed 1 by a hair.
    if (errorRate.value < 0 || errorRate.value > 1.001) {
      throw new MetricError(
        `error-rate-query (${track}): returned ${errorRate.value}; expected a share of failed requests from 0 to 1`,
        'garbage'
      );
    }
    errors = Math.round(Math.min(1, errorRate.value) * total);
  } else if (total > 0) {
    throw new MetricError(
      `error-rate-query (${track}): returned no value while requests-query counted ${total} requests`,
      'garbage'
    );
  }
  let p99Ms: number | undefined;
  if (p99.kind === 'value' && !Number.isNaN(p99.value)) {
    if (p99.value < 0) {
      throw new MetricError(
        `latency-p99-query (${track}): returned ${p99.value}; expected seconds`,
        'garbage'
      );
    }
    p99Ms = p99.value * 1000;
  }
  const values: Record<string, number> = {};
  checks.forEach((check, i) => {
    const answer = extra[i];
    if (answer?.kind === 'value' && !Number.isNaN(answer.value)) values[check.name] = answer.value;
  });
  return {
    requests: total,
    errors,
    ...(p99Ms !== undefined ? { p99Ms } : {}),
    ...(checks.length > 0 ? { extra: values } : {})
  };
}

/** The Prometheus provider's module: its inputs, their rules, how reports name it and its advice. */
export const prometheusProvider = defineMetricProvider({
  type: 'prometheus',
  description: 'queries over each window, per track',
  inputs: {
    'prometheus-url': httpUrl().optional(),
    'prometheus-headers': headerLines().optional(),
    'error-rate-query': queryTemplate().optional(),
    'latency-p99-query': queryTemplate().optional(),
    'requests-query': queryTemplate().optional(),
    'extra-checks': extraCheckLines().optional()
  },
  secretInputs: { 'prometheus-url': urlCredentials, 'prometheus-headers': headerSecretValues },
  spec: prometheusSpecSchema,
  checkInputs(_values, check) {
    check.need('prometheus-url', 'the base URL of Prometheus, e.g. http://prometheus:9090');
  },
  toSpec: (values) => ({
    type: 'prometheus',
    url: values['prometheus-url']!,
    headers: values['prometheus-headers'] ?? {},
    queries: {
      requests: values['requests-query'] ?? DEFAULT_REQUESTS_QUERY,
      errorRate: values['error-rate-query'] ?? DEFAULT_ERROR_RATE_QUERY,
      latencyP99: values['latency-p99-query'] ?? DEFAULT_LATENCY_P99_QUERY
    },
    extraChecks: values['extra-checks'] ?? []
  }),
  create: createPrometheusProvider,
  describe: (spec) => ({
    source: `Prometheus at ${displayUrl(spec.url)}`,
    extraChecks: spec.extraChecks.map((c) => `${c.name} ${c.operator} ${c.threshold}`)
  }),
  advice: {
    tooFewRequests:
      'Too few requests to judge: give the step a longer `interval` or more weight, or lower `min-requests`; at low traffic the probe provider sends its own requests.',
    noData:
      'The metric source failed to answer or answered something unusable: check that Prometheus is up and that the queries return one number per track. The step never promotes without data.'
  }
});
