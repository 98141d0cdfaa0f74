import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '@deploy-actions/core/errors';
import { toTrafficRouterSpec, trafficRouterSpecSchema } from '@deploy-actions/core/traffic';
import { canaryStepSchema, readCanaryStepInputs, type CanaryStepInputs } from '../src/inputs.ts';
import { toCanaryConfig } from '../src/main.ts';
import { actionYml, runnerInputs } from './action-yml.ts';

const BASE = {
  weight: '10',
  router: 'nginx',
  'nginx-upstream-file': '/etc/nginx/canary/upstream.conf',
  'nginx-stable-server': '10.0.0.11:8000',
  'nginx-canary-server': '10.0.0.12:8000',
  'probe-canary-url': 'http://10.0.0.12:8000/api/items',
  'probe-stable-url': 'http://10.0.0.11:8000/api/items'
};

function read(inputs: Record<string, string>, secrets: string[] = []): CanaryStepInputs {
  return readCanaryStepInputs(
    (name) => inputs[name] ?? '',
    (value) => secrets.push(value)
  );
}

function problems(inputs: Record<string, string>) {
  try {
    read(inputs);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).problems;
  }
  throw new Error(`expected ${JSON.stringify(inputs)} to be rejected`);
}

/** At least one invalid value for every input of action.yml. */
const INVALID: Record<string, string[]> = {
  weight: ['150', '-1', 'ten', '10.5'],
  steps: ['10,abc', '50,10', '0,50', '10,101'],
  duration: ['forever', '500ms', '7h'],
  interval: ['0s', '2h'],
  router: ['traefik', 'NGINX'],
  'nginx-upstream-file': ['/etc/nginx/a\nb.conf'],
  'nginx-upstream-name': ['my upstream', '1backend'],
  'nginx-stable-server': ['localhost', 'http://10.0.0.1:80', '10.0.0.1:99999'],
  'nginx-canary-server': ['10.0.0.12', '10.0.0.11:8000'],
  'nginx-test-command': ["nginx -t -c '/etc/nginx/nginx.conf"],
  'nginx-reload-command': ['nginx -s {signal}'],
  'haproxy-runtime-api': ['/run/haproxy/admin.sock', 'tcp://127.0.0.1:9999', '127.0.0.1:70000'],
  'haproxy-backend': ['app; disable server app/stable', 'my backend'],
  'haproxy-stable-server': ['stable\nshutdown sessions', 'app/stable'],
  'haproxy-canary-server': ['canary server'],
  'set-weight-command': ['./set-weight.sh {wieght}'],
  'command-timeout': ['0s', '11m'],
  metrics: ['datadog'],
  'probe-canary-url': ['ftp://canary', 'canary:8000'],
  'probe-stable-url': ['stable'],
  'probe-rps': ['0', 'fast', '1001'],
  'prometheus-url': ['prometheus:9090'],
  'prometheus-headers': ['Authorization Bearer tok'],
  'error-rate-query': ['sum(rate(http_requests_total{status=~"5.."}[5m]))'],
  'latency-p99-query': ['histogram_quantile(0.99, x{track="{{track}}"}[{{window}}])'],
  'requests-query': ['sum(increase(x{track="{{track}}"}[1m]))\nor vector(0)'],
  'extra-checks': ['checkouts sum(rate(x[1m])) > 1', 'checkouts: sum(rate(x[1m]))'],
  'max-error-rate-delta': ['-1', 'one', '101'],
  'max-p99-ratio': ['0.9', 'x'],
  'min-p99-delta': ['2m', 'soon'],
  'min-requests': ['0', '1.5', '301'],
  'failure-limit': ['-1', 'x'],
  'inconclusive-limit': ['-1'],
  'on-failure': ['ignore'],
  'on-inconclusive': ['promote'],
  history: ['{', '{"schema":"canary-step-history/v2","measurements":[]}'],
  'canary-health-url': ['canary:8000/health', 'ftp://canary/health'],
  'canary-health-headers': ['Authorization Bearer tok']
};

describe('the canary-step schema and action.yml', () => {
  it('has exactly the inputs of action.yml', () => {
    expect(Object.keys(canaryStepSchema.shape).sort()).toEqual(Object.keys(actionYml.inputs).sort());
  });

  it('has an invalid-value case for every input of action.yml', () => {
    expect(Object.keys(INVALID).sort()).toEqual(Object.keys(actionYml.inputs).sort());
  });

  it('marks only router as required', () => {
    expect(Object.entries(actionYml.inputs).flatMap(([name, i]) => (i.required ? [name] : []))).toEqual([
      'router'
    ]);
  });

  it.each(
    Object.entries(INVALID).flatMap(([input, values]) => values.map((value) => [input, value] as const))
  )('rejects %s = %j and names the input', (input, value) => {
    const found = problems({ ...BASE, [input]: value });
    expect(found).toHaveLength(1);
    expect(found[0]!.input).toBe(input);
    expect(found[0]!.expected.length).toBeGreaterThan(5);
  });

  it('has defaults equal to action.yml', () => {
    expect(read(runnerInputs(BASE))).toEqual(read(BASE));
  });

  it('parses the defaults to the contract values', () => {
    const inputs = read(BASE);
    expect(toCanaryConfig(inputs)).toEqual({
      weights: [10],
      durationMs: 300_000,
      intervalMs: 30_000,
      analysis: {
        maxErrorRateDeltaPp: 1,
        maxP99Ratio: 1.2,
        minP99DeltaMs: 5,
        minRequests: 50,
        failureLimit: 1,
        inconclusiveLimit: 1,
        extraChecks: []
      },
      onFailure: 'rollback',
      onInconclusive: 'rollback'
    });
    expect(inputs['nginx-reload-command']).toEqual(['nginx', '-s', 'reload']);
    expect(inputs['nginx-test-command']).toEqual(['nginx', '-t']);
    expect(inputs['probe-rps']).toBe(10);
  });
});

