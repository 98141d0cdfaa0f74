import { HttpRequestError, errorMessage } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';
import type { Deadline } from './deadline.ts';

/** One smoke check: `METHOD PATH STATUS [text the body must contain]`. */
export interface SmokeCheck {
  line: string;
  method: string;
  path: string;
  /** An exact code (`200`) or a class (`2xx`). */
  status: string;
  bodyContains?: string;
}

export interface SmokeResult {
  check: SmokeCheck;
  passed: boolean;
  detail: string;
  httpStatus?: number;
  latencyMs?: number;
}

const SMOKE_LINE = /^([A-Za-z]+)\s+(\/\S*)\s+([1-5](?:\d\d|xx|XX))(?:\s+(.+))?$/;

/** What a smoke line looks like, for error messages. */
export const SMOKE_HINT =
  'one check a line as `METHOD PATH STATUS [text the body must contain]`, e.g. `GET /api/items 200 items`';

/** Parses one smoke line, or returns undefined when it does not fit `METHOD PATH STATUS [text]`. */
export function parseSmokeLine(line: string): SmokeCheck | undefined {
  const match = SMOKE_LINE.exec(line.trim());
  if (!match) return undefined;
  return {
    line: line.trim(),
    method: match[1]!.toUpperCase(),
    path: match[2]!,
    status: match[3]!.toLowerCase(),
    ...(match[4] ? { bodyContains: match[4].trim() } : {})
  };
}

/** Whether a status code satisfies `200` or `2xx`. */
export function statusMatches(expected: string, actual: number): boolean {
  return expected.endsWith('xx') ? String(actual)[0] === expected[0] : Number(expected) === actual;
}

/**
 * Runs the smoke checks one after another (they may change state, so never in parallel). None
 * starts after the deadline and none outlives it: the results then hold only the checks that ran.
 */
export async function runSmokeChecks(
  checks: readonly SmokeCheck[],
  options: {
    url: string;
    headers: Record<string, string>;
    timeoutMs: number;
    http: HttpClient;
    deadline: Deadline;
  }
): Promise<SmokeResult[]> {
  const results: SmokeResult[] = [];
  for (const check of checks) {
    if (options.deadline.reached()) break;
    try {
      const response = await options.http.request({
        method: check.method,
        url: `${options.url}${check.path}`,
        headers: { ...options.headers, 'cache-control': 'no-cache' },
        timeoutMs: options.deadline.cap(options.timeoutMs)
      });
      const statusOk = statusMatches(check.status, response.status);
      const bodyOk = check.bodyContains === undefined || response.body.includes(check.bodyContains);
      const problems = [
        statusOk ? '' : `got HTTP ${response.status}, expected ${check.status}`,
        bodyOk ? '' : `body does not contain ${JSON.stringify(check.bodyContains)}`
      ].filter(Boolean);
      results.push({
        check,
        passed: statusOk && bodyOk,
        detail: problems.length ? problems.join('; ') : `HTTP ${response.status}`,
        httpStatus: response.status,
        latencyMs: response.latencyMs
      });
    } catch (error) {
      const latency = error instanceof HttpRequestError ? { latencyMs: error.latencyMs } : {};
      results.push({ check, passed: false, detail: errorMessage(error), ...latency });
    }
  }
  return results;
}
