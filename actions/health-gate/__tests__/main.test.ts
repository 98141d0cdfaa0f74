import { describe, expect, it } from '@jest/globals';
import { runAction } from '@deploy-actions/core/action';
import { ManualClock } from '@deploy-actions/core/clock';
import { ConfigurationError, VerdictFailure } from '@deploy-actions/core/errors';
import {
  type CreateGitHubDeploymentInput,
  type CreateGitHubDeploymentStatusInput,
  type GitHubClient,
  type GitHubDeployment,
  type GitHubDeploymentStatus
} from '@deploy-actions/core/github';
import { type HealthGateReport } from '@deploy-actions/core/health';
import { fakeContext } from '../../../packages/core/__tests__/fakes/fake-context.ts';
import {
  ScriptedHttp,
  type Reply,
  type Script
} from '../../../packages/core/__tests__/fakes/scripted-http.ts';
import { readHealthGateInputs } from '../src/inputs.ts';
import { runWith, toDeployRecordPlan } from '../src/main.ts';
import { actionYml, runnerInputs } from './action-yml.ts';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const PASSWORD = 'hunter2-pass';
const TOKEN = 'tok-123456';

const healthBody = { status: 'ok', version: '1.4.0', git_sha: SHA, uptime_seconds: 30 };
const redisDown: Reply = {
  status: 503,
  body: { status: 'fail', checks: [{ name: 'redis', status: 'fail', error: 'Connection refused' }] }
};

function service(options: { ready?: Reply } = {}): Script {
  let pings = 0;
  return (request) => {
    switch (request.path) {
      case '/health':
        return { status: 200, body: healthBody };
      case '/ready':
        return options.ready ?? { status: 200, body: { status: 'ok', checks: [] } };
      case '/api/ping':
        // 20, 21, ... 29 ms
        return { status: 200, body: { pong: true }, durationMs: 20 + pings++ };
      case '/api/items':
        return { status: 200, body: { items: [] } };
      default:
        return { status: 404 };
    }
  };
}

function setup(script: Script) {
  const clock = new ManualClock();
  const http = new ScriptedHttp(clock, script);
  return { clock, http };
}

const workflowInputs = {
  url: `https://deploy:${PASSWORD}@staging-api.example.com/`,
  'expected-version': 'v1.4.0',
  'expected-sha': SHA.slice(0, 10),
  interval: '2s',
  'start-period': '0',
  'latency-samples': '10',
  'latency-path': '/api/ping',
  'latency-concurrency': '2',
  smoke: 'GET /api/items 200 items',
  headers: `Authorization: Bearer ${TOKEN}\nX-Tenant: acme`
};

