/**
 * The canary-step inputs: one zod schema whose keys are exactly the action.yml input names. The
 * router and metric inputs are core's shared fragments (rollback uses the same names). Defaults
 * here equal action.yml's (a test checks), so local runs behave as on GitHub.
 */
import { z } from 'zod';
import { STEPS_HINT, parseSteps, canaryHistoryInput } from '@deploy-actions/core/canary';
import {
  headerLines,
  headerSecretValues,
  httpUrl,
  decimal,
  duration,
  integer,
  oneOf,
  readInputs
} from '@deploy-actions/core/inputs';
import {
  checkMetricProviderInputs,
  metricProviderInputs,
  metricProviderSecretInputs
} from '@deploy-actions/core/metrics';
import { urlCredentials } from '@deploy-actions/core/redact';
import { checkTrafficRouterInputs, trafficRouterInputs } from '@deploy-actions/core/traffic';

const steps = z.string().transform((value, ctx): number[] => {
  const weights = parseSteps(value);
  if (!weights) {
    ctx.addIssue({ code: 'custom', message: STEPS_HINT });
    return z.NEVER;
  }
  return weights;
});

const policy = oneOf(['rollback', 'fail'] as const);

export const canaryStepSchema = z
  .object({
    weight: integer({ min: 0, max: 100 }).optional(),
    steps: steps.optional(),
    duration: duration({ min: 1000, max: 6 * 3_600_000 }).prefault('5m'),
    interval: duration({ min: 1000, max: 3_600_000 }).prefault('30s'),
    ...trafficRouterInputs,
    ...metricProviderInputs,
    'max-error-rate-delta': decimal({ min: 0, max: 100 }).prefault('1'),
    'max-p99-ratio': decimal({ min: 1, max: 100 }).prefault('1.2'),
    'min-p99-delta': duration({ max: 60_000 }).prefault('5ms'),
    'min-requests': integer({ min: 1, max: 1_000_000_000 }).prefault('50'),
    'failure-limit': integer({ min: 0, max: 1000 }).prefault('1'),
    'inconclusive-limit': integer({ min: 0, max: 1000 }).prefault('1'),
    'on-failure': policy.prefault('rollback'),
    'on-inconclusive': policy.prefault('rollback'),
    history: canaryHistoryInput().optional(),
    'canary-health-url': httpUrl().optional(),
    'canary-health-headers': headerLines().optional()
  })
  .superRefine((values, ctx) => {
    if (values.weight === undefined && values.steps === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['weight'],
        message: 'a canary weight from 0 to 100 (or give steps instead: one of the two is required)'
      });
    } else if (values.weight !== undefined && values.steps !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['steps'],
        message: 'nothing when weight is given (give weight or steps, not both)'
      });
    }
    if (values.duration < values.interval) {
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        message: `at least the interval (${values.interval / 1000}s): a weight needs one measurement`
      });
    }
    checkTrafficRouterInputs(values, ctx);
    checkMetricProviderInputs(values, ctx);
    if (values['canary-health-headers'] !== undefined && values['canary-health-url'] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['canary-health-headers'],
        message: 'nothing unless canary-health-url is given (they are sent with its requests)'
      });
    }
    if (values.metrics === 'probe') {
      const perMeasurement = Math.floor((values['probe-rps'] * values.interval) / 1000);
      if (perMeasurement < values['min-requests']) {
        ctx.addIssue({
          code: 'custom',
          path: ['min-requests'],
          message: `at most ${perMeasurement}: probe-rps × interval sends only ${perMeasurement} requests per track per measurement, so every measurement would be inconclusive (or raise probe-rps or interval)`
        });
      }
    }
  });

export type CanaryStepInputs = z.output<typeof canaryStepSchema>;

/** Reads and validates every input, masking URL credentials and header values first. */
export function readCanaryStepInputs(
  getInput: (name: string) => string,
  setSecret: (value: string) => void
): CanaryStepInputs {
  return readInputs(canaryStepSchema, getInput, {
    setSecret,
    secrets: {
      ...metricProviderSecretInputs,
      'canary-health-url': urlCredentials,
      'canary-health-headers': headerSecretValues
    }
  });
}
