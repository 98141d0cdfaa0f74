import type { Clock } from '../clock.ts';
import { HttpRequestError, errorMessage } from '../errors.ts';
import type { HttpClient } from '../http/client.ts';
import { withRetry } from '../http/retry.ts';

export interface NotificationResult {
  delivered: boolean;
  attempts: number;
  status?: number;
  error?: string;
}

class RetryableStatus extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined
  ) {
    super(`HTTP ${status}`);
  }
}

/**
 * POSTs a JSON notification to a webhook, retrying network failures, 429 and 5xx with backoff
 * (honouring Retry-After up to 30 s). Never throws: a notification that cannot be delivered is
 * reported, it does not fail a rollback.
 */
export async function sendNotification(
  body: unknown,
  options: {
    url: string;
    http: HttpClient;
    clock: Pick<Clock, 'sleep'>;
    attempts?: number;
    timeoutMs?: number;
  }
): Promise<NotificationResult> {
  let attempts = 0;
  try {
    const status = await withRetry(
      async () => {
        attempts++;
        const response = await options.http.request({
          method: 'POST',
          url: options.url,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          timeoutMs: options.timeoutMs ?? 10_000,
          maxBodyBytes: 64 * 1024
        });
        if (response.status === 429 || response.status >= 500) {
          const retryAfter = Number(response.headers['retry-after']);
          throw new RetryableStatus(
            response.status,
            Number.isFinite(retryAfter) ? Math.min(retryAfter, 30) * 1000 : undefined
          );
        }
        if (response.status < 200 || response.status >= 300) {
          throw new Error(`HTTP ${response.status}: ${response.body.slice(0, 200)}`);
        }
        return response.status;
      },
      {
        attempts: options.attempts ?? 4,
        baseDelayMs: 1000,
        clock: options.clock,
        shouldRetry: (error) => error instanceof RetryableStatus || error instanceof HttpRequestError,
        requestedDelayMs: (error) => (error instanceof RetryableStatus ? error.retryAfterMs : undefined)
      }
    );
    return { delivered: true, attempts, status };
  } catch (error) {
    return {
      delivered: false,
      attempts,
      ...(error instanceof RetryableStatus ? { status: error.status } : {}),
      error: errorMessage(error)
    };
  }
}
