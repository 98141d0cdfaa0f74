import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '@deploy-actions/core';
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
  headers: ['Authorization Bearer abc', 'Bad Name: value']
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

  it('has defaults equal to action.yml, except ready-path, whose default lives only in action.yml', () => {
    const withYmlDefaults = read(runnerInputs(URL_INPUT));
    const withNothing = read(URL_INPUT);
    expect(withYmlDefaults['ready-path']).toBe('/ready');
    expect(withNothing['ready-path']).toBeUndefined();
    expect({ ...withYmlDefaults, 'ready-path': undefined }).toEqual(withNothing);
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
      headers: undefined
    });
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
      headers: 'Authorization: Bearer abc\nX-Tenant: acme'
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
      headers: { authorization: 'Bearer abc', 'x-tenant': 'acme' }
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
      smoke: [{ line: 'GET /api 200', method: 'GET', path: '/api', status: '200' }]
    });
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
