/**
 * One limit on the time a run waits for GitHub, over all its calls together. Each call has its
 * own timeout and retries, so a GitHub that accepts connections and never answers would hold a run
 * for every call's timeout times its retries (a rollback took 450 s that way). Time counts while
 * at least one call is in flight; when the budget is spent, the calls in flight are aborted and
 * later ones are refused at once.
 */
export class GitHubBudget {
  private readonly controller = new AbortController();
  private spentMs = 0;
  private inFlight = 0;
  private busySince = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly limitMs: number) {}

  /** Aborted when the budget is spent; requests pass it to fetch so their sockets are closed. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get spent(): boolean {
    return this.controller.signal.aborted;
  }

  /**
   * Runs `call` on the budget. Rejects with GitHubBudgetSpent at once when the budget is already
   * spent, or as soon as it runs out while `call` is in flight.
   */
  async spend<T>(call: () => Promise<T>): Promise<T> {
    if (this.spent) throw new GitHubBudgetSpent(this.limitMs);
    this.enter();
    let onAbort = (): void => undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new GitHubBudgetSpent(this.limitMs));
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([call(), aborted]);
    } finally {
      this.signal.removeEventListener('abort', onAbort);
      this.leave();
    }
  }

  private enter(): void {
    if (this.inFlight++ > 0) return;
    this.busySince = performance.now();
    this.timer = setTimeout(() => this.controller.abort(), Math.max(0, this.limitMs - this.spentMs));
  }

  private leave(): void {
    if (--this.inFlight > 0) return;
    clearTimeout(this.timer);
    this.spentMs += performance.now() - this.busySince;
  }
}

/** A GitHub call was refused or cut short because the run's time for GitHub ran out. */
export class GitHubBudgetSpent extends Error {
  override name = 'GitHubBudgetSpent';
  constructor(readonly limitMs: number) {
    super(`the ${Math.round(limitMs / 1000)} s this run may wait for GitHub ran out`);
  }
}
