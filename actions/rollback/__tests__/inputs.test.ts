import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '@deploy-actions/core/errors';
import { readRollbackInputs, rollbackSchema } from '../src/inputs.ts';
import { actionYml, runnerInputs } from './action-yml.ts';

const REQUIRED = {
  environment: 'production',
  'github-token': 'ghs_x',
  'redeploy-command': './deploy.sh'
};

const read = (given: Record<string, string>) =>
  readRollbackInputs(
    (name) => given[name] ?? '',
    () => {}
  );

function configurationError(given: Record<string, string>): ConfigurationError {
  try {
    read(given);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('no ConfigurationError');
}

describe('the rollback schema and action.yml', () => {
  it('has exactly the inputs of action.yml', () => {
    expect(Object.keys(rollbackSchema.shape).sort()).toEqual(Object.keys(actionYml.inputs).sort());
  });

  it('marks only environment as required: the runbook runs `-f version=1.4.2` without a reason', () => {
    expect(Object.entries(actionYml.inputs).flatMap(([name, i]) => (i.required ? [name] : []))).toEqual([
      'environment'
    ]);
    expect(read(REQUIRED).reason).toBeUndefined();
  });

  it('has defaults equal to action.yml, except the token and health-ready-path, which live only there', () => {
    // The token's default is a runner expression; REQUIRED gives a real one.
    const ymlDefaults = runnerInputs({});
    delete ymlDefaults['github-token'];
    const withYml = read({ ...ymlDefaults, ...REQUIRED });
    const withNothing = read(REQUIRED);
    expect(withYml['health-ready-path']).toBe('/ready');
    expect({ ...withYml, 'health-ready-path': undefined }).toEqual(withNothing);
  });

  it.each([
    ['environment', ''],
    ['reason', 'x'.repeat(1001)],
    ['notify-format', 'discord'],
    ['migrate-downgrade', 'maybe'],
    ['recovery-window', 'soon'],
    ['downgrade-lock-timeout', '0s'],
    ['recovery-max-error-rate', '101'],
    ['metrics', 'datadog'],
    ['nginx-upstream-file', undefined],
    ['database-url', 'not-a-url'],
    ['database-url', 'mysql://u:pw@db/app'],
    ['backup-command', "sh -c 'unterminated"],
    ['backup-timeout', 'soon'],
    ['backup-timeout', '500ms'],
    ['health-smoke', 'GET /ok 200\nfetch everything'],
    ['notify-webhook', 'https://hooks.example.com/a\ndiscord https://discord.example.com/b'],
    ['verify-version', 'maybe'],
    ['history', 'not json'],
    ['incident-assign', 'everyone'],
    ['dashboard-url', 'https://grafana.example.com/d?from={start}'],
    ['dashboard-url', 'grafana/d?from={from}'],
    ['review-due', 'next week'],
    ['review-due', '91d']
  ])('rejects %s = %j and names the input', (input, value) => {
    const given: Record<string, string> =
      value === undefined ? { ...REQUIRED, router: 'nginx' } : { ...REQUIRED, [input]: value };
    const error = configurationError(given);
    expect(error.problems.map((p) => p.input)).toContain(input);
  });

  it('refuses a rollback that can neither move traffic nor redeploy, naming both inputs', () => {
    const neither: Record<string, string> = { ...REQUIRED, 'migrate-downgrade': 'true' };
    delete neither['redeploy-command'];
    neither['database-url'] = 'postgresql://db/app';
    const problems = configurationError(neither).problems;
    expect(problems.map((p) => p.input)).toEqual(['router']);
    expect(problems[0]!.expected).toMatch(/^a router .* or a redeploy-command .*change nothing/);
    const withRouter = read({ ...neither, router: 'command', 'set-weight-command': './weight.sh {weight}' });
    expect(withRouter.router).toBe('command');
  });

  it('needs database-url for the downgrade, and reads its own timeouts', () => {
    const problem = configurationError({ ...REQUIRED, 'migrate-downgrade': 'true' }).problems[0]!;
    expect(problem.input).toBe('database-url');
    expect(problem.expected).toMatch(/required when migrate-downgrade is true/);
    const inputs = read({
      ...REQUIRED,
      'migrate-downgrade': 'true',
      'database-url': 'postgresql://db/app',
      'downgrade-lock-timeout': '2s'
    });
    expect(inputs['migrate-downgrade']).toBe(true);
    expect(inputs['downgrade-lock-timeout']).toBe(2000);
    expect(inputs['downgrade-statement-timeout']).toBe(60_000);
  });

  it('needs the metric inputs of the stable track for the recovery watch, not the canary URL', () => {
    const probe = configurationError({ ...REQUIRED, 'recovery-window': '5m' }).problems;
    expect(probe.map((p) => p.input)).toEqual(['probe-stable-url']);
    const prometheus = configurationError({ ...REQUIRED, 'recovery-window': '5m', metrics: 'prometheus' });
    expect(prometheus.problems.map((p) => p.input)).toEqual(['prometheus-url']);
    const inputs = read({ ...REQUIRED, 'recovery-window': '5m', 'probe-stable-url': 'http://10.0.0.11/api' });
    expect(inputs['recovery-window']).toBe(300_000);
    expect(inputs['recovery-interval']).toBe(15_000);
  });

  it('refuses a recovery interval longer than the window, or too few probe requests to judge', () => {
    const base = { ...REQUIRED, 'probe-stable-url': 'http://10.0.0.11/api' };
    expect(
      configurationError({ ...base, 'recovery-window': '10s', 'recovery-interval': '30s' }).problems[0]!.input
    ).toBe('recovery-interval');
    const few = configurationError({ ...base, 'recovery-window': '1m', 'probe-rps': '1' }).problems[0]!;
    expect(few.input).toBe('recovery-min-requests');
    expect(few.expected).toMatch(/at most 15/);
  });

  it('requires a token when an incident is to be opened, not otherwise', () => {
    const noToken: Record<string, string> = { ...REQUIRED };
    delete noToken['github-token'];
    expect(configurationError(noToken).problems[0]!.input).toBe('github-token');
    expect(read({ ...noToken, 'create-incident': 'false' })['create-incident']).toBe(false);
  });

  it('reads review-due in days and hours, and 0 for no review', () => {
    expect(read(REQUIRED)['review-due']).toBe(2 * 86_400_000);
    expect(read({ ...REQUIRED, 'review-due': '1d12h' })['review-due']).toBe(36 * 3_600_000);
    expect(read({ ...REQUIRED, 'review-due': '36h' })['review-due']).toBe(36 * 3_600_000);
    expect(read({ ...REQUIRED, 'review-due': '0' })['review-due']).toBe(0);
  });

  it('masks each webhook URL on its own, and never shows a line that does not fit', () => {
    const masked: string[] = [];
    const given: Record<string, string> = {
      ...REQUIRED,
      'notify-webhook': 'slack https://hooks.example.com/T/B/one\nsend-to https://status.example.com/two'
    };
    let error: unknown;
    try {
      readRollbackInputs(
        (name) => given[name] ?? '',
        (value) => masked.push(value)
      );
    } catch (caught) {
      error = caught;
    }
    expect(masked).toEqual(
      expect.arrayContaining(['https://hooks.example.com/T/B/one', 'https://status.example.com/two'])
    );
    const problem = (error as ConfigurationError).problems[0]!;
    expect(problem.input).toBe('notify-webhook');
    expect(problem.expected).toContain('line 2 does not fit');
    expect(JSON.stringify(problem)).not.toContain('status.example.com/two');
  });

  it('masks the token, the webhook, the database URL and header values before parsing', () => {
    const masked: string[] = [];
    readRollbackInputs(
      (name) =>
        ({
          ...REQUIRED,
          'notify-webhook': 'https://hooks.example.com/T/B/secret',
          'database-url': 'postgresql://u:pw@db/app',
          'health-headers': 'Authorization: Bearer abc123',
          'recovery-window': '5m',
          metrics: 'prometheus',
          'prometheus-url': 'http://reader:prom-pw@prom:9090',
          'prometheus-headers': 'Authorization: Bearer prom-token'
        })[name] ?? '',
      (value) => masked.push(value)
    );
    expect(masked).toEqual(
      expect.arrayContaining([
        'ghs_x',
        'https://hooks.example.com/T/B/secret',
        'postgresql://u:pw@db/app',
        'pw',
        'Bearer abc123',
        'prom-pw',
        'Bearer prom-token'
      ])
    );
  });
});
