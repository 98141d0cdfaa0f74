/**
 * User traffic for the rehearsal: a steady open-loop stream of requests through nginx, so
 * Prometheus has something to measure on both tracks. Counts what answered, by app version.
 * A `POST /api/items` entry creates an item with a name of its own, as users do.
 */
import { httpRequest, sleep } from '../action-tests/services/index.ts';

export interface VersionTally {
  requests: number;
  /** Answers with a 5xx status. */
  errors: number;
  /** Items the version saved (201 answers to POST /api/items). */
  created: number;
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

/**
 * Sends `rps` requests a second to `baseUrl`, cycling through `paths` (`/health` is a GET,
 * `POST /api/items` creates an item), until stopped.
 */
export function startLoad(baseUrl: string, rps: number, paths: readonly string[]): Load {
  const stats: LoadStats = { sent: 0, byVersion: {}, unanswered: 0 };
  const inFlight = new Set<Promise<void>>();
  // Item names are unique per item: a later load of the same run must not collide with this one.
  const prefix = `user-${globalThis.crypto.randomUUID().slice(0, 8)}`;
  let stopped = false;

  const send = async (entry: string, number: number): Promise<void> => {
    const [method, requestPath] = entry.startsWith('POST ') ? ['POST', entry.slice(5)] : ['GET', entry];
    try {
      const answer = await httpRequest(`${baseUrl}${requestPath}`, {
        method,
        body: method === 'POST' ? { name: `${prefix}-${number}` } : undefined,
        timeoutMs: 5000
      });
      const version = String(answer.headers['x-app-version'] ?? 'unknown');
      const tally = (stats.byVersion[version] ??= { requests: 0, errors: 0, created: 0 });
      tally.requests++;
      if (answer.status >= 500) tally.errors++;
      if (method === 'POST' && answer.status === 201) tally.created++;
    } catch {
      stats.unanswered++;
    }
  };

  const loop = (async () => {
    let next = performance.now();
    while (!stopped) {
      const request = send(paths[stats.sent % paths.length]!, stats.sent);
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
