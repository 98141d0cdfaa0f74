/**
 * The rollback inputs: one zod schema whose keys are exactly the action.yml input names. The router
 * inputs are core's shared fragments (same names and rules as canary-step), the health options are
 * health-gate's with a `health-` prefix. Defaults here equal action.yml's (a test checks).
 */
import { z } from 'zod';
import {
  ROUTER_TYPES,
  boolean,
  checkTrafficRouterInputs,
  commandLineArgs,
  duration,
  headerLines,
  headerSecretValues,
  httpUrl,
  integer,
  oneOf,
  readInputs,
  trafficRouterInputs,
  urlCredentials,
  urlPath
} from '@deploy-actions/core';

const version = z.string().regex(/^[^\s]{1,128}$/, 'a version without spaces, such as 1.4.0 or v1.4.0-rc.1');
const sha = z.string().regex(/^[0-9a-fA-F]{7,40}$/, 'a git commit sha: 7 to 40 hexadecimal characters');

export const rollbackSchema = z
  .object({
    'github-token': z.string().optional(),
    environment: z
      .string()
      .regex(/^[^\s/][^\n\r]{0,254}$/, 'a GitHub environment name such as production (one line)'),
    version: version.optional(),
    reason: z.string().max(1000, 'a reason of at most 1000 characters'),
    ...trafficRouterInputs,
    // Rollback moves traffic only when a router is given.
    router: oneOf(ROUTER_TYPES).optional(),
    'redeploy-command': commandLineArgs().optional(),
    'migrate-downgrade': boolean().prefault('false'),
    'working-directory': z.string().prefault('.'),
    'alembic-config': z.string().prefault('alembic.ini'),
    python: z.string().prefault('python3'),
    'allow-destructive-downgrade': boolean().prefault('false'),
    'database-url': z.string().optional(),
    'health-url': httpUrl().optional(),
    'health-path': urlPath().prefault('/health'),
    // No default in the schema: action.yml's `/ready` applies on the runner, and an empty value disables it.
    'health-ready-path': urlPath().optional(),
    'health-expected-version': version.optional(),
    'health-expected-sha': sha.optional(),
    'health-interval': duration({ min: 100, max: 600_000 }).prefault('2s'),
    'health-timeout': duration({ min: 100, max: 300_000 }).prefault('5s'),
    'health-start-period': duration({ max: 3_600_000 }).prefault('5s'),
    'health-retries': integer({ min: 1, max: 1000 }).prefault('3'),
    'health-success-threshold': integer({ min: 1, max: 1000 }).prefault('2'),
    'health-deadline': duration({ min: 1000, max: 6 * 3_600_000 }).prefault('2m'),
    'health-headers': headerLines().optional(),
    'notify-webhook': httpUrl().optional(),
    'notify-format': oneOf(['slack', 'teams', 'json'] as const).prefault('slack'),
    'notify-mention': z.string().max(200, 'at most 200 characters').optional(),
    'recovery-window': duration({ min: 1000, max: 3_600_000 }).optional(),
    'create-incident': boolean().prefault('true')
  })
  .superRefine((values, ctx) => {
    checkTrafficRouterInputs(values, ctx);
    if (values['migrate-downgrade']) {
      // Refused rather than pretended: the analysed alembic downgrade is not built yet.
      ctx.addIssue({
        code: 'custom',
        path: ['migrate-downgrade'],
        message:
          'false: the database downgrade is not supported yet by this action (run migrate-dry-run and alembic downgrade yourself)'
      });
    }
    if (values['recovery-window'] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['recovery-window'],
        message: 'nothing: watching the error rate return to baseline is not supported yet by this action'
      });
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

/** Reads and validates every input, masking the token, webhook, database URL and header values first. */
export function readRollbackInputs(
  getInput: (name: string) => string,
  setSecret: (value: string) => void
): RollbackInputs {
  return readInputs(rollbackSchema, getInput, {
    setSecret,
    secrets: {
      'github-token': 'whole',
      'notify-webhook': 'whole',
      'database-url': 'whole',
      'health-headers': headerSecretValues,
      'health-url': urlCredentials
    }
  });
}
