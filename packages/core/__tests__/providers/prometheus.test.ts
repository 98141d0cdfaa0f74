import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/clock.ts';
import { ConfigurationError, HttpRequestError } from '../../src/errors.ts';
import type { HttpClient, HttpRequest, HttpResponse } from '../../src/http/client.ts';
import { createPrometheusProvider, parseQueryResponse } from '../../src/providers/metrics/prometheus.ts';
import { MetricError } from '../../src/providers/metrics/provider.ts';
import {
  DEFAULT_ERROR_RATE_QUERY,
  DEFAULT_LATENCY_P99_QUERY,
  DEFAULT_REQUESTS_QUERY,
  fillTemplate,
  holdsComparison,
  parseExtraCheckLine,
  parseQueryTemplate,
  promDuration
} from '../../src/providers/metrics/promql.ts';
import type { PrometheusSpec } from '../../src/providers/metrics/prometheus.ts';

const vector = (...values: string[]) =>
  JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: values.map((v) => ({ metric: {}, value: [1767268800, v] })) }
  });

describe('parseQueryResponse', () => {
  it.each([
    ['one series', vector('12.5'), { kind: 'value', value: 12.5 }],
    ['an empty vector', vector(), { kind: 'empty' }],
    ['NaN', vector('NaN'), { kind: 'value', value: Number.NaN }],
    ['+Inf', vector('+Inf'), { kind: 'value', value: Number.POSITIVE_INFINITY }],
    [
      'a scalar',
      JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '3'] } }),
      { kind: 'value', value: 3 }
    ]
  ])('reads %s', (_name, body, expected) => {
    expect(parseQueryResponse(body, 'q')).toEqual(expected);
  });

  it.each([
    ['HTML', '<html>502 Bad Gateway</html>', /q: the answer is not JSON/],
    [
      'an error',
      JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at char 5' }),
      /q: Prometheus answered bad_data: parse error at char 5/
    ],
    [
      'several series',
      vector('1', '2', '3'),
      /returned 3 series where one number was expected; aggregate it/
    ],
    [
      'a matrix',
      JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }),
      /expected an instant vector or a scalar, got matrix/
    ],
    ['a value that is not a number', vector('twelve'), /the sample is not a number/],
    [
      'an error carrying workflow commands, on one line',
      JSON.stringify({
        status: 'error',
        errorType: 'bad_data',
        error: 'x\n::add-mask::y\r::stop-commands::z'
      }),
      /^q: Prometheus answered bad_data: x\\n::add-mask::y\\r::stop-commands::z$/
    ]
  ])('refuses %s', (_name, body, message) => {
    expect(() => parseQueryResponse(body, 'q')).toThrow(message);
    try {
      parseQueryResponse(body, 'q');
    } catch (error) {
      expect(error).toBeInstanceOf(MetricError);
    }
  });
});

