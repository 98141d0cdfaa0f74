/**
 * The metric inputs as zod fragments, shared by every action that measures the tracks (canary-step,
 * and rollback's recovery window), so the names and rules are the same everywhere. Spread
 * `metricProviderInputs` into an action's schema, call `checkMetricProviderInputs` from its
 * superRefine, then `toMetricProviderSpec` on the parsed values.
 */
import { z } from 'zod';
import {
  decimal,
  headerLines,
  headerSecretValues,
  httpUrl,
  oneOf,
  splitLines
} from '../../inputs/fragments.ts';
import type { SecretExtractor } from '../../inputs/read-inputs.ts';
import { urlCredentials } from '../../redact.ts';
import {
  DEFAULT_ERROR_RATE_QUERY,
  DEFAULT_LATENCY_P99_QUERY,
  DEFAULT_REQUESTS_QUERY,
  EXTRA_CHECK_HINT,
  TEMPLATE_HINT,
  parseExtraCheckLine,
  parseQueryTemplate,
  type ExtraCheck
} from './promql.ts';
import type { MetricProviderSpec } from './spec.ts';

export const METRIC_TYPES = ['probe', 'prometheus'] as const;

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

/** The metric inputs, by their action.yml names. Query templates default to the built-in ones when empty. */
export const metricProviderInputs = {
  metrics: oneOf(METRIC_TYPES).prefault('probe'),
  'probe-canary-url': httpUrl().optional(),
  'probe-stable-url': httpUrl().optional(),
  'probe-rps': decimal({ min: 0.1, max: 1000 }).prefault('10'),
  'prometheus-url': httpUrl().optional(),
  'prometheus-headers': headerLines().optional(),
  'error-rate-query': queryTemplate().optional(),
  'latency-p99-query': queryTemplate().optional(),
  'requests-query': queryTemplate().optional(),
  'extra-checks': extraCheckLines().optional()
};

export type MetricProviderInputs = z.output<z.ZodObject<typeof metricProviderInputs>>;

/** The secret parts of the metric inputs, for readInputs: URL credentials and header values. */
export const metricProviderSecretInputs: Record<string, SecretExtractor> = {
  'probe-canary-url': urlCredentials,
  'probe-stable-url': urlCredentials,
  'prometheus-url': urlCredentials,
  'prometheus-headers': headerSecretValues
};

/**
 * The rules between metric inputs, for an action schema's superRefine. Each problem names its input.
 * `stableOnly`: the action measures the stable track alone (rollback), so no canary URL is needed.
 */
export function checkMetricProviderInputs(
  values: MetricProviderInputs,
  ctx: z.RefinementCtx,
  options: { stableOnly?: boolean } = {}
): void {
  const need = (input: keyof MetricProviderInputs, what: string) => {
    if (values[input] === undefined)
      ctx.addIssue({
        code: 'custom',
        path: [input],
        message: `${what} (required when metrics is ${values.metrics})`
      });
  };
  if (values.metrics === 'probe') {
    if (!options.stableOnly)
      need(
        'probe-canary-url',
        'the URL the probe requests on the canary, e.g. http://10.0.0.12:8000/api/items'
      );
    need(
      'probe-stable-url',
      'the URL the probe requests on the stable version, e.g. http://10.0.0.11:8000/api/items'
    );
    if ((values['extra-checks'] ?? []).length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['extra-checks'],
        message: 'nothing unless metrics is prometheus (extra checks are PromQL queries)'
      });
    }
  } else {
    need('prometheus-url', 'the base URL of Prometheus, e.g. http://prometheus:9090');
  }
}

/** The provider spec of validated inputs (after checkMetricProviderInputs). */
export function toMetricProviderSpec(values: MetricProviderInputs): MetricProviderSpec {
  if (values.metrics === 'probe') {
    return {
      type: 'probe',
      ...(values['probe-canary-url'] !== undefined ? { canaryUrl: values['probe-canary-url'] } : {}),
      stableUrl: values['probe-stable-url']!,
      rps: values['probe-rps']
    };
  }
  return {
    type: 'prometheus',
    url: values['prometheus-url']!,
    headers: values['prometheus-headers'] ?? {},
    queries: {
      requests: values['requests-query'] ?? DEFAULT_REQUESTS_QUERY,
      errorRate: values['error-rate-query'] ?? DEFAULT_ERROR_RATE_QUERY,
      latencyP99: values['latency-p99-query'] ?? DEFAULT_LATENCY_P99_QUERY
    },
    extraChecks: values['extra-checks'] ?? []
  };
}
