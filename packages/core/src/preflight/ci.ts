/**
 * The `ci` check: every check run and commit status on the commit must have succeeded. Pending
 * ones are waited for up to `ci-wait`, polling with exponential backoff (GitHub's API budget is
 * shared by every job of the repository). The current workflow run's own checks are ignored: the
 * job running this step is itself an unfinished check on the commit.
 */
import type { Clock } from '../clock.ts';
import type { CheckRun, CommitStatus, GitHubClient } from '../github/client.ts';
import { backoffDelay } from '../http/retry.ts';
import { formatDuration } from '../inputs/duration.ts';
import { neutralise, type Logger } from '../logger.ts';
import { countNoun, type PreflightCheckResult } from './types.ts';

export type CiEntryState = 'success' | 'failure' | 'pending' | 'ignored';

export interface CiEntry {
  kind: 'check-run' | 'status';
  name: string;
  state: CiEntryState;
  /** What GitHub says: `failure`, `in_progress`, `success`, … */
  detail: string;
  url?: string;
  /** Why an entry does not count. */
  ignoredBecause?: string;
}

/** How the current run's checks are recognised (docs/adrs/0005). */
export interface OwnRun {
  runId?: number;
  /** The run's check suite, when the workflow run could be read (`actions: read`). */
  checkSuiteId?: number;
}

/** Check conclusions that count as passed; every other conclusion (and none) fails. */
const PASSING_CONCLUSIONS = new Set(['success', 'neutral', 'skipped']);

/** A `*`/`?` glob over a whole check name; `/` is an ordinary character in names. */
export function nameGlob(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

function linksToRun(url: string | null | undefined, runId: number | undefined): boolean {
  if (!url || runId === undefined) return false;
  return new RegExp(`/actions/runs/${runId}(?:[/?#]|$)`).test(url);
}

/** Why a check run belongs to the current workflow run, or undefined. */
export function ownRunReason(run: CheckRun, own: OwnRun): string | undefined {
  if (own.checkSuiteId !== undefined && run.checkSuiteId === own.checkSuiteId)
    return 'this workflow run (its check suite)';
  if (linksToRun(run.htmlUrl, own.runId) || linksToRun(run.detailsUrl, own.runId))
    return 'this workflow run (its URL)';
  return undefined;
}

function checkRunEntry(run: CheckRun): CiEntry {
  const url = run.htmlUrl ?? run.detailsUrl ?? undefined;
  if (run.status !== 'completed')
    return {
      kind: 'check-run',
      name: neutralise(run.name),
      state: 'pending',
      detail: run.status,
      ...(url ? { url } : {})
    };
  const conclusion = run.conclusion ?? 'none';
  return {
    kind: 'check-run',
    name: neutralise(run.name),
    state: PASSING_CONCLUSIONS.has(conclusion) ? 'success' : 'failure',
    detail: conclusion,
    ...(url ? { url } : {})
  };
}

/** The latest status of each context (the list API returns every status, newest first). */
export function latestStatuses(statuses: readonly CommitStatus[]): CommitStatus[] {
  const latest = new Map<string, CommitStatus>();
  for (const status of [...statuses].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id)) {
    if (!latest.has(status.context)) latest.set(status.context, status);
  }
  return [...latest.values()];
}

export interface CiSnapshot {
  verdict: 'pass' | 'fail' | 'pending' | 'none';
  entries: CiEntry[];
}

const ORDER: Record<CiEntryState, number> = { failure: 0, pending: 1, success: 2, ignored: 3 };

/** Judges one reading of check runs and statuses. Pure. */
export function assessCiSnapshot(
  runs: readonly CheckRun[],
  statuses: readonly CommitStatus[],
  options: { ignore: readonly string[]; own: OwnRun }
): CiSnapshot {
  const globs = options.ignore.map((pattern) => ({ pattern, regex: nameGlob(pattern) }));
  const ignoredBy = (name: string) => globs.find((g) => g.regex.test(name))?.pattern;
  const entries: CiEntry[] = [];
  for (const run of runs) {
    const entry = checkRunEntry(run);
    const own = ownRunReason(run, options.own);
    const pattern = ignoredBy(run.name);
    if (own) entries.push({ ...entry, state: 'ignored', ignoredBecause: own });
    else if (pattern !== undefined)
      entries.push({ ...entry, state: 'ignored', ignoredBecause: `matches ci-ignore \`${pattern}\`` });
    else entries.push(entry);
  }
  for (const status of latestStatuses(statuses)) {
    const state: CiEntryState =
      status.state === 'success' ? 'success' : status.state === 'pending' ? 'pending' : 'failure';
    const entry: CiEntry = {
      kind: 'status',
      name: neutralise(status.context),
      state,
      detail: status.state,
      ...(status.targetUrl ? { url: status.targetUrl } : {})
    };
    const pattern = ignoredBy(status.context);
    if (linksToRun(status.targetUrl, options.own.runId))
      entries.push({ ...entry, state: 'ignored', ignoredBecause: 'this workflow run (its URL)' });
    else if (pattern !== undefined)
      entries.push({ ...entry, state: 'ignored', ignoredBecause: `matches ci-ignore \`${pattern}\`` });
    else entries.push(entry);
  }
  entries.sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.name.localeCompare(b.name));
  const counted = entries.filter((e) => e.state !== 'ignored');
  const verdict = counted.some((e) => e.state === 'failure')
    ? 'fail'
    : counted.some((e) => e.state === 'pending')
      ? 'pending'
      : counted.length === 0
        ? 'none'
        : 'pass';
  return { verdict, entries };
}

