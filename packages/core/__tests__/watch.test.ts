import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../src/clock.ts';
import { MemoryLogger } from '../src/logger.ts';
import { startDeadline } from '../src/health/deadline.ts';
import { watchService, type WatchSettings } from '../src/health/watch.ts';
import {
  judgeWatchWindow,
  planWatchWindows,
  type WindowTally,
  type WindowVerdict
} from '../src/health/watch-window.ts';
import { ScriptedHttp, type Script } from './fakes/scripted-http.ts';

function tally(requests: number, errors: number, latenciesMs: number[], reasons = {}): WindowTally {
  return { requests, errors, latenciesMs, errorReasons: reasons };
}

const limits = { maxErrorRate: 1, maxP99Ms: 500 };
const fast = (n: number, ms = 20) => Array.from({ length: n }, () => ms);

describe('judgeWatchWindow', () => {
  it.each<[string, WindowTally, typeof limits, WindowVerdict, string]>([
    ['no error, fast', tally(150, 0, fast(150)), limits, 'pass', '0 of 150 requests failed (0 %), p99 20 ms'],
    [
      'exactly at the error limit',
      tally(100, 1, fast(100)),
      limits,
      'pass',
      '1 of 100 requests failed (1 %), p99 20 ms'
    ],
    [
      'just above the error limit',
      tally(100, 2, fast(100), { '/api/items: HTTP 503': 2 }),
      limits,
      'errors',
      'error spike: 2 of 100 requests failed (2 %, limit 1 %): /api/items: HTTP 503 ×2'
    ],
    [
      'every request refused: a spike, not a lack of data',
      tally(10, 10, [], { '/health: connection refused': 10 }),
      limits,
      'errors',
      'error spike: 10 of 10 requests failed (100 %, limit 1 %): /health: connection refused ×10'
    ],
    [
      'any error at a limit of 0',
      tally(500, 1, fast(500)),
      { maxErrorRate: 0, maxP99Ms: 500 },
      'errors',
      'error spike: 1 of 500 requests failed (0.2 %, limit 0 %)'
    ],
    [
      'the most common reasons first, at most three',
      tally(20, 10, fast(10), { a: 1, b: 4, c: 3, d: 2 }),
      limits,
      'errors',
      'error spike: 10 of 20 requests failed (50 %, limit 1 %): b ×4, c ×3, d ×2'
    ],
    ['nothing sent', tally(0, 0, []), limits, 'inconclusive', 'no request was sent in this window'],
    [
      'too few answers to judge p99, errors within a generous limit',
      tally(6, 2, [600, 700, 20, 20]),
      { maxErrorRate: 50, maxP99Ms: 500 },
      'inconclusive',
      'only 4 of 6 requests answered; at least 5 are needed to judge a window'
    ],
    [
      'five answers are enough',
      tally(5, 0, fast(5)),
      limits,
      'pass',
      '0 of 5 requests failed (0 %), p99 20 ms'
    ],
    [
      'slow: p99 above max-p99',
      tally(100, 0, [...fast(98), 900, 950]),
      // Nearest rank: p99 of 100 values is the 99th smallest.
      limits,
      'slow',
      'slow: p99 900 ms is above max-p99 500ms'
    ],
    [
      'p99 exactly at max-p99 passes',
      tally(100, 0, [...fast(98), 500, 500]),
      limits,
      'pass',
      '0 of 100 requests failed (0 %), p99 500 ms'
    ],
    [
      'a 5xx answer counts as an error and its latency in p99',
      tally(10, 1, [...fast(9), 800]),
      { maxErrorRate: 10, maxP99Ms: 500 },
      'slow',
      'slow: p99 800 ms is above max-p99 500ms'
    ]
  ])('%s', (_, input, windowLimits, verdict, reason) => {
    const judged = judgeWatchWindow(input, windowLimits);
    expect(judged.verdict).toBe(verdict);
    expect(judged.reason).toBe(reason);
  });

  it('gives the error rate in percent and the p99 it judged', () => {
    expect(
      judgeWatchWindow(tally(200, 3, [...fast(196), 40, 41, 42, 43]), { ...limits, maxErrorRate: 2 })
    ).toEqual({
      verdict: 'pass',
      errorRate: 1.5,
      p99Ms: 41,
      reason: '3 of 200 requests failed (1.5 %), p99 41 ms'
    });
  });
});

describe('planWatchWindows', () => {
  it.each([
    [
      60_000,
      30_000,
      [
        [0, 30_000],
        [30_000, 60_000]
      ]
    ],
    [
      3000,
      1000,
      [
        [0, 1000],
        [1000, 2000],
        [2000, 3000]
      ]
    ],
    // A remainder joins the last window rather than making a window too short to judge.
    [
      70_000,
      30_000,
      [
        [0, 30_000],
        [30_000, 70_000]
      ]
    ],
    [30_000, 30_000, [[0, 30_000]]]
  ])('splits %i ms into windows of %i ms', (duration, interval, spans) => {
    expect(planWatchWindows(duration, interval).map((w) => [w.startMs, w.endMs])).toEqual(spans);
  });
});

