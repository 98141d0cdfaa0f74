/**
 * User traffic for the rehearsal: a steady open-loop stream of requests through nginx, so
 * Prometheus has something to measure on both tracks. Counts what answered, by app version.
 */
import { httpRequest, sleep } from '../action-tests/services/index.ts';

export interface VersionTally {
  requests: number;
  /** Answers with a 5xx status. */
  errors: number;
}

export interface LoadStats {
  sent: number;
  /** By the x-app-version header of the answer. */
  byVersion: Record<string, VersionTally>;
  /** Requests that got no answer at all (connection refused, timeout). */
  unanswered: number;
}

export interface Load {
  stats(): LoadStats;
  /** Stops sending and waits for the requests still open. */
  stop(): Promise<LoadStats>;
}

/** Sends `rps` requests a second to `baseUrl`, cycling through `paths`, until stopped. */
export function startLoad(baseUrl: string, rps: number, paths: readonly string[]): Load {
  const stats: LoadStats = { sent: 0, byVersion: {}, unanswered: 0 };
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const send = async (requestPath: string): Promise<void> => {
    try {
      const answer = await httpRequest(`${baseUrl}${requestPath}`, { timeoutMs: 5000 });
      const version = String(answer.headers['x-app-version'] ?? 'unknown');
      const tally = (stats.byVersion[version] ??= { requests: 0, errors: 0 });
      tally.requests++;
      if (answer.status >= 500) tally.errors++;
    } catch {
      stats.unanswered++;
    }
  };

  const loop = (async () => {
    let next = performance.now();
    while (!stopped) {
      const request = send(paths[stats.sent % paths.length]!);
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
      stats.sent++;
      next += 1000 / rps;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait);
    }
  })();

  return {
    stats: () => structuredClone(stats),
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(inFlight);
      return structuredClone(stats);
    }
  };
}