describe('PromQL templates and extra checks', () => {
  it('fills {{track}} and {{interval}}', () => {
    expect(fillTemplate(DEFAULT_REQUESTS_QUERY, { track: 'canary', intervalMs: 30_000 })).toBe(
      'sum(increase(http_requests_total{track="canary"}[30s])) or vector(0)'
    );
    expect(promDuration(2500)).toBe('2500ms');
    expect(
      fillTemplate('rate(x{t="{{ track }}"}[{{interval}}])', { track: 'stable', intervalMs: 1500 })
    ).toBe('rate(x{t="stable"}[1500ms])');
  });

  it.each([
    ['sum(rate(x[5m]))', undefined],
    ['sum(rate(x{track="{{track}}"}[{{window}}]))', undefined],
    ['a\nb{{track}}', undefined],
    [DEFAULT_ERROR_RATE_QUERY, DEFAULT_ERROR_RATE_QUERY],
    [DEFAULT_LATENCY_P99_QUERY, DEFAULT_LATENCY_P99_QUERY]
  ])('template %j', (text, expected) => {
    expect(parseQueryTemplate(text)).toBe(expected);
  });

  it.each([
    [
      'checkout-rate: sum(rate(checkouts_total{track="{{track}}"}[{{interval}}])) > 0.5',
      { name: 'checkout-rate', operator: '>', threshold: 0.5 }
    ],
    [
      'mem: max(container_memory_bytes{pod=~"shop-canary.*"}) <= 5e8',
      { name: 'mem', operator: '<=', threshold: 5e8 }
    ],
    [
      'flag: (up{job="x"} > 0) == 1',
      { name: 'flag', query: '(up{job="x"} > 0)', operator: '==', threshold: 1 }
    ]
  ])('extra check %j', (line, expected) => {
    expect(parseExtraCheckLine(line)).toMatchObject(expected);
  });

  it.each([
    'no colon here > 1',
    'name: up{job="x"}',
    'name: > 1',
    '9name: up > 1',
    'x: up{a="{{nope}}"} > 1'
  ])('rejects extra check %j', (line) => {
    expect(parseExtraCheckLine(line)).toBeUndefined();
  });

  it('compares', () => {
    expect(holdsComparison(1, '<', 2)).toBe(true);
    expect(holdsComparison(2, '<=', 2)).toBe(true);
    expect(holdsComparison(2, '!=', 2)).toBe(false);
    expect(holdsComparison(3, '>=', 2)).toBe(true);
    expect(holdsComparison(2, '==', 2)).toBe(true);
  });
});

/** A fake Prometheus: answers each query from a function of the PromQL. */
class FakePrometheus implements HttpClient {
  readonly requests: HttpRequest[] = [];
  constructor(private readonly answer: (promql: string, time: number) => HttpResponse | Error) {}
  async request(request: HttpRequest): Promise<HttpResponse> {
    this.requests.push(request);
    const url = new URL(request.url);
    const answer = this.answer(url.searchParams.get('query') ?? '', Number(url.searchParams.get('time')));
    if (answer instanceof Error) throw answer;
    return answer;
  }
}
const ok = (body: string): HttpResponse => ({ status: 200, headers: {}, body, latencyMs: 1 });

const spec: PrometheusSpec = {
  type: 'prometheus',
  url: 'http://prometheus:9090/',
  headers: { authorization: 'Bearer tok-123' },
  queries: {
    requests: DEFAULT_REQUESTS_QUERY,
    errorRate: DEFAULT_ERROR_RATE_QUERY,
    latencyP99: DEFAULT_LATENCY_P99_QUERY
  },
  extraChecks: [
    {
      name: 'checkouts',
      query: 'sum(rate(checkouts_total{track="{{track}}"}[{{interval}}]))',
      operator: '>',
      threshold: 0
    }
  ]
};

