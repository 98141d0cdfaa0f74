/**
 * The preflight-validate inputs: one zod schema whose keys are exactly the action.yml input names.
 * Defaults here equal action.yml's (a test checks), except the two that are workflow expressions
 * (`github-token`, `sha`): outside a runner those come from the environment.
 */
import { z } from 'zod';
import { parseDuration } from '@deploy-actions/core/inputs';
import { duration, oneOf, readInputs, splitList } from '@deploy-actions/core/inputs';
import {
  PREFLIGHT_CHECK_IDS,
  SEVERITY_THRESHOLDS,
  type PreflightCheckId
} from '@deploy-actions/core/preflight';
import {
  FREEZE_WINDOWS_HINT,
  HOLIDAYS_HINT,
  HOLIDAY_CALENDAR_HINT,
  HOLIDAY_CALENDAR_PATTERN,
  isValidTimeZone,
  parseDateRange,
  parseFreezeWindows,
  type FreezeRule,
  type HolidayRange
} from '@deploy-actions/core/window';

/** A custom transform: `parse` returns the value, or a message saying what was expected. */
function parsed<T>(parse: (value: string) => T | { problem: string }) {
  return z.string().transform((value, ctx): T => {
    const result = parse(value);
    if (typeof result === 'object' && result !== null && 'problem' in result) {
      ctx.addIssue({ code: 'custom', message: (result as { problem: string }).problem });
      return z.NEVER;
    }
    return result as T;
  });
}

/** Check names to ignore: `*` and `?` are wildcards, everything else is literal. */
const ignorePatterns = () =>
  parsed((value) => {
    const patterns = splitList(value);
    const everything = patterns.filter((p) => /^[*?]+$/.test(p));
    return everything.length > 0
      ? {
          problem:
            'check names or globs such as codecov/* (a pattern matching every check ignores CI: remove `ci` from `checks` instead)'
        }
      : patterns;
  });

function balanced(pattern: string): boolean {
  let square = 0;
  let curly = 0;
  for (const char of pattern) {
    if (char === '[') square++;
    if (char === ']') square--;
    if (char === '{') curly++;
    if (char === '}') curly--;
    if (square < 0 || curly < 0) return false;
  }
  return square === 0 && curly === 0;
}

/** Globs of report files: at least one file each must match (checked when the reports are read). */
const reportGlobs = () =>
  parsed((value) => {
    const patterns = splitList(value);
    const bad = patterns.filter((p) => p.startsWith('!') || !balanced(p));
    return bad.length > 0
      ? {
          problem: `globs of report files such as reports/trivy-*.json (negations with ! are not supported; brackets must balance): ${bad.map((b) => JSON.stringify(b)).join(', ')}`
        }
      : patterns;
  });
const labels = () =>
  parsed((value) => {
    const items = splitList(value);
    return items.length > 0 ? items : { problem: 'at least one label name' };
  });

const token = z
  .string()
  .regex(/^[^\s]+$/, 'a GitHub token without spaces')
  .refine(
    (value) => !value.includes('${{'),
    'a GitHub token: the expression `${{ github.token }}` is expanded only by the runner'
  );

const environment = z
  .string()
  .regex(/^[^\r\n]{1,255}$/, 'an environment name of 1 to 255 characters on one line')
  .refine(
    (value) => !value.includes('${{'),
    'an environment name (an unexpanded `${{ … }}` expression was given)'
  );

