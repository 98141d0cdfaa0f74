/** The shared vocabulary of the preflight checks. */

/** Every check preflight-validate knows, in the order the report lists them. */
export const PREFLIGHT_CHECK_IDS = [
  'ci',
  'up-to-date',
  'security',
  'incidents',
  'window',
  'reviewers',
  'staging-verified',
  'secrets'
] as const;
export type PreflightCheckId = (typeof PREFLIGHT_CHECK_IDS)[number];

/** The checks that read the GitHub API with `github-token` (`secrets` reads it with `secrets-token`). */
export const PREFLIGHT_API_CHECKS: readonly PreflightCheckId[] = [
  'ci',
  'up-to-date',
  'incidents',
  'reviewers',
  'staging-verified'
];

/**
 * `pass` and `fail` are verdicts; `warn` passes but wants a look (findings below the threshold,
 * an overridden block); `skip` did not run (nothing to check, or not applicable here). Only `fail`
 * fails the step.
 */
export type PreflightCheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

/** A link shown next to a check's reason. */
export interface PreflightLink {
  title: string;
  url: string;
}

/** One entry of the report: `{id, status, reason, details}` (the contract), plus links. */
export interface PreflightCheckResult<Details extends object = object> {
  id: PreflightCheckId;
  status: PreflightCheckStatus;
  /** One sentence a person understands without the details. */
  reason: string;
  details: Details;
  links?: PreflightLink[];
  /** For a fail or warn: what a person should do about it. */
  next?: string;
}

/** `production`, `prod-eu`, `Production`: the names that get production rules under `auto`. */
export function isProductionLike(environment: string): boolean {
  return /^prod/i.test(environment);
}

/** Singular or plural: `1 check`, `2 checks`. */
export function countNoun(count: number, word: string, pluralWord = `${word}s`): string {
  return `${count} ${count === 1 ? word : pluralWord}`;
}
