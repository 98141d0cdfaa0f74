import type { Clock } from '../clock.ts';
import { errorMessage } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';
import { formatDuration } from '../inputs/duration.ts';
import type { Logger } from '../logger.ts';
import { deadlineMessage, type Deadline } from './deadline.ts';
import {
  formatPercent,
  judgeWatchWindow,
  planWatchWindows,
  type WindowJudgement,
  type WindowTally
} from './watch-window.ts';

/** The post-deploy watch: keep sending requests and judge each window. */
export interface WatchSettings {
  durationMs: number;
  /** One window. */
  intervalMs: number;
  /** Requested in turn. */
  paths: string[];
  rps: number;
  /** Percent of failed requests allowed in any window. */
  maxErrorRate: number;
  maxP99Ms: number;
}

/** One judged window, as the report keeps it. */
export interface WatchedWindow extends WindowJudgement {
  /** 1-based. */
  window: number;
  /** Milliseconds from the watch's start. */
  startMs: number;
  endMs: number;
  requests: number;
  errors: number;
  errorReasons: Record<string, number>;
}

export interface WatchRun {
  /** `cut-short`: the deadline fell before every window was judged; the reason says so. */
  status: 'passed' | 'failed' | 'inconclusive' | 'cut-short';
  reason: string;
  windows: WatchedWindow[];
  /** Windows planned, including those never reached after an early stop. */
  plannedWindows: number;
  requests: number;
  elapsedMs: number;
}

export interface WatchDeps {
  http: HttpClient;
  clock: Clock;
  logger: Logger;
}

/**
 * Sends GET requests at `rps` (open loop: a slow answer does not delay the next request), to the
 * paths in turn, for the whole watch, and judges each window as it closes. Stops at the first
 * window that fails; an inconclusive window lets the watch go on but never lets it pass. Every
 * request's timeout is capped by the deadline, and a watch that cannot fit in the time left does
 * not start.
 */
export async function watchService(
  settings: WatchSettings,
  target: { url: string; headers: Record<string, string>; timeoutMs: number },
  deadline: Deadline,
  deps: WatchDeps
): Promise<WatchRun> {
  const { clock, logger } = deps;
  const spans = planWatchWindows(settings.durationMs, settings.intervalMs);
  const started = clock.now();
  const windows: WatchedWindow[] = [];
  let requests = 0;
  const finish = (status: WatchRun['status'], reason: string): WatchRun => ({
    status,
    reason,
    windows,
    plannedWindows: spans.length,
    requests,
    elapsedMs: clock.now() - started
  });
  if (deadline.remaining() < settings.durationMs) {
    return finish(
      'cut-short',
      `deadline ${formatDuration(deadline.ms)} leaves only ${formatDuration(Math.max(0, deadline.remaining()))} for the post-deploy watch of ${formatDuration(settings.durationMs)}: it did not start`
    );
  }

  const tallies: WindowTally[] = spans.map(() => ({
    requests: 0,
    errors: 0,
    latenciesMs: [],
    errorReasons: {}
  }));
  const inFlight: Promise<void>[][] = spans.map(() => []);
  const launched = spans.map(() => deferred());
  const headers = { ...target.headers, 'cache-control': 'no-cache' };
  let stopped = false;
  /** The window the deadline fell in, when it stopped the launcher. */
  let cutInWindow = Number.POSITIVE_INFINITY;

  const send = async (path: string, tally: WindowTally) => {
    tally.requests++;
    requests++;
    const fail = (reason: string) => {
      tally.errors++;
      tally.errorReasons[reason] = (tally.errorReasons[reason] ?? 0) + 1;
    };
    try {
      const response = await deps.http.request({
        url: `${target.url}${path}`,
        headers,
        timeoutMs: deadline.cap(target.timeoutMs),
        // Only the status matters; keep memory flat however large the pages are.
        maxBodyBytes: 256 * 1024
      });
      tally.latenciesMs.push(response.latencyMs);
      if (response.status >= 500) fail(`${path}: HTTP ${response.status}`);
    } catch (error) {
      fail(`${path}: ${errorMessage(error)}`);
    }
  };

  // Requests go out on a fixed schedule from the watch's start, so timer drift does not add up.
  const launcher = (async () => {
    const spacingMs = 1000 / settings.rps;
    let current = 0;
    for (let n = 0; !stopped; n++) {
      const atMs = n * spacingMs;
      if (atMs >= settings.durationMs) break;
      while (current < spans.length - 1 && atMs >= spans[current]!.endMs) launched[current++]!.resolve();
      const wait = started + atMs - clock.now();
      if (wait > 0) await clock.sleep(wait);
      if (stopped) break;
      if (deadline.reached()) {
        cutInWindow = current;
        break;
      }
      inFlight[current]!.push(send(settings.paths[n % settings.paths.length]!, tallies[current]!));
    }
    for (const window of launched) window.resolve();
  })();

  let outcome: WatchRun | undefined;
  for (const [index, span] of spans.entries()) {
    await launched[index]!.promise;
    await Promise.all(inFlight[index]!);
    const tally = tallies[index]!;
    // Requests still open when the deadline fell were cut by it: they say nothing about the service.
    const cut = index >= cutInWindow || deadline.reached();
    const judgement: WindowJudgement = cut
      ? { verdict: 'inconclusive', reason: `cut short by the deadline (${formatDuration(deadline.ms)})` }
      : judgeWatchWindow(tally, settings);
    const judged: WatchedWindow = {
      window: index + 1,
      startMs: span.startMs,
      endMs: span.endMs,
      requests: tally.requests,
      errors: tally.errors,
      errorReasons: tally.errorReasons,
      ...judgement
    };
    windows.push(judged);
    logger.info(
      `watch window ${judged.window}/${spans.length} (+${formatDuration(span.startMs)} to +${formatDuration(span.endMs)}): ${judged.verdict} — ${judged.reason}`
    );
    if (cut) {
      outcome = finish(
        'cut-short',
        deadlineMessage(deadline, 'watch', `in window ${judged.window} of ${spans.length}`)
      );
      break;
    }
    if (judged.verdict === 'errors' || judged.verdict === 'slow') {
      outcome = finish(
        'failed',
        `window ${judged.window} of ${spans.length} (+${formatDuration(span.startMs)} to +${formatDuration(span.endMs)}): ${judged.reason}`
      );
      break;
    }
  }
  stopped = true;
  await launcher;
  // Requests of windows after an early stop are still in flight: let them settle (each is bounded
  // by its timeout) so none outlives the step, but do not judge them.
  await Promise.all(inFlight.flat());
  if (outcome) return outcome;
  const inconclusive = windows.filter((w) => w.verdict === 'inconclusive');
  if (inconclusive.length > 0) {
    return finish(
      'inconclusive',
      `${inconclusive.length} of ${spans.length} windows could not be judged (window ${inconclusive[0]!.window}: ${inconclusive[0]!.reason})`
    );
  }
  const worst = Math.max(...windows.map((w) => w.errorRate ?? 0));
  return finish(
    'passed',
    `${spans.length} window${spans.length > 1 ? 's' : ''} of ${formatDuration(settings.intervalMs)} passed, worst error rate ${formatPercent(worst)}`
  );
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
