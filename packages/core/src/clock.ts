/**
 * Time as a dependency: core logic takes a Clock so tests of timing run in milliseconds with a
 * manual clock, and production uses the system one.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale (only differences are meaningful). */
  now(): number;
  /** Wall-clock time, for timestamps people read. */
  date(): Date;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The real clock: `performance.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => performance.now(),
  date: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
};

/**
 * A clock that only moves when told to: `sleep` advances it at once. Work that "takes time" in a
 * test calls `advance`. Deterministic, so timing logic is tested as plain data.
 */
export class ManualClock implements Clock {
  private current: number;
  private readonly epoch: number;

  constructor(start = 0, epoch = Date.UTC(2026, 0, 1)) {
    this.current = start;
    this.epoch = epoch;
  }

  now(): number {
    return this.current;
  }

  date(): Date {
    return new Date(this.epoch + this.current);
  }

  advance(ms: number): void {
    this.current += Math.max(0, ms);
  }

  sleep(ms: number): Promise<void> {
    this.advance(ms);
    return Promise.resolve();
  }
}
