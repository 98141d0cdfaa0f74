import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../src/clock.ts';
import { backoffDelay, withRetry } from '../src/http/retry.ts';

const fixed = (value: number) => () => value;
const almostOne = 0.999_999;

describe('backoffDelay (equal jitter)', () => {
  it.each([
    // attempt, base, max, lowest (random 0), highest (random → 1)
    [1, 500, 30_000, 250, 500],
    [2, 500, 30_000, 500, 1000],
    [3, 500, 30_000, 1000, 2000],
    [4, 500, 30_000, 2000, 4000],
    [7, 500, 30_000, 15_000, 30_000],
    [8, 500, 30_000, 15_000, 30_000],
    [40, 500, 30_000, 15_000, 30_000],
    [3, 100, 250, 125, 250]
  ])('attempt %d (base %d, max %d) waits %d to %d ms', (attempt, base, max, low, high) => {
    expect(backoffDelay(attempt, base, max, fixed(0))).toBe(low);
    expect(backoffDelay(attempt, base, max, fixed(almostOne))).toBe(high);
    const middle = backoffDelay(attempt, base, max, fixed(0.5));
    expect(middle).toBe(Math.round(low * 1.5));
  });

  it('never waits less than half the ceiling, whatever the random value', () => {
    for (let i = 0; i < 50; i++) {
      const delay = backoffDelay(3, 500, 30_000, fixed(i / 50));
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(2000);
    }
  });
});

class Flaky extends Error {
  constructor(
    readonly attempt: number,
    readonly retryAfterMs?: number
  ) {
    super(`failure ${attempt}`);
  }
}

/** An operation that fails `failures` times, then returns `result`; it records the clock at each call. */
function scripted(clock: ManualClock, failures: number, options: { retryAfterMs?: number } = {}) {
  const calls: { attempt: number; at: number }[] = [];
  const operation = async (attempt: number) => {
    calls.push({ attempt, at: clock.now() });
    if (calls.length <= failures) throw new Flaky(attempt, options.retryAfterMs);
    return `ok after ${attempt}`;
  };
  return { calls, operation };
}

describe('withRetry', () => {
  it('returns the first success without waiting', async () => {
    const clock = new ManualClock();
    const { calls, operation } = scripted(clock, 0);
    await expect(withRetry(operation, { clock })).resolves.toBe('ok after 1');
    expect(calls).toEqual([{ attempt: 1, at: 0 }]);
  });

  it('retries with backoff between attempts and numbers them', async () => {
    const clock = new ManualClock();
    const { calls, operation } = scripted(clock, 2);
    const retries: [string, number, number][] = [];
    const result = await withRetry(operation, {
      clock,
      attempts: 3,
      baseDelayMs: 100,
      random: fixed(0.5),
      onRetry: (error, attempt, delayMs) => retries.push([(error as Error).message, attempt, delayMs])
    });
    expect(result).toBe('ok after 3');
    // 100 → 75 ms (half fixed, half jitter at 0.5), 200 → 150 ms
    expect(retries).toEqual([
      ['failure 1', 1, 75],
      ['failure 2', 2, 150]
    ]);
    expect(calls).toEqual([
      { attempt: 1, at: 0 },
      { attempt: 2, at: 75 },
      { attempt: 3, at: 225 }
    ]);
  });

  it('rethrows the last error unchanged once the attempts are used up', async () => {
    const clock = new ManualClock();
    const { calls, operation } = scripted(clock, 10);
    const error = await withRetry(operation, { clock, attempts: 4, random: fixed(0) }).catch(
      (e: unknown) => e
    );
    expect(error).toBeInstanceOf(Flaky);
    expect((error as Flaky).attempt).toBe(4);
    expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3, 4]);
    // default base 500 ms, random 0: 250 + 500 + 1000
    expect(clock.now()).toBe(1750);
  });

  it('defaults to 3 attempts', async () => {
    const clock = new ManualClock();
    const { calls, operation } = scripted(clock, 10);
    await expect(withRetry(operation, { clock, random: fixed(0) })).rejects.toThrow('failure 3');
    expect(calls).toHaveLength(3);
  });

  it('stops at once when shouldRetry says no, without waiting again', async () => {
    const clock = new ManualClock();
    const { calls, operation } = scripted(clock, 10);
    const asked: [string, number][] = [];
    const retried: number[] = [];
    await expect(
      withRetry(operation, {
        clock,
        attempts: 5,
        random: fixed(0),
        shouldRetry: (error, attempt) => {
          asked.push([(error as Error).message, attempt]);
          return attempt < 2;
        },
        onRetry: (_error, attempt) => retried.push(attempt)
      })
    ).rejects.toThrow('failure 2');
    expect(asked).toEqual([
      ['failure 1', 1],
      ['failure 2', 2]
    ]);
    expect(retried).toEqual([1]);
    expect(calls).toHaveLength(2);
    expect(clock.now()).toBe(250);
  });

  it('does not ask shouldRetry after the last attempt', async () => {
    const clock = new ManualClock();
    const { operation } = scripted(clock, 10);
    const asked: number[] = [];
    await expect(
      withRetry(operation, {
        clock,
        attempts: 2,
        random: fixed(0),
        shouldRetry: (_error, attempt) => {
          asked.push(attempt);
          return true;
        }
      })
    ).rejects.toThrow('failure 2');
    expect(asked).toEqual([1]);
  });

  it('waits for a requested delay (Retry-After) when it is longer than the backoff', async () => {
    const clock = new ManualClock();
    const { calls, operation } = scripted(clock, 1, { retryAfterMs: 5000 });
    const delays: number[] = [];
    await withRetry(operation, {
      clock,
      random: fixed(0),
      requestedDelayMs: (error) => (error as Flaky).retryAfterMs,
      onRetry: (_error, _attempt, delayMs) => delays.push(delayMs)
    });
    expect(delays).toEqual([5000]);
    expect(calls[1]!.at).toBe(5000);
  });

  it('keeps the backoff when the requested delay is shorter or absent', async () => {
    const clock = new ManualClock();
    const { operation } = scripted(clock, 2, { retryAfterMs: 10 });
    const delays: number[] = [];
    await withRetry(operation, {
      clock,
      random: fixed(0),
      requestedDelayMs: (error) =>
        (error as Flaky).attempt === 1 ? (error as Flaky).retryAfterMs : undefined,
      onRetry: (_error, _attempt, delayMs) => delays.push(delayMs)
    });
    expect(delays).toEqual([250, 500]);
  });

  it('caps the backoff at maxDelayMs', async () => {
    const clock = new ManualClock();
    const { operation } = scripted(clock, 5);
    const delays: number[] = [];
    await withRetry(operation, {
      clock,
      attempts: 6,
      baseDelayMs: 1000,
      maxDelayMs: 3000,
      random: fixed(almostOne),
      onRetry: (_error, _attempt, delayMs) => delays.push(delayMs)
    });
    expect(delays).toEqual([1000, 2000, 3000, 3000, 3000]);
  });
});
