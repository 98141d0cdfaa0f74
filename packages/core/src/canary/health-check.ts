/**
 * The canary's own health check (`canary-health-url`): requested at the end of every measurement's
 * window. A failed check fails that measurement and stops the weight at once, so the step rolls
 * back ("automatic rollback if any health check fails"), whatever the traffic numbers say.
 */
import type { Clock } from '../clock.ts';
import { ConfigurationError, errorMessage } from '../errors.ts';
import { interpretAnswer } from '../health/responses.ts';
import type { HttpClient } from '../http/client.ts';
import type { MeasureWindow } from '../providers/metrics/provider.ts';
import { displayUrl } from '../redact.ts';
import type { CanaryCheck, MeasurementEvaluation } from './analysis.ts';

export interface CanaryHealthSpec {
  /** The canary's liveness URL; user info in it becomes basic auth. */
  url: string;
  /** Sent with every request (e.g. Authorization); values are secrets. */
  headers: Record<string, string>;
  /** Limit of one request. */
  timeoutMs: number;
}

/** One health check: whether it passed, and what was seen, for the report. */
export interface CanaryHealthResult {
  ok: boolean;
  detail: string;
}

export interface CanaryHealthCheck {
  /** One request before any traffic moves: a URL that does not answer, or 404s, is refused. */
  preflight(): Promise<void>;
  /** Waits for the window's end, then requests the URL once. Never rejects. */
  check(window: MeasureWindow): Promise<CanaryHealthResult>;
}

/** The name of the check in each measurement's checks. */
export const CANARY_HEALTH_CHECK = 'canary-health';

/**
 * Judges one answer: a 2xx whose body does not report a failing status passes. A 2xx body that is
 * not JSON passes too: a liveness endpoint may answer plain `OK`, and the status code is its word.
 */
export function judgeHealthAnswer(url: string, status: number, body: string): CanaryHealthResult {
  const where = displayUrl(url);
  const answer = interpretAnswer(status, body);
  if (answer.status !== 'fail') return { ok: true, detail: `${where} answered HTTP ${status}` };
  const isJson = (() => {
    try {
      const parsed: unknown = JSON.parse(body);
      return parsed !== null && typeof parsed === 'object';
    } catch {
      return false;
    }
  })();
  if (status >= 200 && status < 300 && !isJson)
    return { ok: true, detail: `${where} answered HTTP ${status}` };
  return {
    ok: false,
    detail: `${where} ${answer.problem?.startsWith('HTTP') ? `answered ${answer.problem}` : answer.problem}`
  };
}

export function createCanaryHealthCheck(
  spec: CanaryHealthSpec,
  deps: { http: HttpClient; clock: Clock }
): CanaryHealthCheck {
  const request = () =>
    deps.http.request({
      url: spec.url,
      headers: {
        accept: 'application/health+json, application/json;q=0.9, */*;q=0.1',
        ...spec.headers,
        'cache-control': 'no-cache'
      },
      timeoutMs: spec.timeoutMs,
      maxBodyBytes: 64 * 1024
    });
  return {
    async preflight() {
      let status: number;
      try {
        status = (await request()).status;
      } catch (error) {
        throw new ConfigurationError(
          `Input \`canary-health-url\`: ${displayUrl(spec.url)} does not answer (${errorMessage(error)}); nothing was changed.`
        );
      }
      if (status === 404) {
        throw new ConfigurationError(
          `Input \`canary-health-url\`: ${displayUrl(spec.url)} is not found (HTTP 404): is the path right? Nothing was changed.`
        );
      }
    },
    async check(window) {
      const wait = window.end - deps.clock.now();
      if (wait > 0) await deps.clock.sleep(wait);
      try {
        const response = await request();
        return judgeHealthAnswer(spec.url, response.status, response.body);
      } catch (error) {
        return { ok: false, detail: `${displayUrl(spec.url)} did not answer (${errorMessage(error)})` };
      }
    }
  };
}

/**
 * A measurement's evaluation with the canary's health check added: a passed check is recorded
 * beside the others; a failed one fails the measurement and stops the weight (rollback now).
 * Without a health check (undefined) the evaluation is returned as it was.
 */
export function withCanaryHealth(
  evaluation: MeasurementEvaluation,
  health: CanaryHealthResult | undefined
): MeasurementEvaluation {
  if (health === undefined) return evaluation;
  const check: CanaryCheck = {
    name: CANARY_HEALTH_CHECK,
    status: health.ok ? 'pass' : 'fail',
    limit: '2xx, no failing status',
    detail: health.detail
  };
  if (health.ok) return { ...evaluation, checks: [...evaluation.checks, check] };
  return {
    ...evaluation,
    status: 'fail',
    stop: true,
    reason: `the canary's health check failed: ${health.detail}`,
    checks: [...evaluation.checks, check]
  };
}
