import type { Clock } from '../clock.ts';

export interface RetryOptions {
  /** Total attempts, the first included (default 3). */
  attempts?: number;
  /** Delay before the first retry (default 500 ms); doubles each time. */
  baseDelayMs?: number;
  /** Upper bound of one delay (default 30 s). */
  maxDelayMs?: number;
  /** Whether a failure is worth another attempt (default: always). */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** A delay the failure itself asks for (a `Retry-After`), used instead of the backoff when larger. */
  requestedDelayMs?: (error: unknown) => number | undefined;
  /** Called before each wait, for logging. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  clock: Pick<Clock, 'sleep'>;
  /** A number in [0, 1); injectable so jitter is deterministic in tests. */
  random?: () => number;
}

/**
 * Exponential backoff with "equal jitter": half the doubled delay is fixed, the other half random,
 * so retries from many runners spread out but never collapse to zero wait.
 */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Runs `operation` until it succeeds or the attempts are used up, waiting with backoff and jitter
 * between attempts. The last error is rethrown unchanged.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions
): Promise<T> {
  const attempts = options.attempts ?? 3;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= attempts || (options.shouldRetry && !options.shouldRetry(error, attempt))) throw error;
      const delay = Math.max(
        backoffDelay(attempt, base, max, random),
        options.requestedDelayMs?.(error) ?? 0
      );
      options.onRetry?.(error, attempt, delay);
      await options.clock.sleep(delay);
    }
  }
}
