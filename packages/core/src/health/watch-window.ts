import { formatDuration } from '../inputs/duration.ts';
import { percentile } from '../stats/percentiles.ts';

/**
 * Below this many answered requests a window's p99 says nothing: the window is inconclusive, and
 * an inconclusive window never lets the watch pass.
 */
export const MIN_ANSWERED_PER_WINDOW = 5;

/** What one watch window saw. */
export interface WindowTally {
  /** Requests sent in the window. */
  requests: number;
  /** 5xx answers and requests that got no answer (timeout, refused, reset). */
  errors: number;
  /** Latency of every answer, whatever its status. */
  latenciesMs: number[];
  /** Why requests failed, with counts (`HTTP 503`, `connection refused`). */
  errorReasons: Record<string, number>;
}

export interface WindowLimits {
  /** Percent of failed requests allowed. */
  maxErrorRate: number;
  maxP99Ms: number;
}

/** `errors`: an error spike; `slow`: p99 above the limit; `inconclusive`: too little to judge. */
export type WindowVerdict = 'pass' | 'errors' | 'slow' | 'inconclusive';

export interface WindowJudgement {
  verdict: WindowVerdict;
  /** Failed requests in percent of requests sent; undefined when none was sent. */
  errorRate?: number;
  p99Ms?: number;
  /** One sentence for the log and the summary. */
  reason: string;
}

/**
 * Judges one window. Pure. An error rate above the limit fails it first (a spike is a spike even
 * when few requests answered); then fewer than MIN_ANSWERED_PER_WINDOW answers make it
 * inconclusive; then a p99 above the limit fails it as slow.
 */
export function judgeWatchWindow(tally: WindowTally, limits: WindowLimits): WindowJudgement {
  if (tally.requests === 0) return { verdict: 'inconclusive', reason: 'no request was sent in this window' };
  const errorRate = (tally.errors / tally.requests) * 100;
  const p99Ms = percentile(tally.latenciesMs, 99);
  const measured = { errorRate, ...(p99Ms !== undefined ? { p99Ms } : {}) };
  if (errorRate > limits.maxErrorRate) {
    return {
      verdict: 'errors',
      ...measured,
      reason: `error spike: ${tally.errors} of ${tally.requests} requests failed (${formatPercent(errorRate)}, limit ${formatPercent(limits.maxErrorRate)})${describeReasons(tally.errorReasons)}`
    };
  }
  if (tally.latenciesMs.length < MIN_ANSWERED_PER_WINDOW) {
    return {
      verdict: 'inconclusive',
      ...measured,
      reason: `only ${tally.latenciesMs.length} of ${tally.requests} requests answered; at least ${MIN_ANSWERED_PER_WINDOW} are needed to judge a window`
    };
  }
  if (p99Ms! > limits.maxP99Ms) {
    return {
      verdict: 'slow',
      ...measured,
      reason: `slow: p99 ${Math.round(p99Ms!)} ms is above max-p99 ${formatDuration(limits.maxP99Ms)}`
    };
  }
  return {
    verdict: 'pass',
    ...measured,
    reason: `${tally.errors} of ${tally.requests} requests failed (${formatPercent(errorRate)}), p99 ${Math.round(p99Ms!)} ms`
  };
}

/** A window of the watch, in milliseconds from the watch's start. */
export interface WatchWindowSpan {
  startMs: number;
  endMs: number;
}

/**
 * Splits a watch into windows of `intervalMs`. A remainder shorter than a window joins the last
 * one, so no window is too short to judge (`interval` never exceeds the watch: the inputs check).
 */
export function planWatchWindows(durationMs: number, intervalMs: number): WatchWindowSpan[] {
  const count = Math.max(1, Math.floor(durationMs / intervalMs));
  return Array.from({ length: count }, (_, index) => ({
    startMs: index * intervalMs,
    endMs: index === count - 1 ? durationMs : (index + 1) * intervalMs
  }));
}

/** `0.5 %`, `12 %`: one decimal below 10 %, whole numbers above. */
export function formatPercent(value: number): string {
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${rounded} %`;
}

function describeReasons(reasons: Record<string, number>): string {
  const listed = Object.entries(reasons)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([reason, count]) => `${reason} ×${count}`);
  return listed.length ? `: ${listed.join(', ')}` : '';
}
