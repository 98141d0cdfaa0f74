import { describe, expect, it } from '@jest/globals';
import { VerdictFailure } from '@deploy-actions/core/errors';
import { readGitHubRunContext } from '@deploy-actions/core/github';
import { fakeContext } from '../../../packages/core/__tests__/fakes/fake-context.ts';
import { readRollbackInputs } from '../src/inputs.ts';
import { runWith, toHealthConfig, toRollbackConfig } from '../src/main.ts';
import { actionYml, runnerInputs } from './action-yml.ts';

const ENV = {
  GITHUB_REPOSITORY: 'octo/shop',
  GITHUB_RUN_ID: '77',
  GITHUB_ACTOR: 'oncall',
  GITHUB_SERVER_URL: 'https://github.example.com'
};

const read = (given: Record<string, string>) =>
  readRollbackInputs(
    (name) => runnerInputs({ 'github-token': '', ...given })[name] ?? '',
    () => {}
  );

describe('rollback main', () => {
  it('maps inputs onto the sequence: router, redeploy, health, notification and the run link', () => {
    const config = toRollbackConfig(
      read({
        environment: 'production',
        reason: 'r',
        'create-incident': 'false',
        router: 'command',
        'set-weight-command': './weight.sh {weight}',
        'redeploy-command': './redeploy.sh --fast',
        'health-url': 'https://api.example.com',
        'notify-webhook': 'https://hooks.example.com/x\njson https://status.example.com/hook',
        'notify-mention': '@sre'
      }),
      {
        repository: { owner: 'octo', repo: 'shop' },
        runId: 77,
        actor: 'oncall',
        serverUrl: 'https://github.com'
      } as never
    );
    expect(config.router).toMatchObject({ type: 'command', command: ['./weight.sh', '{weight}'] });
    expect(config.redeploy).toEqual({ argv: ['./redeploy.sh', '--fast'], timeoutMs: 60_000 });
    expect(config.health?.target).toMatchObject({ url: 'https://api.example.com', readyPath: '/ready' });
    // A line without a format takes notify-format's (slack).
    expect(config.notify).toEqual({
      targets: [
        { format: 'slack', url: 'https://hooks.example.com/x' },
        { format: 'json', url: 'https://status.example.com/hook' }
      ],
      mention: '@sre'
    });
    expect(config.runUrl).toBe('https://github.com/octo/shop/actions/runs/77');
    expect(config.triggeredBy).toBe('oncall');
  });

  it('has no health step without health-url', () => {
    expect(
      toHealthConfig(
        read({ environment: 'p', reason: 'r', 'create-incident': 'false', 'redeploy-command': 'true' })
      )
    ).toBeUndefined();
  });

  it('writes every output and fails with the verdict when the target cannot be found', async () => {
    const { context, outputs, summaries } = fakeContext(
      runnerInputs({
        'github-token': '',
        environment: 'production',
        reason: 'bad release',
        'create-incident': 'false',
        'redeploy-command': 'true'
      })
    );
    await expect(runWith(context, { env: ENV })).rejects.toBeInstanceOf(VerdictFailure);
    expect(Object.keys(outputs).sort()).toEqual(Object.keys(actionYml.outputs).sort());
    expect(outputs['rolled-back-to']).toBe('');
    expect(summaries[0]).toContain('FAILED');
    expect(JSON.parse(outputs.report!).schema).toBe('rollback/v1');
  });

  it('restores a given version without GitHub and succeeds, unverified', async () => {
    const { context, outputs } = fakeContext(
      runnerInputs({
        'github-token': '',
        environment: 'staging',
        reason: 'manual',
        version: '1.4.0',
        'create-incident': 'false',
        'redeploy-command': 'true'
      })
    );
    await runWith(context, { env: ENV });
    expect(outputs['rolled-back-to']).toBe('1.4.0');
    expect(outputs.healthy).toBe('');
    expect(JSON.parse(outputs.report!).verdict).toContain('not verified');
  });

  it('warns about recovery inputs given without recovery-window, and still rolls back', async () => {
    const { context, outputs, annotations } = fakeContext(
      runnerInputs({
        'github-token': '',
        environment: 'staging',
        reason: 'manual',
        version: '1.4.0',
        'create-incident': 'false',
        'redeploy-command': 'true',
        'prometheus-url': 'http://prometheus:9090'
      })
    );
    await runWith(context, { env: ENV });
    expect(outputs['rolled-back-to']).toBe('1.4.0');
    expect(annotations).toEqual([
      {
        level: 'warning',
        message:
          'prometheus-url given without recovery-window: the error rate is not watched after the rollback',
        properties: { title: 'rollback inputs' }
      }
    ]);
  });

  it('says who rolled back what when no reason is given', () => {
    const redeploy = { 'redeploy-command': './deploy.sh' };
    const run = readGitHubRunContext({ GITHUB_REPOSITORY: 'octo/shop', GITHUB_ACTOR: 'alice' });
    expect(
      toRollbackConfig(read({ ...redeploy, environment: 'production', 'create-incident': 'false' }), run)
        .reason
    ).toBe('rollback of production by alice');
    expect(
      toRollbackConfig(
        read({ ...redeploy, environment: 'production', reason: 'p99 up', 'create-incident': 'false' }),
        run
      ).reason
    ).toBe('p99 up');
  });

  it('maps the downgrade and the recovery watch, the probe measuring the stable track only', () => {
    const config = toRollbackConfig(
      read({
        environment: 'production',
        reason: 'r',
        'create-incident': 'false',
        'redeploy-command': 'true',
        'migrate-downgrade': 'true',
        'database-url': 'postgresql://db/app',
        'recovery-window': '2m',
        'probe-stable-url': 'http://10.0.0.11:8000/api/items'
      }),
      undefined
    );
    expect(config.downgrade).toEqual({
      databaseUrl: 'postgresql://db/app',
      allowDestructive: false,
      lockTimeoutMs: 5000,
      statementTimeoutMs: 60_000
    });
    expect(config.recovery).toEqual({
      windowMs: 120_000,
      intervalMs: 15_000,
      tolerancePercent: 1,
      minRequests: 20,
      metrics: { type: 'probe', stableUrl: 'http://10.0.0.11:8000/api/items', rps: 10 }
    });
  });
});
