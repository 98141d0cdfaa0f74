/**
 * A fake HttpClient for timing tests: a script decides each answer from the request and the
 * ManualClock's time, and the fake moves the clock by the request's simulated duration. Requests
 * started together (a probe's /health and /ready, latency workers) overlap in simulated time.
 */
import type { ManualClock } from '../../src/clock.ts';
import { HttpRequestError } from '../../src/errors.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/http/client.ts';
import { formatDuration } from '../../src/inputs/duration.ts';

/** What the service does with one request. A duration above the request's timeout is a timeout. */
export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string>; durationMs?: number }
  | { error: Exclude<HttpRequestError['kind'], 'timeout'>; message?: string; durationMs?: number };

export interface RecordedRequest {
  method: string;
  url: string;
  /** Path and query of the URL. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Clock time when the request was sent. */
  atMs: number;
  /** Clock time when it completed or failed; undefined while in flight. */
  endMs?: number;
}

export type Script = (request: RecordedRequest) => Reply;

const ERROR_MESSAGES: Record<string, string> = {
  refused: 'connection refused',
  reset: 'connection reset by the server',
  dns: 'host name not found (ENOTFOUND)',
  'too-large': 'response body larger than 1048576 bytes',
  network: 'socket hang up'
};

export class ScriptedHttp implements HttpClient {
  readonly requests: RecordedRequest[] = [];
  /** The most requests that were in flight at once. */
  maxInFlight = 0;
  private inFlight = 0;

  constructor(
    private readonly clock: ManualClock,
    private readonly script: Script,
    private readonly defaultDurationMs = 10
  ) {}

  /** Requests whose path starts with `prefix`. */
  to(prefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  async request(request: HttpRequest): Promise<HttpResponse> {
    const url = new URL(request.url);
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      url: request.url,
      path: `${url.pathname}${url.search}`,
      headers: { ...request.headers },
      ...(request.body !== undefined ? { body: request.body } : {}),
      timeoutMs: request.timeoutMs,
      atMs: this.clock.now()
    };
    this.requests.push(recorded);
    const reply = this.script(recorded);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    // Let the caller start its other concurrent requests at the same clock time before time moves.
    await Promise.resolve();
    const durationMs = reply.durationMs ?? this.defaultDurationMs;
    const tookMs = Math.min(durationMs, request.timeoutMs);
    const endMs = recorded.atMs + tookMs;
    if (endMs > this.clock.now()) this.clock.advance(endMs - this.clock.now());
    recorded.endMs = endMs;
    this.inFlight--;
    if (durationMs > request.timeoutMs) {
      throw new HttpRequestError(
        `no response within ${formatDuration(request.timeoutMs)}`,
        'timeout',
        tookMs
      );
    }
    if ('error' in reply) {
      throw new HttpRequestError(
        reply.message ?? ERROR_MESSAGES[reply.error] ?? reply.error,
        reply.error,
        tookMs
      );
    }
    return {
      status: reply.status,
      headers: { 'content-type': 'application/json', ...reply.headers },
      body:
        typeof reply.body === 'string'
          ? reply.body
          : reply.body === undefined
            ? ''
            : JSON.stringify(reply.body),
      latencyMs: tookMs
    };
  }
}