describe('run', () => {
  it('sets every output of the contract for a healthy service', async () => {
    const { http, clock } = setup(service());
    const fake = fakeContext(runnerInputs(workflowInputs));
    await runWith(fake.context, { http, clock });

    expect(Object.keys(fake.outputs).sort()).toEqual(Object.keys(actionYml.outputs).sort());
    const { report, ...plain } = fake.outputs;
    expect(plain).toEqual({
      healthy: 'true',
      version: '1.4.0',
      'git-sha': SHA,
      'uptime-seconds': '30',
      attempts: '2',
      'elapsed-seconds': '2',
      'p50-ms': '24',
      'p95-ms': '29',
      'p99-ms': '29',
      'watch-error-rate': '',
      'watch-p99-ms': '',
      'watch-requests': '',
      'failed-checks': '[]',
      'deployment-id': ''
    });
    const parsed = JSON.parse(report!) as HealthGateReport;
    expect(parsed).toMatchObject({
      schema: 'health-gate/v1',
      healthy: true,
      target: { url: 'https://***@staging-api.example.com', readyPath: '/ready', expectedVersion: 'v1.4.0' },
      gate: { status: 'passed', attempts: 2, elapsedSeconds: 2 },
      smoke: [{ check: 'GET /api/items 200 items', passed: true }]
    });
    expect(fake.summaries).toHaveLength(1);
    expect(fake.summaries[0]).toMatch(/^## ✅ health-gate: healthy\n/);
    expect(fake.failures).toEqual([]);
  });

  it('masks the URL credentials and header values, sends them, and never writes them out', async () => {
    const { http, clock } = setup(service());
    const fake = fakeContext(runnerInputs(workflowInputs));
    await runWith(fake.context, { http, clock });

    expect(fake.secrets).toEqual([PASSWORD, `Bearer ${TOKEN}`, 'acme', '${{ github.token }}']);
    expect(http.requests[0]!.url).toBe(`https://deploy:${PASSWORD}@staging-api.example.com/health`);
    for (const request of http.requests) {
      expect(request.headers).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'x-tenant': 'acme' });
    }
    const written = [...Object.values(fake.outputs), ...fake.summaries, ...fake.logger.lines].join('\n');
    expect(written).not.toContain(PASSWORD);
    expect(written).not.toContain(TOKEN);
  });

  it('reports, writes the summary, then throws VerdictFailure for an unhealthy service', async () => {
    const { http, clock } = setup(service({ ready: redisDown }));
    const fake = fakeContext(
      runnerInputs({
        url: 'https://staging-api.example.com',
        interval: '1s',
        'start-period': '0',
        retries: '2'
      })
    );
    const error = await runWith(fake.context, { http, clock }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(VerdictFailure);
    const report = JSON.parse(fake.outputs.report!) as HealthGateReport;
    expect((error as VerdictFailure).message).toBe(report.verdict);
    expect(report.verdict).toMatch(/^Unhealthy: 2 consecutive failed probes after the start period; /);
    expect(fake.outputs).toMatchObject({
      healthy: 'false',
      version: '1.4.0',
      attempts: '2',
      'elapsed-seconds': '1',
      'p50-ms': '',
      'p95-ms': '',
      'p99-ms': '',
      'watch-requests': ''
    });
    expect(JSON.parse(fake.outputs['failed-checks']!)).toEqual([
      { name: 'ready', error: 'GET /ready HTTP 503 (redis: Connection refused)' },
      { name: 'redis', error: 'Connection refused' }
    ]);
    expect(fake.summaries).toHaveLength(1);
    expect(fake.summaries[0]).toContain('Dependency `redis` is failing (Connection refused)');
    expect(http.to('/api/')).toEqual([]);
  });

  it('leaves readiness out when ready-path is empty (a local run without action.yml defaults)', async () => {
    const { http, clock } = setup(service({ ready: redisDown }));
    const fake = fakeContext({ url: 'https://staging-api.example.com', interval: '1s' });
    await runWith(fake.context, { http, clock });
    expect(fake.outputs.healthy).toBe('true');
    expect(http.to('/ready')).toEqual([]);
    expect(http.to('/health')).toHaveLength(2);
  });

  it('samples latency on health-path when latency-path is unset', async () => {
    const { http, clock } = setup((request) =>
      request.path === '/healthz' ? { status: 200, body: healthBody, durationMs: 15 } : { status: 404 }
    );
    const fake = fakeContext({
      url: 'https://staging-api.example.com',
      'health-path': '/healthz',
      'latency-samples': '5'
    });
    await runWith(fake.context, { http, clock });
    expect(http.to('/healthz')).toHaveLength(2 + 5);
    expect(fake.outputs['p99-ms']).toBe('15');
  });

  it('watches the service after the gate, with headers, and sets the watch outputs', async () => {
    const { http, clock } = setup(service());
    const fake = fakeContext(
      runnerInputs({
        ...workflowInputs,
        'latency-samples': '0',
        watch: '6s',
        'watch-interval': '2s',
        'watch-rps': '4',
        'watch-paths': '/api/items, /health'
      })
    );
    await runWith(fake.context, { http, clock });
    expect(fake.outputs).toMatchObject({
      healthy: 'true',
      'watch-error-rate': '0',
      'watch-p99-ms': '10',
      'watch-requests': '24'
    });
    const watched = http.requests.filter((r) => r.headers['cache-control'] === 'no-cache').slice(-24);
    expect(watched.map((r) => r.path).slice(0, 4)).toEqual([
      '/api/items',
      '/health',
      '/api/items',
      '/health'
    ]);
    expect(watched.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const report = JSON.parse(fake.outputs.report!) as HealthGateReport;
    expect(report.watch?.windows.map((w) => [w.window, w.requests, w.verdict])).toEqual([
      [1, 8, 'pass'],
      [2, 8, 'pass'],
      [3, 8, 'pass']
    ]);
    expect(fake.summaries[0]).toContain('### Post-deploy watch ✅');
  });

  it('watches latency-path when watch-paths is unset', async () => {
    const { http, clock } = setup(service());
    const fake = fakeContext({
      url: 'https://staging-api.example.com',
      'latency-path': '/api/items',
      watch: '2s',
      'watch-interval': '1s'
    });
    await runWith(fake.context, { http, clock });
    expect(fake.outputs['watch-requests']).toBe('10');
    expect(http.to('/api/items')).toHaveLength(10);
  });
});

describe("runAction('health-gate', run)", () => {
  it('reports each invalid input once, titled with its name, before any request', async () => {
    const { http, clock } = setup(service());
    const fake = fakeContext({
      url: '',
      interval: 'soon',
      retries: '0',
      headers: 'Authorization Bearer secret-tok'
    });
    await runAction('health-gate', (context) => runWith(context, { http, clock }), fake.context);

    expect(fake.failures.map((f) => f.properties?.title)).toEqual([
      'health-gate: invalid input `url`',
      'health-gate: invalid input `interval`',
      'health-gate: invalid input `retries`',
      'health-gate: invalid input `headers`'
    ]);
    expect(fake.failures[0]!.message).toBe(
      'Input `url`: got nothing; expected a value (this input is required)'
    );
    expect(fake.failures[1]!.message).toMatch(
      /^Input `interval`: got "soon"; expected a duration such as 500ms/
    );
    expect(fake.failures[2]!.message).toBe(
      'Input `retries`: got "0"; expected a whole number from 1 to 1000'
    );
    expect(fake.failures[3]!.message).toBe(
      'Input `headers`: got "***"; expected one `Name: value` header a line, with a valid header name'
    );
    expect(fake.secrets).toEqual(['Authorization Bearer secret-tok']);
    expect(http.requests).toEqual([]);
    expect(fake.outputs).toEqual({});
    expect(fake.summaries).toEqual([]);
    expect(fake.logger.lines).toContain(
      'info: Nothing was done: inputs are checked before any request or change is made.'
    );
  });

  it('fails the step once, with the verdict, when the service is unhealthy', async () => {
    const { http, clock } = setup(service({ ready: redisDown }));
    const fake = fakeContext(runnerInputs({ url: 'https://staging-api.example.com', 'start-period': '0' }));
    await runAction('health-gate', (context) => runWith(context, { http, clock }), fake.context);
    const report = JSON.parse(fake.outputs.report!) as HealthGateReport;
    expect(fake.failures).toEqual([{ message: report.verdict, properties: { title: 'health-gate' } }]);
    expect(fake.outputs.healthy).toBe('false');
  });

  it('does not fail the step when the service is healthy', async () => {
    const { http, clock } = setup(service());
    const fake = fakeContext(runnerInputs({ url: 'https://staging-api.example.com' }));
    await runAction('health-gate', (context) => runWith(context, { http, clock }), fake.context);
    expect(fake.failures).toEqual([]);
    expect(fake.outputs.healthy).toBe('true');
  });

  it('reports an unexpected error as such', async () => {
    const { http, clock } = setup(service());
    const fake = fakeContext(runnerInputs({ url: 'https://staging-api.example.com' }));
    fake.context.writeSummary = () => Promise.reject(new TypeError('summary file is read-only'));
    await runAction('health-gate', (context) => runWith(context, { http, clock }), fake.context);
    expect(fake.failures).toEqual([
      {
        message: 'health-gate stopped on an unexpected error: summary file is read-only',
        properties: { title: 'health-gate' }
      }
    ]);
    expect(fake.outputs.healthy).toBe('true');
  });
});

/** The deployment writes of the record, in memory; `failOn` makes one call fail as GitHub would. */
class RecordingGitHub {
  readonly repository = { owner: 'acme', repo: 'shop' };
  deployments: CreateGitHubDeploymentInput[] = [];
  statuses: { id: number; input: CreateGitHubDeploymentStatusInput }[] = [];
  constructor(private readonly failOn?: 'deployment' | 'status') {}
  async createDeployment(input: CreateGitHubDeploymentInput) {
    if (this.failOn === 'deployment')
      throw new Error('GitHub API POST /repos/{owner}/{repo}/deployments failed with HTTP 403');
    this.deployments.push(input);
    return { id: 77 } as GitHubDeployment;
  }
  async createDeploymentStatus(id: number, input: CreateGitHubDeploymentStatusInput) {
    if (this.failOn === 'status') throw new Error('HTTP 502');
    this.statuses.push({ id, input });
    return {} as GitHubDeploymentStatus;
  }
}

const RUN_ENV = {
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_RUN_ID: '4242',
  GITHUB_SHA: SHA,
  GITHUB_SERVER_URL: 'https://github.com'
};
const API_IMAGE = `ghcr.io/acme/api@sha256:${'c'.repeat(64)}`;
const recordInputs = {
  ...workflowInputs,
  'record-environment': 'production',
  'record-images': `api=${API_IMAGE}`,
  'record-alembic-head': 'ae1027a6acf',
  'github-token': 'ghs_recordtoken'
};

describe('the deploy record', () => {
  it('records the verified deploy: payload, ref = sha, in_progress then success', async () => {
    const { http, clock } = setup(service());
    const github = new RecordingGitHub();
    const fake = fakeContext(runnerInputs(recordInputs));
    await runWith(fake.context, { http, clock, github: github as unknown as GitHubClient, env: RUN_ENV });
    expect(github.deployments).toEqual([
      {
        ref: SHA,
        environment: 'production',
        description: 'verified by health-gate: v1.4.0 at 0123456',
        autoMerge: false,
        requiredContexts: [],
        productionEnvironment: true,
        payload: {
          schema: 'deploy-record/v1',
          version: 'v1.4.0',
          sha: SHA,
          images: { api: API_IMAGE },
          alembic_head: 'ae1027a6acf',
          run_url: 'https://github.com/acme/shop/actions/runs/4242'
        }
      }
    ]);
    // The URL leaves the runner without its user info.
    const links = {
      environmentUrl: 'https://staging-api.example.com',
      logUrl: 'https://github.com/acme/shop/actions/runs/4242'
    };
    expect(github.statuses).toEqual([
      { id: 77, input: { state: 'in_progress', ...links } },
      {
        id: 77,
        input: { state: 'success', description: 'verified by health-gate: v1.4.0 at 0123456', ...links }
      }
    ]);
    expect(fake.outputs['deployment-id']).toBe('77');
    expect(fake.summaries[0]).toContain('### Deploy record ✅ deployment #77 of production: success');
    expect(fake.secrets).toContain('ghs_recordtoken');
  });

  it('records a failed gate as failure, and fails with the gate’s verdict', async () => {
    const { http, clock } = setup(service({ ready: redisDown }));
    const github = new RecordingGitHub();
    const fake = fakeContext(runnerInputs({ ...recordInputs, retries: '2' }));
    const error = await runWith(fake.context, {
      http,
      clock,
      github: github as unknown as GitHubClient,
      env: RUN_ENV
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VerdictFailure);
    expect((error as Error).message).toMatch(/^Unhealthy/);
    expect(github.statuses.map((s) => s.input.state)).toEqual(['in_progress', 'failure']);
    expect(fake.outputs).toMatchObject({ healthy: 'false', 'deployment-id': '77' });
  });

  it.each(['deployment', 'status'] as const)(
    'fails a passed gate clearly when the record cannot be written (%s)',
    async (failOn) => {
      const { http, clock } = setup(service());
      const fake = fakeContext(runnerInputs(recordInputs));
      const error = await runWith(fake.context, {
        http,
        clock,
        github: new RecordingGitHub(failOn) as unknown as GitHubClient,
        env: RUN_ENV
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VerdictFailure);
      expect((error as Error).message).toMatch(
        /^the service is healthy, but the deploy record was not written to GitHub \(.+\): a rollback of production would not find v1\.4\.0/
      );
      expect(fake.outputs).toMatchObject({ healthy: 'true', 'deployment-id': '' });
      expect(fake.summaries[0]).toContain('### Deploy record ❌ not written to production');
    }
  );

  it.each([
    [{ 'expected-version': '' }, RUN_ENV, 'record-version'],
    [{ 'expected-sha': '' }, { ...RUN_ENV, GITHUB_SHA: '' }, 'record-sha'],
    [{}, { ...RUN_ENV, GITHUB_SHA: 'f'.repeat(40) }, 'record-sha'],
    [{ 'github-token': '' }, RUN_ENV, 'github-token'],
    [{}, { ...RUN_ENV, GITHUB_REPOSITORY: '' }, 'record-environment']
  ])('refuses %j with %j before any probe, naming %s', async (given, env, input) => {
    const { http, clock } = setup(service());
    const fake = fakeContext(runnerInputs({ ...recordInputs, ...given }));
    const error = await runWith(fake.context, {
      http,
      clock,
      github: new RecordingGitHub() as unknown as GitHubClient,
      env
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).problems.map((p) => p.input)).toEqual([input]);
    expect(http.requests).toEqual([]);
  });

  it('takes the full expected-sha, or GITHUB_SHA when expected-sha is its prefix', () => {
    const read = (given: Record<string, string>, env: Record<string, string>) =>
      toDeployRecordPlan(
        readHealthGateInputs(
          (name) => runnerInputs({ ...recordInputs, ...given })[name] ?? '',
          () => {}
        ),
        env
      )!.record.sha;
    expect(read({ 'expected-sha': SHA }, { ...RUN_ENV, GITHUB_SHA: 'f'.repeat(40) })).toBe(SHA);
    expect(read({}, RUN_ENV)).toBe(SHA);
    expect(read({ 'record-sha': 'e'.repeat(40) }, RUN_ENV)).toBe('e'.repeat(40));
  });
});
