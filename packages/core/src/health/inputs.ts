/**
 * The health inputs health-gate and rollback share: one fragment, with its keys as health-gate
 * names them or with a prefix (rollback's `health-url`, `health-interval`, …; `health-path` is
 * already prefixed). Each action gives its own defaults for the timing inputs, since a rollback
 * verifies a version that was serving a moment ago and waits less.
 */
import { z } from 'zod';
import { duration, headerLines, httpUrl, integer, splitLines, urlPath } from '../inputs/fragments.ts';
import type { GateSettings } from './gate.ts';
import type { ProbeTarget } from './probe.ts';
import { SMOKE_HINT, parseSmokeLine, type SmokeCheck } from './smoke.ts';

/** A release version as /health reports it. */
export const versionInput = () =>
  z.string().regex(/^[^\s]{1,128}$/, 'a version without spaces, such as 1.4.0 or v1.4.0-rc.1');

/** A git commit sha, abbreviated or full. */
export const commitShaInput = () =>
  z.string().regex(/^[0-9a-fA-F]{7,40}$/, 'a git commit sha: 7 to 40 hexadecimal characters');

/** Smoke checks, one `METHOD PATH STATUS [text]` a line; a line that does not fit is named. */
export const smokeChecksInput = () =>
  z.string().transform((value, ctx): SmokeCheck[] => {
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

/** The timing defaults an action gives its health inputs, as duration strings. */
export interface HealthInputDefaults {
  interval: string;
  startPeriod: string;
  deadline: string;
}

function healthFragment(defaults: HealthInputDefaults) {
  return {
    url: httpUrl(),
    'health-path': urlPath().prefault('/health'),
    // No default in the schema: action.yml's `/ready` applies on the runner, and an empty value disables it.
    'ready-path': urlPath().optional(),
    'expected-version': versionInput().optional(),
    'expected-sha': commitShaInput().optional(),
    interval: duration({ min: 100, max: 600_000 }).prefault(defaults.interval),
    timeout: duration({ min: 100, max: 300_000 }).prefault('5s'),
    'start-period': duration({ max: 3_600_000 }).prefault(defaults.startPeriod),
    retries: integer({ min: 1, max: 1000 }).prefault('3'),
    'success-threshold': integer({ min: 1, max: 1000 }).prefault('2'),
    deadline: duration({ min: 1000, max: 6 * 3_600_000 }).prefault(defaults.deadline),
    smoke: smokeChecksInput().optional(),
    headers: headerLines().optional()
  };
}

type HealthFragment = ReturnType<typeof healthFragment>;

/** A health input's name under a prefix: `url` → `health-url`; `health-path` stays. */
export type PrefixedHealthName<P extends string, K extends string> = K extends `health-${string}`
  ? K
  : `${P}${K}`;

export type Prefixed<P extends string, T> = {
  [K in keyof T as K extends string ? PrefixedHealthName<P, K> : never]: T[K];
};

/** The values of the health inputs once parsed, under health-gate's names. */
export type HealthInputValues = z.output<z.ZodObject<HealthFragment>>;

function prefixedName(prefix: string, name: string): string {
  return name.startsWith('health-') ? name : `${prefix}${name}`;
}

/** The health inputs' zod schemas, keyed by their names under `prefix` ('' for health-gate). */
export function healthInputs<P extends string>(prefix: P, defaults: HealthInputDefaults) {
  return Object.fromEntries(
    Object.entries(healthFragment(defaults)).map(([name, schema]) => [prefixedName(prefix, name), schema])
  ) as Prefixed<P, HealthFragment>;
}

/**
 * Where and how the gate probes, from the parsed health inputs under `prefix`: target, gate
 * settings and smoke checks.
 */
export function toHealthCheck<P extends string>(
  prefix: P,
  values: Prefixed<P, HealthInputValues>
): { target: ProbeTarget; gate: GateSettings; smoke: SmokeCheck[] } {
  const named = values as Record<string, unknown>;
  const value = <K extends keyof HealthInputValues>(name: K) =>
    named[prefixedName(prefix, name)] as HealthInputValues[K];
  const target: ProbeTarget = {
    url: value('url'),
    healthPath: value('health-path'),
    headers: value('headers') ?? {},
    timeoutMs: value('timeout')
  };
  const readyPath = value('ready-path');
  const expectedVersion = value('expected-version');
  const expectedSha = value('expected-sha');
  if (readyPath !== undefined) target.readyPath = readyPath;
  if (expectedVersion !== undefined) target.expectedVersion = expectedVersion;
  if (expectedSha !== undefined) target.expectedSha = expectedSha;
  return {
    target,
    gate: {
      intervalMs: value('interval'),
      startPeriodMs: value('start-period'),
      retries: value('retries'),
      successThreshold: value('success-threshold'),
      deadlineMs: value('deadline')
    },
    smoke: value('smoke') ?? []
  };
}