describe('the Prometheus provider', () => {
  it('waits for the window to end, then reads both tracks at that instant', async () => {
    const clock = new ManualClock(0, Date.UTC(2026, 0, 1, 12, 0, 0));
    const http = new FakePrometheus((promql) => {
      const canary = promql.includes('"canary"');
      if (promql.startsWith('sum(increase')) return ok(vector(canary ? '60' : '540'));
      if (promql.startsWith('(sum')) return ok(vector(canary ? '0.05' : '0.0018'));
      if (promql.startsWith('histogram_quantile')) return ok(vector(canary ? '0.12' : '0.08'));
      return ok(vector('1.5'));
    });
    const provider = createPrometheusProvider(spec, { http, clock });
    const canary = await provider.measure('canary', { end: 30_000, durationMs: 30_000 });
    expect(clock.now()).toBe(30_000);
    expect(canary).toEqual({ requests: 60, errors: 3, p99Ms: 120, extra: { checkouts: 1.5 } });
    const stable = await provider.measure('stable', { end: 30_000, durationMs: 30_000 });
    expect(stable).toEqual({ requests: 540, errors: 1, p99Ms: 80, extra: { checkouts: 1.5 } });
    const first = new URL(http.requests[0]!.url);
    expect(first.origin + first.pathname).toBe('http://prometheus:9090/api/v1/query');
    expect(first.searchParams.get('time')).toBe(String(Date.UTC(2026, 0, 1, 12, 0, 30) / 1000) + '.000');
    expect(http.requests.every((r) => r.headers?.authorization === 'Bearer tok-123')).toBe(true);
    expect(http.requests.map((r) => new URL(r.url).searchParams.get('query'))).toContain(
      'sum(increase(http_requests_total{track="canary"}[30s])) or vector(0)'
    );
  });

  it('counts no traffic as zero requests (inconclusive later), never as an error', async () => {
    const http = new FakePrometheus((promql) =>
      ok(promql.startsWith('sum(increase') ? vector('0') : vector('NaN'))
    );
    const provider = createPrometheusProvider(
      { ...spec, extraChecks: [] },
      { http, clock: new ManualClock() }
    );
    expect(await provider.measure('stable', { end: 0, durationMs: 30_000 })).toEqual({
      requests: 0,
      errors: 0
    });
  });

  it.each([
    [
      'an error ratio above 1',
      (q: string) => (q.startsWith('(sum') ? vector('42') : vector('100')),
      /expected a share of failed requests from 0 to 1/
    ],
    [
      'no error ratio while requests were counted',
      (q: string) => (q.startsWith('(sum') ? vector() : vector('100')),
      /returned no value while requests-query counted 100/
    ],
    [
      'a negative count',
      (q: string) => (q.startsWith('sum(increase') ? vector('-5') : vector('0')),
      /returned -5; expected a count/
    ],
    [
      'a negative latency',
      (q: string) => (q.startsWith('histogram') ? vector('-1') : vector('0')),
      /returned -1; expected seconds/
    ]
  ])('refuses %s as garbage', async (_name, answer, message) => {
    const http = new FakePrometheus((q) => ok(answer(q)));
    const provider = createPrometheusProvider(
      { ...spec, extraChecks: [] },
      { http, clock: new ManualClock() }
    );
    await expect(provider.measure('canary', { end: 0, durationMs: 30_000 })).rejects.toThrow(message);
  });

  it('retries once when Prometheus is unreachable, then fails the measurement', async () => {
    const http = new FakePrometheus(() => new HttpRequestError('connection refused', 'refused', 1));
    const clock = new ManualClock();
    const provider = createPrometheusProvider(
      { ...spec, extraChecks: [] },
      { http, clock, random: () => 0.5 }
    );
    const error = await provider.measure('canary', { end: 0, durationMs: 30_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricError);
    expect((error as MetricError).kind).toBe('unavailable');
    expect((error as Error).message).toMatch(/did not answer \(connection refused\)/);
    expect(http.requests).toHaveLength(6);
  });

  it('preflight: every query once; rejected queries are named by their input', async () => {
    const http = new FakePrometheus((q) =>
      q.includes('checkouts')
        ? {
            status: 400,
            headers: {},
            latencyMs: 1,
            body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: '1:5: parse error' })
          }
        : ok(vector('1'))
    );
    const provider = createPrometheusProvider(spec, { http, clock: new ManualClock() });
    const error = await provider.preflight!().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems).toEqual([
      expect.objectContaining({
        input: 'extra-checks',
        expected: expect.stringContaining('bad_data: 1:5: parse error')
      })
    ]);
    const down = createPrometheusProvider(spec, {
      http: new FakePrometheus(() => new HttpRequestError('connection refused', 'refused', 1)),
      clock: new ManualClock(),
      random: () => 0
    });
    await expect(down.preflight!()).rejects.toThrow(
      /^Input `prometheus-url`: http:\/\/prometheus:9090 does not answer queries/
    );
  });
});
