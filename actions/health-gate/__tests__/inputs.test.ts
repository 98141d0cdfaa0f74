import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '@deploy-actions/core/errors';
import { healthGateSchema, readHealthGateInputs, type HealthGateInputs } from '../src/inputs.ts';
import { toHealthGateConfig } from '../src/main.ts';
import { actionYml, runnerInputs } from './action-yml.ts';

const URL_INPUT = { url: 'https://staging-api.example.com' };

function read(inputs: Record<string, string>, secrets: string[] = []): HealthGateInputs {
  return readHealthGateInputs(
    (name) => inputs[name] ?? '',
    (value) => secrets.push(value)
  );
}

function configurationError(inputs: Record<string, string>): ConfigurationError {
  try {
    read(inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error(`expected ${JSON.stringify(inputs)} to be rejected`);
}

/** At least one invalid value for every input of action.yml. */
const INVALID: Record<string, string[]> = {
  url: ['ftp://staging-api.example.com', 'staging-api.example.com'],
  'health-path': ['health', 'https://x/health', '/he alth'],
  'ready-path': ['ready'],
  'expected-version': ['1.4 0', 'x'.repeat(129)],
  'expected-sha': ['abc12', 'xyz1234', '0'.repeat(41)],
  interval: ['soon', '50ms', '11m'],
  timeout: ['5x', '99ms', '6m'],
  'start-period': ['-1s', '2h'],
  retries: ['0', '1.5', 'three', '1001'],
  'success-threshold': ['0', '-2'],
  deadline: ['500ms', '7h', '1h1h'],
  'latency-samples': ['-1', 'lots', '100001'],
  'latency-path': ['api/ping'],
  'latency-concurrency': ['0', '257'],
  'max-p99': ['0', 'fast', '11m'],
  smoke: ['GET /api/items', 'GET /api/items 200 items\nFETCH api 200', 'GET /api 600'],
  headers: ['Authorization Bearer abc', 'Bad Name: value'],
  watch: ['soon', '-1m', '7h'],
  'watch-paths': ['api/items', '/api/items,health', ' , '],
  'watch-interval': ['500ms', '2h', 'often'],
  'watch-max-error-rate': ['-1', '101', 'one'],
  'watch-rps': ['0', '0.05', '101', 'fast'],
  'record-environment': ['/production', 'prod\nstaging'],
  'record-version': ['1.4 2'],
  'record-sha': ['3f78685', 'z'.repeat(40)],
  'record-images': [
    'api=ghcr.io/acme/api:1.4.2',
    `ghcr.io/acme/api@sha256:${'a'.repeat(64)}`,
    'api=ghcr.io/acme/api@sha256:abc'
  ],
  'record-alembic-head': ['ae10 27'],
  'github-token': ['ghs_a\nghs_b']
};

describe('the health-gate schema and action.yml', () => {
  it('has exactly the inputs of action.yml', () => {
    expect(Object.keys(healthGateSchema.shape).sort()).toEqual(Object.keys(actionYml.inputs).sort());
  });

  it('has an invalid-value case for every input of action.yml', () => {
    expect(Object.keys(INVALID).sort()).toEqual(Object.keys(actionYml.inputs).sort());
  });

  it('marks only url as required', () => {
    expect(Object.entries(actionYml.inputs).flatMap(([name, i]) => (i.required ? [name] : []))).toEqual([
      'url'
    ]);
  });

  it.each(
    Object.entries(INVALID).flatMap(([input, values]) => values.map((value) => [input, value] as const))
  )('rejects %s = %j and names the input', (input, value) => {
    const error = configurationError({ ...URL_INPUT, [input]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.input).toBe(input);
    expect(error.problems[0]!.expected.length).toBeGreaterThan(5);
    expect(error.message.startsWith(`Input \`${input}\`: got `)).toBe(true);
  });

  it('has defaults equal to action.yml, except ready-path and the token, whose defaults live only in action.yml', () => {
    const withYmlDefaults = read(runnerInputs(URL_INPUT));
    const withNothing = read(URL_INPUT);
    expect(withYmlDefaults['ready-path']).toBe('/ready');
    expect(withNothing['ready-path']).toBeUndefined();
    // The token's default is a runner expression (`github.token`).
    expect(withYmlDefaults['github-token']).toBe('${{ github.token }}');
    expect({ ...withYmlDefaults, 'ready-path': undefined, 'github-token': undefined }).toEqual(withNothing);
  });

  it('parses the defaults to the contract values', () => {
    expect(read(runnerInputs(URL_INPUT))).toEqual({
      url: 'https://staging-api.example.com',
      'health-path': '/health',
      'ready-path': '/ready',
      'expected-version': undefined,
      'expected-sha': undefined,
      interval: 5000,
      timeout: 5000,
      'start-period': 10_000,
      retries: 3,
      'success-threshold': 2,
      deadline: 300_000,
      'latency-samples': 0,
      'latency-path': undefined,
      'latency-concurrency': 4,
      'max-p99': 500,
      smoke: undefined,
      headers: undefined,
      watch: 0,
      'watch-paths': undefined,
      'watch-interval': 30_000,
      'watch-max-error-rate': 1,
      'watch-rps': 5,
      'record-environment': undefined,
      'record-version': undefined,
      'record-sha': undefined,
      'record-images': undefined,
      'record-alembic-head': undefined,
      'github-token': '${{ github.token }}'
    });
  });
});

describe('the watch inputs against each other', () => {
  const watching = { ...URL_INPUT, watch: '5m', deadline: '10m' };

  it.each([
    // [inputs, the input named, what it says]
    [{ 'watch-interval': '6m' }, 'watch-interval', 'at most the watch (5m)'],
    [
      { 'watch-rps': '0.1' },
      'watch-rps',
      'at least 0.2: watch-rps × watch-interval must send 5 requests a window'
    ],
    [{ 'watch-rps': '1', 'watch-interval': '4s' }, 'watch-rps', 'at least 1.3'],
    [{ deadline: '5m' }, 'watch', 'at most 4m50s: deadline (5m) covers the watch too'],
    [
      { deadline: '5m30s', 'success-threshold': '5', interval: '10s', timeout: '2s' },
      'watch',
      'at most 4m48s: deadline (5m30s) covers the watch too, after the fastest gate (5 passing probes every 10s with timeout 2s: 42s); raise deadline or shorten watch'
    ]
  ])('%j is refused, naming %s', (inputs, input, says) => {
    const error = configurationError({ ...watching, ...inputs });
    expect(error.problems.map((p) => p.input)).toEqual([input]);
    expect(error.problems[0]!.expected.startsWith(says)).toBe(true);
  });

  it('accepts a watch that fits: a window of exactly the watch, 5 requests a window, the deadline just enough', () => {
    const inputs = read({
      ...URL_INPUT,
      watch: '4m50s',
      'watch-interval': '4m50s',
      'watch-rps': '0.1',
      deadline: '5m'
    });
    expect(inputs.watch).toBe(290_000);
  });

  it('checks nothing between the watch inputs when watch is 0', () => {
    expect(read({ ...URL_INPUT, 'watch-interval': '1h', 'watch-rps': '0.1' }).watch).toBe(0);
  });

  it('reads watch-paths from commas or new lines', () => {
    expect(
      read({ ...watching, 'watch-paths': '/api/items, /health\n/api/orders?limit=1' })['watch-paths']
    ).toEqual(['/api/items', '/health', '/api/orders?limit=1']);
  });
});

describe('readHealthGateInputs', () => {
  it('parses every kind of value', () => {
    const inputs = read({
      url: 'http://127.0.0.1:8000/',
      'health-path': '/healthz',
      'ready-path': '/readyz?full=1',
      'expected-version': 'v1.4.0-rc.1',
      'expected-sha': 'ABCDEF0',
      interval: '1.5',
      timeout: '750ms',
      'start-period': '0',
      retries: '5',
      'success-threshold': '1',
      deadline: '1h30m',
      'latency-samples': '100',
      'latency-path': '/api/ping',
      'latency-concurrency': '8',
      'max-p99': '1s',
      smoke: 'GET /api/items 200 "items"\n\n# orders\npost /api/orders 2XX',
      headers: 'Authorization: Bearer abc\nX-Tenant: acme',
      watch: '90',
      'watch-paths': '/api/items,/health',
      'watch-interval': '15s',
      'watch-max-error-rate': '0.5',
      'watch-rps': '2.5'
    });
    expect(inputs).toEqual({
      url: 'http://127.0.0.1:8000',
      'health-path': '/healthz',
      'ready-path': '/readyz?full=1',
      'expected-version': 'v1.4.0-rc.1',
      'expected-sha': 'ABCDEF0',
      interval: 1500,
      timeout: 750,
      'start-period': 0,
      retries: 5,
      'success-threshold': 1,
      deadline: 5_400_000,
      'latency-samples': 100,
      'latency-path': '/api/ping',
      'latency-concurrency': 8,
      'max-p99': 1000,
      smoke: [
        {
          line: 'GET /api/items 200 "items"',
          method: 'GET',
          path: '/api/items',
          status: '200',
          bodyContains: '"items"'
        },
        { line: 'post /api/orders 2XX', method: 'POST', path: '/api/orders', status: '2xx' }
      ],
      headers: { authorization: 'Bearer abc', 'x-tenant': 'acme' },
      watch: 90_000,
      'watch-paths': ['/api/items', '/health'],
      'watch-interval': 15_000,
      'watch-max-error-rate': 0.5,
      'watch-rps': 2.5
    });
  });

  it('says that url is required', () => {
    const error = configurationError({});
    expect(error.message).toBe('Input `url`: got nothing; expected a value (this input is required)');
  });

  it('reports every invalid input at once', () => {
    const error = configurationError({ url: '', interval: 'soon', retries: '0', smoke: 'GET /x' });
    expect(error.problems.map((p) => p.input)).toEqual(['url', 'interval', 'retries', 'smoke']);
    expect(error.message.split('\n')[0]).toBe('4 inputs are invalid:');
  });

  it('says which smoke line does not fit', () => {
    const error = configurationError({ ...URL_INPUT, smoke: 'GET /a 200\nGET /b' });
    expect(error.problems[0]!.expected).toContain('(line 2, "GET /b", does not fit)');
  });

  it('masks URL credentials and header values before parsing, and never shows them', () => {
    const secrets: string[] = [];
    expect(() =>
      read(
        {
          url: 'https://deploy:p%40ss-w0rd@staging-api.example.com',
          headers: 'Authorization: Bearer tok-123456\nX-Api-Key sk-live-abcdef',
          interval: 'soon'
        },
        secrets
      )
    ).toThrow(ConfigurationError);
    expect(secrets).toEqual(['p@ss-w0rd', 'Bearer tok-123456', 'X-Api-Key sk-live-abcdef']);
    const error = configurationError({
      url: 'https://deploy:p%40ss-w0rd@staging-api.example.com',
      headers: 'Authorization: Bearer tok-123456\nX-Api-Key sk-live-abcdef'
    });
    expect(error.problems).toEqual([
      {
        input: 'headers',
        shownValue: JSON.stringify('Authorization: ***\\n***'),
        expected: 'one `Name: value` header a line, with a valid header name'
      }
    ]);
    expect(error.message).not.toMatch(/tok-123456|sk-live|p%40ss|p@ss/);
  });

  it('shows an invalid url with its password masked', () => {
    const error = configurationError({ url: 'ftp://user:hunter22@example.com' });
    expect(error.problems[0]).toMatchObject({ input: 'url', shownValue: '"ftp://user:***@example.com"' });
    expect(error.message).not.toContain('hunter22');
    expect(configurationError({ url: 'ftp://example.com' }).problems[0]!.shownValue).toBe(
      '"ftp://example.com"'
    );
  });
});

describe('toHealthGateConfig', () => {
  it('maps the inputs onto the gate configuration', () => {
    expect(
      toHealthGateConfig(
        read(
          runnerInputs({
            ...URL_INPUT,
            'expected-version': '1.4.0',
            'expected-sha': 'abcdef0',
            headers: 'X-Tenant: acme',
            smoke: 'GET /api 200'
          })
        )
      )
    ).toEqual({
      target: {
        url: 'https://staging-api.example.com',
        healthPath: '/health',
        readyPath: '/ready',
        expectedVersion: '1.4.0',
        expectedSha: 'abcdef0',
        headers: { 'x-tenant': 'acme' },
        timeoutMs: 5000
      },
      gate: { intervalMs: 5000, startPeriodMs: 10_000, retries: 3, successThreshold: 2, deadlineMs: 300_000 },
      latencySamples: 0,
      latencyPath: '/health',
      latencyConcurrency: 4,
      maxP99Ms: 500,
      smoke: [{ line: 'GET /api 200', method: 'GET', path: '/api', status: '200' }],
      watch: undefined
    });
  });

  it('maps the watch, on latency-path unless watch-paths is set, judged against max-p99', () => {
    const watching = { ...URL_INPUT, watch: '2m', 'max-p99': '300ms', 'latency-path': '/api/ping' };
    expect(toHealthGateConfig(read(runnerInputs(watching))).watch).toEqual({
      durationMs: 120_000,
      intervalMs: 30_000,
      paths: ['/api/ping'],
      rps: 5,
      maxErrorRate: 1,
      maxP99Ms: 300
    });
    expect(
      toHealthGateConfig(read(runnerInputs({ ...watching, 'watch-paths': '/api/items,/health' }))).watch
        ?.paths
    ).toEqual(['/api/items', '/health']);
  });

  it('samples latency on health-path unless latency-path is set, and leaves out what is unset', () => {
    const config = toHealthGateConfig(read({ ...URL_INPUT, 'health-path': '/healthz' }));
    expect(config.latencyPath).toBe('/healthz');
    expect(config.target).toEqual({
      url: 'https://staging-api.example.com',
      healthPath: '/healthz',
      headers: {},
      timeoutMs: 5000
    });
    expect(config.smoke).toEqual([]);
  });
});