const HAPROXY = {
  router: 'haproxy',
  'haproxy-runtime-api': 'unix:/run/haproxy/admin.sock',
  'haproxy-backend': 'shop_api',
  'haproxy-stable-server': 'stable',
  'haproxy-canary-server': 'canary'
};

describe('the haproxy router inputs', () => {
  it('become a spec the post step can read back', () => {
    const { router, ...rest } = HAPROXY;
    const spec = toTrafficRouterSpec(read({ ...BASE, router, ...rest, 'command-timeout': '5s' }));
    expect(spec).toEqual({
      type: 'haproxy',
      runtimeApi: 'unix:/run/haproxy/admin.sock',
      backend: 'shop_api',
      stableServer: 'stable',
      canaryServer: 'canary',
      timeoutMs: 5000
    });
    expect(trafficRouterSpecSchema.parse(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
    expect(
      read({ ...BASE, ...HAPROXY, 'haproxy-runtime-api': '127.0.0.1:9999' })['haproxy-runtime-api']
    ).toBe('127.0.0.1:9999');
  });

  it.each(['haproxy-runtime-api', 'haproxy-backend', 'haproxy-stable-server', 'haproxy-canary-server'])(
    'needs %s',
    (input) => {
      const found = problems({ ...BASE, ...HAPROXY, [input]: '' });
      expect(found.map((p) => [p.input, p.expected])).toEqual([
        [input, expect.stringMatching(/required when router is haproxy/)]
      ]);
    }
  );

  it('refuses the same server for both tracks', () => {
    const found = problems({ ...BASE, ...HAPROXY, 'haproxy-canary-server': 'stable' });
    expect(found.map((p) => p.input)).toEqual(['haproxy-canary-server']);
  });
});

describe('rules between inputs', () => {
  it.each<[string, Record<string, string>, string, RegExp]>([
    ['neither weight nor steps', { weight: '' }, 'weight', /one of the two is required/],
    ['both weight and steps', { steps: '10,50' }, 'steps', /not both/],
    [
      'a duration shorter than the interval',
      { duration: '10s', interval: '30s' },
      'duration',
      /at least the interval/
    ],
    [
      'the nginx router without its file',
      { 'nginx-upstream-file': '' },
      'nginx-upstream-file',
      /required when router is nginx/
    ],
    [
      'the nginx router without the canary',
      { 'nginx-canary-server': '' },
      'nginx-canary-server',
      /required when router is nginx/
    ],
    [
      'the command router without its command',
      { router: 'command' },
      'set-weight-command',
      /required when router is command/
    ],
    [
      'prometheus without its URL',
      { metrics: 'prometheus' },
      'prometheus-url',
      /required when metrics is prometheus/
    ],
    [
      'the probe without its URLs',
      { 'probe-stable-url': '' },
      'probe-stable-url',
      /required when metrics is probe/
    ],
    [
      'extra checks with the probe',
      { 'extra-checks': 'up: up{job="x"} == 1' },
      'extra-checks',
      /unless metrics is prometheus/
    ],
    [
      'a probe rate that cannot reach min-requests',
      { 'probe-rps': '1', interval: '20s' },
      'min-requests',
      /at most 20: probe-rps × interval/
    ]
  ])('%s', (_name, change, input, expected) => {
    const found = problems({ ...BASE, ...change });
    expect(found.map((p) => p.input)).toEqual([input]);
    expect(found[0]!.expected).toMatch(expected);
  });

  it('accepts the command router and Prometheus with extra checks, custom queries and a history', () => {
    const history = JSON.stringify({ schema: 'canary-step-history/v1', measurements: [] });
    const inputs = read({
      steps: '10, 50, 100',
      router: 'command',
      'set-weight-command': `./scripts/set-weight.sh {weight} --upstream 'shop api'`,
      metrics: 'prometheus',
      'prometheus-url': 'https://metrics.example.com/prom',
      'extra-checks': 'checkout-rate: sum(rate(checkouts_total{track="{{track}}"}[{{interval}}])) > 0.5',
      'error-rate-query':
        'sum(rate(errors_total{version="{{track}}"}[{{interval}}])) / sum(rate(requests_total{version="{{track}}"}[{{interval}}]))',
      history
    });
    expect(inputs.steps).toEqual([10, 50, 100]);
    expect(inputs['set-weight-command']).toEqual([
      './scripts/set-weight.sh',
      '{weight}',
      '--upstream',
      'shop api'
    ]);
    expect(inputs['extra-checks']).toEqual([
      {
        name: 'checkout-rate',
        query: 'sum(rate(checkouts_total{track="{{track}}"}[{{interval}}]))',
        operator: '>',
        threshold: 0.5
      }
    ]);
    expect(inputs.history).toEqual({ schema: 'canary-step-history/v1', measurements: [] });
  });

  it('masks URL credentials and header values before parsing', () => {
    const secrets: string[] = [];
    expect(() =>
      read(
        {
          ...BASE,
          metrics: 'prometheus',
          'prometheus-url': 'https://reader:pw-4f1c9e@metrics.example.com',
          'prometheus-headers': 'Authorization: Bearer tok-9a8b7c\nX-Scope-OrgID: tenant-1',
          'probe-rps': 'fast'
        },
        secrets
      )
    ).toThrow(ConfigurationError);
    expect(secrets).toEqual(expect.arrayContaining(['pw-4f1c9e', 'Bearer tok-9a8b7c', 'tenant-1']));
    // A user name is not a secret: masking `reader` would rewrite every word containing it.
    expect(secrets).not.toContain('reader');
  });
});
