import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '@deploy-actions/core';
import { readRollbackInputs, rollbackSchema } from '../src/inputs.ts';
import { actionYml, runnerInputs } from './action-yml.ts';

const REQUIRED = { environment: 'production', reason: 'error rate up', 'github-token': 'ghs_x' };

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

  it('marks only environment and reason as required', () => {
    expect(Object.entries(actionYml.inputs).flatMap(([name, i]) => (i.required ? [name] : []))).toEqual([
      'environment',
      'reason'
    ]);
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
    ['reason', ''],
    ['notify-format', 'discord'],
    ['migrate-downgrade', 'true'],
    ['recovery-window', '5m'],
    ['nginx-upstream-file', undefined]
  ])('rejects %s = %j and names the input', (input, value) => {
    const given: Record<string, string> =
      value === undefined ? { ...REQUIRED, router: 'nginx' } : { ...REQUIRED, [input]: value };
    const error = configurationError(given);
    expect(error.problems.map((p) => p.input)).toContain(input);
  });

  it('requires a token when an incident is to be opened, not otherwise', () => {
    const noToken: Record<string, string> = { ...REQUIRED };
    delete noToken['github-token'];
    expect(configurationError(noToken).problems[0]!.input).toBe('github-token');
    expect(read({ ...noToken, 'create-incident': 'false' })['create-incident']).toBe(false);
  });

  it('masks the token, the webhook, the database URL and header values before parsing', () => {
    const masked: string[] = [];
    readRollbackInputs(
      (name) =>
        ({
          ...REQUIRED,
          'notify-webhook': 'https://hooks.example.com/T/B/secret',
          'database-url': 'postgresql://u:pw@db/app',
          'health-headers': 'Authorization: Bearer abc123'
        })[name] ?? '',
      (value) => masked.push(value)
    );
    expect(masked).toEqual(
      expect.arrayContaining([
        'ghs_x',
        'https://hooks.example.com/T/B/secret',
        'postgresql://u:pw@db/app',
        'Bearer abc123'
      ])
    );
  });
});
