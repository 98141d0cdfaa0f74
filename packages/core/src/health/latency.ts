import { errorMessage } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';
import { summarizeLatencies, type LatencySummary } from '../stats/percentiles.ts';
import type { Deadline } from './deadline.ts';

export interface LatencySample {
  /** Requests sent: fewer than asked when the deadline fell first. */
  sent: number;
  /** Latencies of the requests that answered 2xx, in the order they finished. */
  latenciesMs: number[];
  /** Requests that failed or answered non-2xx, with why (at most a few distinct reasons kept). */
  failures: number;
  failureReasons: string[];
  summary?: LatencySummary;
}

/**
 * Sends `samples` GET requests to `url`, `concurrency` at a time, each on a new connection. A
 * request that fails or answers non-2xx is counted as a failure and not as a latency. No request
 * starts after the deadline, and none outlives it.
 */
export async function sampleLatency(options: {
  url: string;
  samples: number;
  concurrency: number;
  headers: Record<string, string>;
  timeoutMs: number;
  http: HttpClient;
  deadline: Deadline;
}): Promise<LatencySample> {
  const latenciesMs: number[] = [];
  const reasons = new Map<string, number>();
  let failures = 0;
  let next = 0;
  const worker = async () => {
    while (next < options.samples && !options.deadline.reached()) {
      next++;
      try {
        const response = await options.http.request({
          url: options.url,
          headers: { ...options.headers, 'cache-control': 'no-cache' },
          timeoutMs: options.deadline.cap(options.timeoutMs)
        });
        if (response.status >= 200 && response.status < 300) {
          latenciesMs.push(response.latencyMs);
          continue;
        }
        failures++;
        reasons.set(`HTTP ${response.status}`, (reasons.get(`HTTP ${response.status}`) ?? 0) + 1);
      } catch (error) {
        failures++;
        const reason = errorMessage(error);
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.samples) }, worker));
  const summary = summarizeLatencies(latenciesMs);
  return {
    sent: next,
    latenciesMs,
    failures,
    failureReasons: [...reasons].slice(0, 5).map(([reason, count]) => `${reason} (${count}×)`),
    ...(summary ? { summary } : {})
  };
}

/** Whether a sample passes: every request answered 2xx and p99 is within the limit. */
export function latencyWithin(sample: LatencySample, maxP99Ms: number): boolean {
  return sample.failures === 0 && sample.summary !== undefined && sample.summary.p99 <= maxP99Ms;
}
