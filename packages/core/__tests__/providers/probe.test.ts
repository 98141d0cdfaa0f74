import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/clock.ts';
import { ConfigurationError, HttpRequestError } from '../../src/errors.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/http/client.ts';
import { createProbeProvider } from '../../src/providers/metrics/probe.ts';

/** Answers at once (the clock does not move): the probe's schedule alone moves time. */
class InstantHttp implements HttpClient {
  readonly sent: { url: string; atMs: number; headers: Record<string, string> }[] = [];
  constructor(
    private readonly clock: ManualClock,
    private readonly answer: (n: number, url: string) => HttpResponse | Error
  ) {}
  async request(request: HttpRequest): Promise<HttpResponse> {
    this.sent.push({ url: request.url, atMs: this.clock.now(), headers: request.headers ?? {} });
    const answer = this.answer(this.sent.length, request.url);
    if (answer instanceof Error) throw answer;
    return answer;
  }
}
const status = (code: number, latencyMs = 12): HttpResponse => ({
  status: code,
  headers: {},
  body: '',
  latencyMs
});

describe('the probe provider', () => {
  it('sends probe-rps requests for the whole window to the track URL and counts what failed', async () => {
    const clock = new ManualClock();
    const http = new InstantHttp(clock, (n) =>
      n % 10 === 0
        ? status(500, 3)
        : n % 25 === 0
          ? new HttpRequestError('connection reset by the server', 'reset', 2)
          : status(200, 10 + (n % 7))
    );
    const provider = createProbeProvider(
      {
        type: 'probe',
        canaryUrl: 'http://canary:8000/api/items',
        stableUrl: 'http://stable:8000/api/items',
        rps: 20
      },
      { http, clock }
    );
    const result = await provider.measure('canary', { end: 5000, durationMs: 5000 });
    expect(http.sent).toHaveLength(100);
    expect(http.sent.every((s) => s.url === 'http://canary:8000/api/items')).toBe(true);
    expect(http.sent.every((s) => s.headers['cache-control'] === 'no-cache')).toBe(true);
    expect(http.sent.map((s) => s.atMs).slice(0, 3)).toEqual([0, 50, 100]);
    expect(result.requests).toBe(100);
    // Every tenth answered 500; the 25th and 75th got no answer (they count as errors without a latency).
    expect(result.errors).toBe(12);
    expect(result.errorsByReason).toEqual({ 'HTTP 500': 10, 'connection reset by the server': 2 });
    expect(result.latenciesMs).toHaveLength(98);
    expect(result.p99Ms).toBe(16);
  });

  it('preflight fails without moving traffic when a URL does not answer', async () => {
    const clock = new ManualClock();
    const http = new InstantHttp(clock, (_n, url) =>
      url.includes('canary') ? new HttpRequestError('connection refused', 'refused', 1) : status(200)
    );
    const provider = createProbeProvider(
      {
        type: 'probe',
        canaryUrl: 'http://u:pw-secret@canary:8000/x',
        stableUrl: 'http://stable:8000/x',
        rps: 10
      },
      { http, clock }
    );
    const error = await provider.preflight!().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toBe(
      'Input `probe-canary-url`: http://***@canary:8000/x does not answer (connection refused); nothing was changed.'
    );
  });
});