export interface CiConfig {
  sha: string;
  waitMs: number;
  ignore: readonly string[];
  runId?: number;
  /** First delay between polls (default 5 s); doubles up to `maxPollDelayMs`. */
  firstPollDelayMs?: number;
  maxPollDelayMs?: number;
}

export interface CiDetails {
  entries: CiEntry[];
  polls: number;
  waitedMs: number;
  ownRun: OwnRun & { identifiedBy: string };
}

export interface CiDeps {
  github: GitHubClient;
  clock: Clock;
  logger: Logger;
  random?: () => number;
}

const short = (sha: string) => sha.slice(0, 7);

function describe(entries: readonly CiEntry[], limit = 5): string {
  const shown = entries.slice(0, limit).map((e) => `${e.name} (${e.detail})`);
  return entries.length > limit ? `${shown.join(', ')} and ${entries.length - limit} more` : shown.join(', ');
}

/** Reads, waits for pending checks with backoff until `waitMs`, and decides. */
export async function checkCi(config: CiConfig, deps: CiDeps): Promise<PreflightCheckResult<CiDetails>> {
  const { github, clock, logger } = deps;
  const own: OwnRun = config.runId !== undefined ? { runId: config.runId } : {};
  let identifiedBy =
    config.runId === undefined ? 'no GITHUB_RUN_ID: nothing ignored as this run' : 'check run URLs';
  if (config.runId !== undefined) {
    try {
      const run = await github.getWorkflowRun(config.runId);
      if (run.checkSuiteId !== null) {
        own.checkSuiteId = run.checkSuiteId;
        identifiedBy = `check suite ${run.checkSuiteId} of workflow run ${config.runId}, and check run URLs`;
      }
    } catch (error) {
      // Without `actions: read` the run cannot be read; its checks still link to it by URL.
      logger.debug(
        `Could not read workflow run ${config.runId} (${error instanceof Error ? error.message : String(error)}); own checks are recognised by their URL`
      );
    }
  }
  const started = clock.now();
  const deadline = started + config.waitMs;
  const first = config.firstPollDelayMs ?? 5000;
  const max = config.maxPollDelayMs ?? 60_000;
  let polls = 0;
  for (;;) {
    const [runs, statuses] = await Promise.all([
      github.listCheckRuns(config.sha),
      github.listCommitStatuses(config.sha)
    ]);
    polls++;
    const snapshot = assessCiSnapshot(runs, statuses, { ignore: config.ignore, own });
    const counted = snapshot.entries.filter((e) => e.state !== 'ignored');
    const details: CiDetails = {
      entries: snapshot.entries,
      polls,
      waitedMs: Math.round(clock.now() - started),
      ownRun: { ...own, identifiedBy }
    };
    const ignored = snapshot.entries.length - counted.length;
    const ignoredNote = ignored > 0 ? ` (${ignored} ignored)` : '';
    if (snapshot.verdict === 'fail') {
      const failed = counted.filter((e) => e.state === 'failure');
      return {
        id: 'ci',
        status: 'fail',
        reason: `${failed.length} of ${countNoun(counted.length, 'check')} on ${short(config.sha)} failed: ${describe(failed)}${ignoredNote}.`,
        details,
        next: 'Fix the failing checks (or re-run them if they are flaky), then deploy again.'
      };
    }
    if (snapshot.verdict === 'pass') {
      return {
        id: 'ci',
        status: 'pass',
        reason: `${counted.length === 1 ? 'The only check' : `All ${counted.length} checks`} on ${short(config.sha)} passed${ignoredNote}.`,
        details
      };
    }
    const remaining = deadline - clock.now();
    if (remaining <= 0) {
      const pending = counted.filter((e) => e.state === 'pending');
      return snapshot.verdict === 'none'
        ? {
            id: 'ci',
            status: 'fail',
            reason: `No check runs or commit statuses on ${short(config.sha)}${config.waitMs > 0 ? ` within ${formatDuration(config.waitMs)}` : ''}${ignoredNote}: nothing shows this commit was tested.`,
            details,
            next: 'Make sure CI runs on this commit, or remove `ci` from `checks` if the repository has none.'
          }
        : {
            id: 'ci',
            status: 'fail',
            reason: `${countNoun(pending.length, 'check')} still pending after ${formatDuration(config.waitMs)}: ${describe(pending)}${ignoredNote}.`,
            details,
            next: 'Wait for the pending checks and run the deploy again, or raise `ci-wait`.'
          };
    }
    const delay = Math.min(remaining, backoffDelay(polls, first, max, deps.random ?? Math.random));
    logger.info(
      snapshot.verdict === 'none'
        ? `ci: no checks on ${short(config.sha)} yet; looking again in ${formatDuration(delay)}`
        : `ci: waiting ${formatDuration(delay)} for ${describe(counted.filter((e) => e.state === 'pending'))}`
    );
    await clock.sleep(delay);
  }
}
