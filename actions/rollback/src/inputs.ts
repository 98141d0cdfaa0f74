/**
 * The rollback inputs: one zod schema whose keys are exactly the action.yml input names. The router
 * and metric inputs are core's shared fragments (same names and rules as canary-step; of the metric
 * inputs, those that measure the stable track), the health inputs are core's health fragment
 * (health-gate's) with a `health-` prefix. Defaults here equal action.yml's (a test checks).
 */
import { z } from 'zod';
import { canaryHistoryInput } from '@deploy-actions/core/canary';
import { healthInputs, versionInput } from '@deploy-actions/core/health';
import {
  boolean,
  databaseUrlSecrets,
  decimal,
  duration,
  headerSecretValues,
  integer,
  oneOf,
  postgresUrl,
  readInputs,
  parseDuration,
  splitLines
} from '@deploy-actions/core/inputs';
import { checkMetricProviderInputs, metricProviderInputs } from '@deploy-actions/core/metrics';
import { urlCredentials } from '@deploy-actions/core/redact';
import {
  DASHBOARD_URL_HINT,
  INCIDENT_ASSIGN,
  isDashboardUrlTemplate,
  NOTIFY_FORMATS,
  NOTIFY_TARGET_HINT,
  parseNotifyTarget,
  type NotifyFormat
} from '@deploy-actions/core/rollback';
import {
  ROUTER_TYPES,
  checkTrafficRouterInputs,
  commandLineArgs,
  trafficRouterInputs
} from '@deploy-actions/core/traffic';

/** health-gate's probe inputs, `health-` prefixed; the rollback waits less for a version that served a moment ago. */
const rollbackHealthInputs = healthInputs('health-', { interval: '2s', startPeriod: '5s', deadline: '2m' });
/** The metric inputs the recovery watch uses: it measures the restored (stable) version only. */
const recoveryMetricInputs = {
  metrics: metricProviderInputs.metrics,
  'probe-stable-url': metricProviderInputs['probe-stable-url'],
  'probe-rps': metricProviderInputs['probe-rps'],
  'prometheus-url': metricProviderInputs['prometheus-url'],
  'prometheus-headers': metricProviderInputs['prometheus-headers'],
  'error-rate-query': metricProviderInputs['error-rate-query'],
  'requests-query': metricProviderInputs['requests-query']
};
/** The webhooks of notify-webhook, one a line; a line without a format takes notify-format's. */
const notifyTargets = z.string().transform((value, ctx) => {
  const targets: { format?: NotifyFormat; url: string }[] = [];
  splitLines(value).forEach((line, index) => {
    const target = parseNotifyTarget(line);
    if (target) targets.push(target);
    // The line is a secret: it is named by its number only.
    else ctx.addIssue({ code: 'custom', message: `${NOTIFY_TARGET_HINT} (line ${index + 1} does not fit)` });
  });
  return targets;
});

/** The secret parts of notify-webhook: each URL on its own, so each is masked wherever it shows. */
function notifyWebhookSecrets(raw: string): string[] {
  return [raw, ...splitLines(raw).map((line) => line.split(/\s+/).at(-1)!)];
}

const REVIEW_DUE_HINT = 'a duration such as 2d, 36h or 1d12h (days allowed); 0 for no review checklist';

/** review-due: days and a duration (`2d`, `1d12h`, `36h`), at most 90 days. */
const reviewDue = z.string().transform((value, ctx) => {
  const match = /^(?:(\d+)d)?(.*)$/.exec(value.trim())!;
  const days = Number(match[1] ?? 0);
  const rest = match[2] === '' ? 0 : parseDuration(match[2]!);
  const ms = rest === undefined ? undefined : days * 86_400_000 + rest;
  if (ms === undefined || ms > 90 * 86_400_000) {
    ctx.addIssue({ code: 'custom', message: REVIEW_DUE_HINT });
    return z.NEVER;
  }
  return ms;
});

/** Inputs that only the recovery watch reads: given without recovery-window they do nothing. */
export const RECOVERY_ONLY_INPUTS = [
  'probe-stable-url',
  'prometheus-url',
  'prometheus-headers',
  'error-rate-query',
  'requests-query',
  'history'
] as const;