const sha = parsed<string>((value) =>
  /^([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/.test(value)
    ? value.toLowerCase()
    : { problem: 'a full commit sha of 40 hexadecimal characters (what `${{ github.sha }}` gives)' }
);

/** Git's rules for branch names, enough to catch typos and injected text. */
const branch = parsed<string>((value) =>
  /^(?!\/|.*\/$|.*\/\/|.*\.\.|.*@\{|.*\.lock$)[^\s~^:?*[\\]+$/.test(value) && !/\p{Cc}/u.test(value)
    ? value.replace(/^refs\/heads\//, '')
    : { problem: 'a branch name such as main or release/1.x' }
);

const checks = parsed<PreflightCheckId[]>((value) => {
  const ids = splitList(value);
  const unknown = ids.filter((id) => !(PREFLIGHT_CHECK_IDS as readonly string[]).includes(id));
  if (unknown.length > 0)
    return {
      problem: `check ids from ${PREFLIGHT_CHECK_IDS.join(', ')} (unknown: ${unknown.map((u) => JSON.stringify(u)).join(', ')})`
    };
  if (ids.length === 0) return { problem: `at least one check id of ${PREFLIGHT_CHECK_IDS.join(', ')}` };
  return [...new Set(ids)] as PreflightCheckId[];
});

const timezone = parsed<string>((value) =>
  isValidTimeZone(value)
    ? value
    : { problem: 'an IANA time zone such as UTC, America/New_York or Europe/Berlin' }
);

const freezeWindows = parsed<FreezeRule[]>((value) => {
  const rules = parseFreezeWindows(value);
  return 'error' in rules ? { problem: `${FREEZE_WINDOWS_HINT} (${rules.error})` } : rules;
});

const holidays = parsed<HolidayRange[]>((value) => {
  const items = splitList(value);
  const ranges = items.map(parseDateRange);
  const bad = items.filter((_, index) => ranges[index] === undefined);
  return bad.length > 0
    ? { problem: `${HOLIDAYS_HINT} (not a date: ${bad.map((b) => JSON.stringify(b)).join(', ')})` }
    : (ranges as HolidayRange[]);
});

const holidayCalendar = parsed<string>((value) =>
  HOLIDAY_CALENDAR_PATTERN.test(value) ? value.toUpperCase() : { problem: HOLIDAY_CALENDAR_HINT }
);

/** A planned time: an instant (with `Z` or an offset), or a local time read in `timezone`. */
export type WindowAt =
  { instantMs: number; text: string } | { date: string; minuteOfDay: number; text: string };

const windowAt = parsed<WindowAt>((value) => {
  const match = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    value
  );
  const problem = {
    problem: 'an ISO date and time such as 2026-03-06T16:00 (in `timezone`) or 2026-03-06T21:00:00Z'
  };
  if (!match) return problem;
  const [, date, hh, mm, , zone] = match;
  const range = parseDateRange(date!);
  if (!range || Number(hh) > 23 || Number(mm) > 59) return problem;
  if (zone === undefined) return { date: date!, minuteOfDay: Number(hh) * 60 + Number(mm), text: value };
  const instantMs = Date.parse(value.replace(' ', 'T'));
  return Number.isNaN(instantMs) ? problem : { instantMs, text: value };
});

const stagingEnvironment = parsed<string | null>((value) =>
  /^none$/i.test(value)
    ? null
    : /^[^\r\n]{1,255}$/.test(value)
      ? value
      : { problem: 'an environment name, or none' }
);

/** A secret's age limit: days are the natural unit (`90d`), hours or minutes work too. */
const age = (what: string, max: number) =>
  parsed<number>((value) => {
    const ms = parseDuration(value);
    return ms !== undefined && ms <= max
      ? ms
      : { problem: `${what}: a duration such as 1h, 12h, 7d or 1d12h, at most ${max / 86_400_000}d` };
  });

const overrideReason = z
  .string()
  .min(10, 'a reason of at least 10 characters that a reviewer can judge later')
  .max(1000, 'a reason of at most 1000 characters');

export const preflightSchema = z.object({
  'github-token': token.optional(),
  environment,
  sha: sha.optional(),
  'base-branch': branch.prefault('main'),
  checks: checks.prefault('ci,up-to-date,security,incidents,window,reviewers'),
  'ci-wait': duration({ max: 6 * 3_600_000 }).prefault('10m'),
  'ci-ignore': ignorePatterns().optional(),
  'trivy-reports': reportGlobs().optional(),
  'pip-audit-reports': reportGlobs().optional(),
  'npm-audit-reports': reportGlobs().optional(),
  'fail-on-severity': oneOf(SEVERITY_THRESHOLDS).prefault('high'),
  'vuln-ignore-file': z.string().optional(),
  'incident-labels': labels().prefault('incident'),
  'incident-severity-labels': labels().prefault('P1,P2'),
  timezone: timezone.prefault('UTC'),
  'freeze-windows': freezeWindows.prefault('Fri 16:00-24:00; Sat; Sun'),
  holidays: holidays.optional(),
  'holiday-calendar': holidayCalendar.optional(),
  'window-at': windowAt.optional(),
  'override-reason': overrideReason.optional(),
  'require-reviewers': oneOf(['auto', 'true', 'false'] as const).prefault('auto'),
  'staging-environment': stagingEnvironment.prefault('staging'),
  'secrets-token': token.optional(),
  'secrets-settle': age('how long a rotated secret settles before a deploy', 30 * 86_400_000).prefault('1h'),
  'secrets-max-age': age(
    'the longest time between rotations, or 0 to only report ages',
    3650 * 86_400_000
  ).prefault('90d')
});

export type PreflightInputs = z.output<typeof preflightSchema>;

/** Reads and validates every input; the tokens are masked before anything else happens. */
export function readPreflightInputs(
  getInput: (name: string) => string,
  setSecret: (value: string) => void
): PreflightInputs {
  return readInputs(preflightSchema, getInput, {
    setSecret,
    secrets: { 'github-token': 'whole', 'secrets-token': 'whole' }
  });
}
