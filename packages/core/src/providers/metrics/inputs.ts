/**
 * The metric inputs as zod fragments, shared by every action that measures the tracks (canary-step,
 * and rollback's recovery window), so the names and rules are the same everywhere. Each provider's
 * own inputs come from its module (registry.ts). Spread `metricProviderInputs` into an action's
 * schema, call `checkMetricProviderInputs` from its superRefine, then `toMetricProviderSpec` on the
 * parsed values.
 */
import type { z } from 'zod';
import { oneOf } from '../../inputs/fragments.ts';
import type { SecretExtractor } from '../../inputs/read-inputs.ts';
import { METRIC_PROVIDERS, METRIC_TYPES, metricProviderModule } from './registry.ts';
import type { MetricProviderSpec } from './spec.ts';

export { extraCheckLines, queryTemplate } from './prometheus.ts';

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** The metric inputs, by their action.yml names. Query templates default to the built-in ones when empty. */
export const metricProviderInputs = {
  metrics: oneOf(METRIC_TYPES).prefault('probe'),
  ...(Object.assign({}, ...METRIC_PROVIDERS.map((provider) => provider.inputs)) as UnionToIntersection<
    (typeof METRIC_PROVIDERS)[number]['inputs']
  >)
};

export type MetricProviderInputs = z.output<z.ZodObject<typeof metricProviderInputs>>;

/** The secret parts of the metric inputs, for readInputs: URL credentials and header values. */
export const metricProviderSecretInputs: Record<string, SecretExtractor> = Object.assign(
  {},
  ...METRIC_PROVIDERS.map((provider) => provider.secretInputs)
);

/**
 * The rules between metric inputs, for an action schema's superRefine: the chosen provider's own
 * rules, and extra checks only with a provider that runs them. Each problem names its input.
 * `stableOnly`: the action measures the stable track alone (rollback), so no canary URL is needed.
 */
export function checkMetricProviderInputs(
  values: MetricProviderInputs,
  ctx: z.RefinementCtx,
  options: { stableOnly?: boolean } = {}
): void {
  const own = values as Record<string, unknown>;
  const provider = metricProviderModule(values.metrics);
  provider.checkInputs(
    values as never,
    {
      need(input, what) {
        if (own[input] === undefined)
          ctx.addIssue({
            code: 'custom',
            path: [input],
            message: `${what} (required when metrics is ${values.metrics})`
          });
      }
    },
    { stableOnly: options.stableOnly ?? false }
  );
  if (!('extra-checks' in provider.inputs) && (values['extra-checks'] ?? []).length > 0) {
    const runners = METRIC_PROVIDERS.filter((p) => 'extra-checks' in p.inputs).map((p) => p.type);
    ctx.addIssue({
      code: 'custom',
      path: ['extra-checks'],
      message: `nothing unless metrics is ${runners.join(' or ')} (it runs the extra checks' queries)`
    });
  }
}

/** The provider spec of validated inputs (after checkMetricProviderInputs). */
export function toMetricProviderSpec(values: MetricProviderInputs): MetricProviderSpec {
  return metricProviderModule(values.metrics).toSpec(values as never);
}