export const rollbackSchema = z
  .object({
    'github-token': z.string().optional(),
    environment: z
      .string()
      .regex(/^[^\s/][^\n\r]{0,254}$/, 'a GitHub environment name such as production (one line)'),
    version: versionInput().optional(),
    reason: z.string().max(1000, 'a reason of at most 1000 characters').optional(),
    ...trafficRouterInputs,
    // Rollback moves traffic only when a router is given.
    router: oneOf(ROUTER_TYPES).optional(),
    'redeploy-command': commandLineArgs().optional(),
    'migrate-downgrade': boolean().prefault('false'),
    'working-directory': z.string().prefault('.'),
    'alembic-config': z.string().prefault('alembic.ini'),
    python: z.string().prefault('python3'),
    'allow-destructive-downgrade': boolean().prefault('false'),
    'backup-command': commandLineArgs().optional(),
    'backup-timeout': duration({ min: 1000, max: 6 * 3_600_000 }).prefault('30m'),
    'database-url': postgresUrl('postgresql://user@db:5432/app').optional(),
    'downgrade-lock-timeout': duration({ min: 100, max: 600_000 }).prefault('5s'),
    'downgrade-statement-timeout': duration({ min: 1000, max: 6 * 3_600_000 }).prefault('60s'),
    ...rollbackHealthInputs,
    // Without it there is no health step; health-gate's `url` is required.
    'health-url': rollbackHealthInputs['health-url'].optional(),
    'notify-webhook': notifyTargets.optional(),
    'notify-format': oneOf(NOTIFY_FORMATS).prefault('slack'),
    'notify-mention': z.string().max(200, 'at most 200 characters').optional(),
    'recovery-window': duration({ min: 1000, max: 3_600_000 }).optional(),
    'recovery-interval': duration({ min: 1000, max: 600_000 }).prefault('15s'),
    'recovery-max-error-rate': decimal({ min: 0, max: 100 }).prefault('1'),
    'recovery-min-requests': integer({ min: 1, max: 1_000_000_000 }).prefault('20'),
    ...recoveryMetricInputs,
    history: canaryHistoryInput().optional(),
    'create-incident': boolean().prefault('true'),
    'verify-version': boolean().prefault('true'),
    'incident-assign': oneOf(INCIDENT_ASSIGN).prefault('codeowners'),
    'dashboard-url': z.string().refine(isDashboardUrlTemplate, DASHBOARD_URL_HINT).optional(),
    'review-due': reviewDue.prefault('2d')
  })
  .superRefine((values, ctx) => {
    checkTrafficRouterInputs(values, ctx);
    // A database downgrade alone leaves the bad version serving: it is no rollback.
    if (values.router === undefined && values['redeploy-command'] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['router'],
        message:
          'a router (to move traffic back to stable) or a redeploy-command (to redeploy the target): with neither, the rollback would change nothing and still record the target as deployed'
      });
    }
    if (values['migrate-downgrade'] && values['database-url'] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['database-url'],
        message:
          'the URL of the database to downgrade, e.g. postgresql://user@db:5432/app (required when migrate-downgrade is true)'
      });
    }
    if (values['recovery-window'] !== undefined) {
      checkMetricProviderInputs(values, ctx, { stableOnly: true });
      if (values['recovery-interval'] > values['recovery-window']) {
        ctx.addIssue({
          code: 'custom',
          path: ['recovery-interval'],
          message: `at most the recovery-window (${values['recovery-window'] / 1000}s): the watch needs one whole window`
        });
      }
      if (values.metrics === 'probe') {
        const perWindow = Math.floor((values['probe-rps'] * values['recovery-interval']) / 1000);
        if (perWindow < values['recovery-min-requests']) {
          ctx.addIssue({
            code: 'custom',
            path: ['recovery-min-requests'],
            message: `at most ${perWindow}: probe-rps × recovery-interval sends only ${perWindow} requests per window, so no window could show a recovery (or raise probe-rps or recovery-interval)`
          });
        }
      }
    }
    if (values['create-incident'] && values['github-token'] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['github-token'],
        message: 'a token (needed for the deployment history, statuses and the incident issue)'
      });
    }
  });

export type RollbackInputs = z.output<typeof rollbackSchema>;

/**
 * Reads and validates every input, masking the token, webhook, database URL (and its password
 * alone) and header values first.
 */
export function readRollbackInputs(
  getInput: (name: string) => string,
  setSecret: (value: string) => void
): RollbackInputs {
  return readInputs(rollbackSchema, getInput, {
    setSecret,
    secrets: {
      'github-token': 'whole',
      'notify-webhook': notifyWebhookSecrets,
      'database-url': databaseUrlSecrets,
      'health-headers': headerSecretValues,
      'health-url': urlCredentials,
      'probe-stable-url': urlCredentials,
      'prometheus-url': urlCredentials,
      'prometheus-headers': headerSecretValues
    }
  });
}
