/**
 * The health-gate inputs: one zod schema whose keys are exactly the action.yml input names. The
 * probe inputs are core's health fragment, shared with rollback. Defaults here equal action.yml's
 * (a test checks), so local runs behave as on GitHub.
 */
import { z } from 'zod';
import { IMAGE_REFERENCE_HINT, isAlembicRevision, parseImageLines } from '@deploy-actions/core/github';
import { MIN_ANSWERED_PER_WINDOW, healthInputs, versionInput } from '@deploy-actions/core/health';
import {
  decimal,
  duration,
  formatDuration,
  headerSecretValues,
  integer,
  readInputs,
  splitLines,
  splitList,
  urlPath
} from '@deploy-actions/core/inputs';
import { urlCredentials } from '@deploy-actions/core/redact';

const imageLines = z.string().transform((value, ctx): Record<string, string> => {
  const { images, problems } = parseImageLines(splitLines(value));
  if (problems.length > 0)
    ctx.addIssue({ code: 'custom', message: `${IMAGE_REFERENCE_HINT} (${problems.join('; ')})` });
  return images;
});

const PATH_LIST_HINT = 'paths starting with /, separated by commas or new lines, e.g. /api/items,/health';

const pathList = z.string().transform((value, ctx): string[] => {
  const paths = splitList(value);
  const bad = paths.find((path) => !/^\/\S*$/.test(path));
  if (paths.length === 0 || bad !== undefined) {
    ctx.addIssue({
      code: 'custom',
      message: bad === undefined ? PATH_LIST_HINT : `${PATH_LIST_HINT} (${JSON.stringify(bad)} is not one)`
    });
    return z.NEVER;
  }
  return paths;
});

export const healthGateSchema = z
  .object({
    ...healthInputs('', { interval: '5s', startPeriod: '10s', deadline: '5m' }),
    'latency-samples': integer({ min: 0, max: 100_000 }).prefault('0'),
    'latency-path': urlPath().optional(),
    'latency-concurrency': integer({ min: 1, max: 256 }).prefault('4'),
    'max-p99': duration({ min: 1, max: 600_000 }).prefault('500ms'),

    // The post-deploy watch.
    watch: duration({ max: 6 * 3_600_000 }).prefault('0'),
    'watch-paths': pathList.optional(),
    'watch-interval': duration({ min: 1000, max: 3_600_000 }).prefault('30s'),
    'watch-max-error-rate': decimal({ min: 0, max: 100 }).prefault('1'),
    'watch-rps': decimal({ min: 0.1, max: 100 }).prefault('5'),

    // The deploy record: written to GitHub once the gate decided (see README "Deploy record").
    'record-environment': z
      .string()
      .regex(/^[^\s/][^\n\r]{0,254}$/, 'a GitHub environment name such as production (one line)')
      .optional(),
    'record-version': versionInput().optional(),
    'record-sha': z
      .string()
      .regex(/^[0-9a-fA-F]{40}$/, 'the full commit sha deployed: 40 hexadecimal characters')
      .optional(),
    'record-images': imageLines.optional(),
    'record-alembic-head': z
      .string()
      .refine(isAlembicRevision, 'an alembic revision id such as ae1027a6acf')
      .optional(),
    'github-token': z
      .string()
      .regex(/^[^\r\n]+$/, 'a token on one line')
      .optional()
  })
  .superRefine((values, ctx) => {
    checkWatchInputs(values, ctx);
  });

/** The rules between the watch inputs and the rest; each problem names its input. */
function checkWatchInputs(
  values: {
    watch: number;
    'watch-interval': number;
    'watch-rps': number;
    deadline: number;
    interval: number;
    timeout: number;
    'success-threshold': number;
  },
  ctx: z.RefinementCtx
): void {
  const watch = values.watch;
  if (watch === 0) return;
  if (values['watch-interval'] > watch) {
    ctx.addIssue({
      code: 'custom',
      path: ['watch-interval'],
      message: `at most the watch (${formatDuration(watch)}): one window cannot be longer than the whole watch`
    });
  }
  const perWindow = (values['watch-rps'] * values['watch-interval']) / 1000;
  if (perWindow < MIN_ANSWERED_PER_WINDOW) {
    ctx.addIssue({
      code: 'custom',
      path: ['watch-rps'],
      message: `at least ${Math.ceil(((MIN_ANSWERED_PER_WINDOW * 1000) / values['watch-interval']) * 10) / 10}: watch-rps × watch-interval must send ${MIN_ANSWERED_PER_WINDOW} requests a window, or every window is inconclusive (or raise watch-interval)`
    });
  }
  // The fastest possible gate: success-threshold passing probes `interval` apart, the last one
  // allowed its whole `timeout`. The watch must fit in what the deadline leaves after it.
  const fastestGate = (values['success-threshold'] - 1) * values.interval + values.timeout;
  if (watch + fastestGate > values.deadline) {
    ctx.addIssue({
      code: 'custom',
      path: ['watch'],
      message: `at most ${formatDuration(wholeSeconds(values.deadline - fastestGate))}: deadline (${formatDuration(values.deadline)}) covers the watch too, after the fastest gate (${values['success-threshold']} passing probe${values['success-threshold'] > 1 ? 's' : ''} every ${formatDuration(values.interval)} with timeout ${formatDuration(values.timeout)}: ${formatDuration(fastestGate)}); raise deadline or shorten watch`
    });
  }
}

/** Rounded down, so the limit a message shows is one the inputs accept. */
function wholeSeconds(ms: number): number {
  return Math.max(0, Math.floor(ms / 1000) * 1000);
}

export type HealthGateInputs = z.output<typeof healthGateSchema>;

/** Reads and validates every input, masking header values, URL credentials and the token first. */
export function readHealthGateInputs(
  getInput: (name: string) => string,
  setSecret: (value: string) => void
): HealthGateInputs {
  return readInputs(healthGateSchema, getInput, {
    setSecret,
    secrets: { headers: headerSecretValues, url: urlCredentials, 'github-token': 'whole' }
  });
}
