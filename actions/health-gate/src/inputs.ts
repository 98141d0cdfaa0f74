/**
 * The health-gate inputs: one zod schema whose keys are exactly the action.yml input names.
 * Defaults here equal action.yml's (a test checks), so local runs behave as on GitHub.
 */
import { z } from 'zod';
import {
  duration,
  headerLines,
  headerSecretValues,
  httpUrl,
  integer,
  parseSmokeLine,
  IMAGE_REFERENCE_HINT,
  isAlembicRevision,
  parseImageLines,
  readInputs,
  splitLines,
  SMOKE_HINT,
  urlCredentials,
  urlPath,
  type SmokeCheck
} from '@deploy-actions/core';

const smokeChecks = z.string().transform((value, ctx): SmokeCheck[] => {
  const checks: SmokeCheck[] = [];
  splitLines(value).forEach((line, index) => {
    const check = parseSmokeLine(line);
    if (check) checks.push(check);
    else
      ctx.addIssue({
        code: 'custom',
        message: `${SMOKE_HINT} (line ${index + 1}, ${JSON.stringify(line)}, does not fit)`
      });
  });
  return checks;
});

const imageLines = z.string().transform((value, ctx): Record<string, string> => {
  const { images, problems } = parseImageLines(splitLines(value));
  if (problems.length > 0)
    ctx.addIssue({ code: 'custom', message: `${IMAGE_REFERENCE_HINT} (${problems.join('; ')})` });
  return images;
});

const version = z.string().regex(/^[^\s]{1,128}$/, 'a version without spaces, such as 1.4.0 or v1.4.0-rc.1');

const sha = z.string().regex(/^[0-9a-fA-F]{7,40}$/, 'a git commit sha: 7 to 40 hexadecimal characters');

export const healthGateSchema = z.object({
  url: httpUrl(),
  'health-path': urlPath().prefault('/health'),
  // No default in the schema: action.yml's `/ready` applies on the runner, and an empty value disables it.
  'ready-path': urlPath().optional(),
  'expected-version': version.optional(),
  'expected-sha': sha.optional(),
  interval: duration({ min: 100, max: 600_000 }).prefault('5s'),
  timeout: duration({ min: 100, max: 300_000 }).prefault('5s'),
  'start-period': duration({ max: 3_600_000 }).prefault('10s'),
  retries: integer({ min: 1, max: 1000 }).prefault('3'),
  'success-threshold': integer({ min: 1, max: 1000 }).prefault('2'),
  deadline: duration({ min: 1000, max: 6 * 3_600_000 }).prefault('5m'),
  'latency-samples': integer({ min: 0, max: 100_000 }).prefault('0'),
  'latency-path': urlPath().optional(),
  'latency-concurrency': integer({ min: 1, max: 256 }).prefault('4'),
  'max-p99': duration({ min: 1, max: 600_000 }).prefault('500ms'),
  smoke: smokeChecks.optional(),
  headers: headerLines().optional(),
  // The deploy record: written to GitHub once the gate decided (see README "Deploy record").
  'record-environment': z
    .string()
    .regex(/^[^\s/][^\n\r]{0,254}$/, 'a GitHub environment name such as production (one line)')
    .optional(),
  'record-version': version.optional(),
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
});

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