describe('watchService', () => {
  const settings: WatchSettings = {
    durationMs: 5000,
    intervalMs: 1000,
    paths: ['/api/items', '/health'],
    rps: 10,
    maxErrorRate: 1,
    maxP99Ms: 500
  };
  const target = { url: 'https://api.example.com', headers: { 'x-tenant': 'acme' }, timeoutMs: 2000 };

  function setup(script: Script) {
    const clock = new ManualClock();
    const http = new ScriptedHttp(clock, script, 10);
    const logger = new MemoryLogger();
    return { clock, http, logger, deps: { clock, http, logger } };
  }

  it('passes a healthy service after judging every window, the paths in turn', async () => {
    const { clock, http, deps } = setup(() => ({ status: 200, body: {} }));
    const run = await watchService(settings, target, startDeadline(clock, 60_000), deps);
    expect(run.status).toBe('passed');
    expect(run.reason).toBe('5 windows of 1s passed, worst error rate 0 %');
    expect(run.requests).toBe(50);
    expect(run.windows.map((w) => [w.window, w.requests, w.verdict])).toEqual([
      [1, 10, 'pass'],
      [2, 10, 'pass'],
      [3, 10, 'pass'],
      [4, 10, 'pass'],
      [5, 10, 'pass']
    ]);
    expect(http.requests.slice(0, 3).map((r) => r.path)).toEqual(['/api/items', '/health', '/api/items']);
    expect(http.requests.every((r) => r.headers['x-tenant'] === 'acme')).toBe(true);
    expect(http.requests.every((r) => r.headers['cache-control'] === 'no-cache')).toBe(true);
    // Open loop, on a fixed schedule: request n goes out n × 100 ms after the start.
    expect(http.requests.slice(0, 4).map((r) => r.atMs)).toEqual([0, 100, 200, 300]);
  });

  it('stops at the first window with an error spike, without waiting out the watch', async () => {
    const { clock, http, deps } = setup((request) =>
      request.atMs >= 2000 && request.path === '/api/items' ? { status: 503 } : { status: 200 }
    );
    const run = await watchService(settings, target, startDeadline(clock, 60_000), deps);
    expect(run.status).toBe('failed');
    expect(run.reason).toBe(
      'window 3 of 5 (+2s to +3s): error spike: 5 of 10 requests failed (50 %, limit 1 %): /api/items: HTTP 503 ×5'
    );
    expect(run.windows.map((w) => w.verdict)).toEqual(['pass', 'pass', 'errors']);
    expect(run.plannedWindows).toBe(5);
    // Nothing was sent beyond the window after the failing one.
    expect(Math.max(...http.requests.map((r) => r.atMs))).toBeLessThan(4000);
  });

  it('fails a window whose p99 is above max-p99', async () => {
    const { clock, deps } = setup((request) => ({
      status: 200,
      durationMs: request.atMs >= 1000 ? 800 : 10
    }));
    const run = await watchService(settings, target, startDeadline(clock, 60_000), deps);
    expect(run.status).toBe('failed');
    expect(run.windows.map((w) => w.verdict)).toEqual(['pass', 'slow']);
    expect(run.windows[1]!.p99Ms).toBe(800);
  });

  it('never passes when a window had too few answers, and says why', async () => {
    // In the last window 6 of 10 requests are refused: within a 90 % error limit, but the 4
    // answers left are too few to judge.
    let sent = 0;
    const { clock, deps } = setup(() => (sent++ >= 44 ? { error: 'refused' } : { status: 200 }));
    const run = await watchService(
      { ...settings, maxErrorRate: 90 },
      target,
      startDeadline(clock, 60_000),
      deps
    );
    expect(run.status).toBe('inconclusive');
    expect(run.windows.map((w) => w.verdict)).toEqual(['pass', 'pass', 'pass', 'pass', 'inconclusive']);
    expect(run.reason).toBe(
      '1 of 5 windows could not be judged (window 5: only 4 of 10 requests answered; at least 5 are needed to judge a window)'
    );
  });

  it('does not start when the deadline leaves less than the watch', async () => {
    const { clock, http, deps } = setup(() => ({ status: 200 }));
    const deadline = startDeadline(clock, 8000);
    clock.advance(4000);
    const run = await watchService(settings, target, deadline, deps);
    expect(run.status).toBe('cut-short');
    expect(run.reason).toBe('deadline 8s leaves only 4s for the post-deploy watch of 5s: it did not start');
    expect(http.requests).toEqual([]);
  });

  it('caps every request by the deadline and stops where it falls', async () => {
    const { clock, http, deps } = setup((request) =>
      request.atMs >= 4500 ? { status: 200, durationMs: 60_000 } : { status: 200 }
    );
    const deadline = startDeadline(clock, 5000);
    const run = await watchService(settings, target, deadline, deps);
    expect(run.status).toBe('cut-short');
    expect(run.reason).toBe('deadline 5s reached during the post-deploy watch, in window 5 of 5');
    expect(run.windows.at(-1)).toMatchObject({
      verdict: 'inconclusive',
      reason: 'cut short by the deadline (5s)'
    });
    for (const request of http.requests) expect(request.atMs + request.timeoutMs).toBeLessThanOrEqual(5000);
    expect(clock.now()).toBeLessThanOrEqual(5000);
  });
});
