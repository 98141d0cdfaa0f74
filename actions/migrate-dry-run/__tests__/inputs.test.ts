import { describe, expect, it } from '@jest/globals';
import { ConfigurationError } from '@deploy-actions/core/errors';
import { databaseUrlSecrets } from '@deploy-actions/core/inputs';
import { migrateDryRunSchema, readMigrateDryRunInputs, type MigrateDryRunInputs } from '../src/inputs.ts';
import { actionYml, runnerInputs } from './action-yml.ts';

function read(inputs: Record<string, string>, secrets: string[] = []): MigrateDryRunInputs {
  return readMigrateDryRunInputs(
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

const URL = 'postgresql://deploy:pw-s3cret@127.0.0.1:5432/scratch';

/** At least one invalid value for every input of action.yml (with what else it needs to be checked). */
const INVALID: Record<string, [string, Record<string, string>?][]> = {
  'working-directory': [['db\nmigrations']],
  'alembic-config': [['alembic.ini\0']],
  python: [['python3\nrm -rf /']],
  'from-revision': [['head; drop'], ['a b']],
  'to-revision': [['r1:r2'], ['x'.repeat(256)]],
  'sql-files': [[',\n,']],
  'pg-version': [['9'], ['31'], ['sixteen'], ['16.x']],
  'database-url': [['mysql://root:pw@127.0.0.1/shop'], ['127.0.0.1:5432'], ['https://db.example.com']],
  'seed-sql': [['INSERT INTO items VALUES (1);']],
  allow: [['ban-drop-column,no-such-rule']],
  'allow-file': [['allow\n.yml']],
  'fail-on': [['errors'], ['always']],
  'lock-timeout': [['soon'], ['50ms'], ['11m']],
  'statement-timeout': [['500ms'], ['7h']],
  include: [['ban-drop-table'], ['nope']]
};

describe('the migrate-dry-run schema and action.yml', () => {
  it('has exactly the inputs of action.yml', () => {
    expect(Object.keys(migrateDryRunSchema.shape).sort()).toEqual(Object.keys(actionYml.inputs).sort());
  });

  it('has an invalid-value case for every input of action.yml', () => {
    expect(Object.keys(INVALID).sort()).toEqual(Object.keys(actionYml.inputs).sort());
  });

  it('requires no input', () => {
    expect(Object.values(actionYml.inputs).filter((input) => input.required)).toEqual([]);
  });

  it.each(
    Object.entries(INVALID).flatMap(([input, values]) =>
      values.map(([value, extra]) => [input, value, extra] as const)
    )
  )('rejects %s = %j and names the input', (input, value, extra) => {
    const error = configurationError({ ...extra, [input]: value });
    expect(error.problems.map((problem) => problem.input)).toEqual([input]);
    expect(error.problems[0]!.expected.length).toBeGreaterThan(5);
    expect(error.message.startsWith(`Input \`${input}\`: got `)).toBe(true);
  });

  it('has defaults equal to action.yml', () => {
    expect(read(runnerInputs({}))).toEqual(read({}));
  });

  it('parses the defaults to the contract values', () => {
    expect(read({})).toEqual({
      'working-directory': '.',
      'alembic-config': 'alembic.ini',
      python: 'python3',
      'to-revision': 'head',
      // Unset: the server's version when database-url is given, else 16 (decided by the core).
      'fail-on': 'error',
      'lock-timeout': 5000,
      'statement-timeout': 300_000
    });
  });

  it('reads lists, versions, seed files and inline seed SQL', () => {
    const inputs = read({
      'sql-files': 'migrations/*.up.sql\nlegacy/**/*.sql',
      'pg-version': '13.4',
      allow: 'ban-drop-column, renaming-column',
      include: 'require-table-schema'
    });
    expect(inputs['sql-files']).toEqual(['migrations/*.up.sql', 'legacy/**/*.sql']);
    expect(inputs['pg-version']).toBe(13);
    expect(inputs.allow).toEqual(['ban-drop-column', 'renaming-column']);
    expect(inputs.include).toEqual(['require-table-schema']);
    expect(read({ 'database-url': URL, 'seed-sql': 'seeds/rehearsal.sql' })['seed-sql']).toEqual({
      file: 'seeds/rehearsal.sql'
    });
    expect(
      read({ 'database-url': URL, 'seed-sql': "INSERT INTO items (name) VALUES ('lamp');" })['seed-sql']
    ).toEqual({
      sql: "INSERT INTO items (name) VALUES ('lamp');"
    });
  });

  it.each([
    [{ 'sql-files': '*.sql', 'from-revision': 'r1' }, 'from-revision'],
    [{ 'sql-files': '*.sql', 'database-url': URL }, 'database-url'],
    [{ 'seed-sql': 'seed.sql' }, 'seed-sql']
  ])('rejects %j, naming %s', (inputs, input) => {
    expect(configurationError(inputs).problems.map((problem) => problem.input)).toEqual([input]);
  });

  it('masks the database URL and its password before parsing, and never shows them', () => {
    const secrets: string[] = [];
    read({ 'database-url': URL }, secrets);
    expect(secrets).toEqual([URL, 'pw-s3cret']);
    const error = configurationError({ 'database-url': URL.replace('postgresql', 'mysql') });
    expect(error.message).toBe(
      'Input `database-url`: got "***"; expected a PostgreSQL URL such as postgresql://user:password@host:5432/scratch'
    );
  });

  it('does not mask the user name, which is no secret and would shred the logs', () => {
    expect(databaseUrlSecrets('postgres://postgres@db/x')).toEqual(['postgres://postgres@db/x']);
  });
});
