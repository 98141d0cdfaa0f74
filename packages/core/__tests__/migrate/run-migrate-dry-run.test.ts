/**
 * The whole run with a scripted alembic driver (the real one runs in action-tests) and the real
 * parser: what reaches the report, how driver failures become input errors, allowances, verdicts.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../src/clock.ts';
import { ConfigurationError } from '../../src/errors.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { AlembicClient, PythonNotRunnable, type DriverTransport } from '../../src/migrate/alembic.ts';
import {
  decideMigrateVerdict,
  runMigrateDryRun,
  type MigrateDryRunConfig
} from '../../src/migrate/run-migrate-dry-run.ts';
import { loadPgParser, type PgParser } from '../../src/sql/parser.ts';
import { ScriptedDriver, chunk, revision } from '../fakes/scripted-driver.ts';

let parser: PgParser;
beforeAll(async () => {
  parser = await loadPgParser();
});

const PLAN = {
  from: 'r1',
  to: 'r3',
  heads: ['r3'],
  revisions: [revision('r2', 'r1'), revision('r3', 'r2')],
  history: [revision('r1')]
};
const OFFLINE = {
  steps: [
    {
      revision: 'r1',
      ok: true,
      error: null,
      ms: 1,
      chunks: [
        chunk('BEGIN;', null),
        chunk('CREATE TABLE users (id bigint PRIMARY KEY, legacy text);', 14, 'create_table'),
        chunk('COMMIT;', null)
      ]
    },
    {
      revision: 'r2',
      ok: true,
      error: null,
      ms: 1,
      chunks: [
        chunk('BEGIN;', null),
        chunk('ALTER TABLE users DROP COLUMN legacy;', 15, 'drop_column'),
        chunk('COMMIT;', null)
      ]
    },
    {
      revision: 'r3',
      ok: false,
      chunks: [],
      ms: 1,
      error: {
        type: 'AttributeError',
        message: "'NoneType' object has no attribute 'fetchall'",
        line: 16,
        getBindLines: [15]
      }
    }
  ]
};
const ANSWERS = {
  probe: { python: '3.11.2', executable: '/usr/bin/python3', alembic: '1.8.1', sqlalchemy: '1.4.46' },
  plan: PLAN,
  offline: OFFLINE
};

const written: string[] = [];
function config(overrides: Partial<MigrateDryRunConfig> = {}): MigrateDryRunConfig {
  return {
    mode: 'alembic',
    workingDirectory: '/repo/db',
    repositoryRoot: '/repo',
    alembicConfig: 'alembic.ini',
    python: 'python3',
    toRevision: 'head',
    sqlFiles: [],
    pgVersion: 16,
    include: [],
    allow: [],
    allowEntries: [],
    failOn: 'error',
    lockTimeoutMs: 5000,
    statementTimeoutMs: 300_000,
    ...overrides
  };
}

function run(
  driver: DriverTransport,
  overrides: Partial<MigrateDryRunConfig> = {},
  files: Record<string, string> = {}
) {
  written.length = 0;
  return runMigrateDryRun(config(overrides), {
    alembic: new AlembicClient(driver, { config: '/repo/db/alembic.ini' }),
    loadParser: async () => parser,
    readFile: async function* (file) {
      yield Buffer.from(files[file] ?? '');
    },
    sqlFile: {
      path: '/tmp/out.sql',
      write: async (text) => void written.push(text),
      close: async () => undefined
    },
    logger: new MemoryLogger(),
    clock: new ManualClock()
  });
}

async function configurationError(promise: Promise<unknown>): Promise<ConfigurationError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('runMigrateDryRun with alembic', () => {
  it('checks the revisions after from-revision, learning the schema from the earlier ones', async () => {
    const driver = new ScriptedDriver(ANSWERS);
    const { report, findings } = await run(driver, { fromRevision: 'r1' });
    // r1 is history: its statements are not checked but its table is known (so not "new" in r2).
    expect(driver.requests.find((r) => r.command === 'offline')!.steps).toEqual([
      { revision: 'r1', start: 'base' },
      { revision: 'r2', start: 'r1' },
      { revision: 'r3', start: 'r2' }
    ]);
    expect(report.units.map((unit) => [unit.revision, unit.status, unit.file])).toEqual([
      ['r2', 'checked', 'db/versions/r2.py'],
      ['r3', 'online-only', 'db/versions/r3.py']
    ]);
    expect(findings.map((f) => [f.rule, f.revision, f.file, f.line])).toEqual([
      ['ban-drop-column', 'r2', 'db/versions/r2.py', 15],
      ['online-only-revision', 'r3', 'db/versions/r3.py', 16],
      ['require-lock-timeout', 'r2', 'db/versions/r2.py', 15],
      ['require-statement-timeout', 'r2', 'db/versions/r2.py', 15]
    ]);
    expect(report).toMatchObject({
      verdict: 'fail',
      destructive: true,
      range: { from: 'r1', to: 'r3' },
      counts: { error: 2, warning: 1, notice: 1, allowed: 0 },
      roundtrip: { status: 'skipped' }
    });
    expect(report.units[1]!.onlineOnly!.reason).toBe(
      "it calls op.get_bind() (line 15) and it fails offline with AttributeError: 'NoneType' object has no attribute 'fetchall'"
    );
    const sql = written.join('');
    expect(sql).toContain(
      '-- ==== revision r2: r2 doc (db/versions/r2.py)\n-- alembic upgrade r1:r2 --sql\nBEGIN;'
    );
    expect(sql).toContain('-- ==== revision r3 (db/versions/r3.py): ONLINE-ONLY');
    expect(sql.split('\n')[findings[0]!.sqlLine! - 1]).toBe('ALTER TABLE users DROP COLUMN legacy;');
  });

  it('allows findings by rule and by revision, and reports unused allow-file entries', async () => {
    const { report, findings } = await run(new ScriptedDriver(ANSWERS), {
      fromRevision: 'r1',
      allow: ['require-lock-timeout'],
      allowEntries: [
        { revision: 'r2', rule: 'ban-drop-column', reason: 'unused since 1.3', line: 1 },
        { revision: 'r3', rule: 'online-only-revision', reason: 'reviewed', line: 4 },
        { revision: 'r2', rule: 'ban-drop-table', reason: 'stale', line: 7 },
        { revision: 'r0', rule: 'ban-drop-table', reason: 'not checked this time', line: 10 }
      ],
      allowFile: 'db/allow.yml'
    });
    expect(report.allowed.map((f) => [f.rule, f.allowed])).toEqual([
      ['ban-drop-column', { reason: 'unused since 1.3', by: 'allow-file' }],
      ['require-lock-timeout', { reason: 'rule require-lock-timeout is in the allow input', by: 'allow' }],
      ['online-only-revision', { reason: 'reviewed', by: 'allow-file' }]
    ]);
    expect(findings.map((f) => [f.rule, f.file, f.line])).toEqual([
      ['require-statement-timeout', 'db/versions/r2.py', 15],
      ['unused-allow', 'db/allow.yml', 7]
    ]);
    expect(report).toMatchObject({
      verdict: 'pass',
      destructive: false,
      counts: { error: 0, warning: 0, notice: 2, allowed: 3 }
    });
    expect(report.units[0]!.counts).toEqual({ error: 0, warning: 0, notice: 2, allowed: 2 });
  });

  it('starts from the database revision and rehearses when database-url is given', async () => {
    const driver = new ScriptedDriver({
      ...ANSWERS,
      ping: { serverVersionNum: 150004, database: 'scratch' },
      current: { heads: ['r1'] },
      rehearse: {
        steps: [
          {
            name: 'upgrade r2',
            kind: 'upgrade',
            revision: 'r2',
            ok: false,
            error: 'LockNotAvailable: canceling statement due to lock timeout',
            line: 15,
            ms: 1000
          }
        ],
        snapshots: {},
        downgrades: []
      }
    });
    const { report, findings } = await run(driver, {
      databaseUrl: 'postgresql://u:pw@db/scratch',
      seedSql: 'INSERT 1'
    });
    expect(driver.requests.map((r) => r.command)).toEqual([
      'probe',
      'ping',
      'current',
      'plan',
      'offline',
      'rehearse'
    ]);
    expect(driver.requests.find((r) => r.command === 'plan')!.from).toBe('r1');
    expect(driver.requests.find((r) => r.command === 'rehearse')).toMatchObject({
      from: 'r1',
      seed: 'INSERT 1',
      lockTimeoutMs: 5000
    });
    expect(report.roundtrip).toMatchObject({
      status: 'failed',
      database: { name: 'scratch', serverVersion: '15.4' }
    });
    expect(findings.find((f) => f.rule === 'roundtrip-step-failed')).toMatchObject({
      revision: 'r2',
      file: 'db/versions/r2.py',
      line: 15
    });
  });

  it.each([
    [
      'probe',
      new PythonNotRunnable('python3 cannot be started: not found'),
      'python',
      '"python3"',
      /a Python interpreter that can be started/
    ],
    [
      'probe',
      { kind: 'no-alembic', message: 'cannot import alembic' },
      'python',
      '"python3"',
      /an interpreter with alembic installed/
    ],
    [
      'plan',
      { kind: 'config', message: 'no script_location' },
      'alembic-config',
      '"alembic.ini"',
      /no script_location/
    ],
    [
      'plan',
      { kind: 'unknown-revision', message: "Can't locate revision 'zz'", details: { which: 'to' } },
      'to-revision',
      '"head"',
      /Can't locate/
    ],
    [
      'plan',
      { kind: 'unknown-revision', message: 'not an ancestor', details: { which: 'from' } },
      'from-revision',
      '"base"',
      /not an ancestor/
    ],
    [
      'ping',
      { kind: 'unreachable', message: 'connection refused' },
      'database-url',
      '***',
      /accepts connections \(connection refused\); nothing was run/
    ],
    [
      'ping',
      { kind: 'driver', message: 'No module named psycopg2' },
      'python',
      '"python3"',
      /PostgreSQL driver/
    ],
    [
      'current',
      { kind: 'foreign-database', message: 'env.py connects elsewhere' },
      'database-url',
      '***',
      /env.py connects elsewhere/
    ]
  ] as const)(
    'turns a %s failure (%j) into an error naming %s',
    async (command, failure, input, shown, expected) => {
      const driver = new ScriptedDriver(
        { ...ANSWERS, ping: { serverVersionNum: 150004, database: 'x' }, current: { heads: [] } },
        { [command]: failure }
      );
      const error = await configurationError(run(driver, { databaseUrl: 'postgresql://u:pw@db/x' }));
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatchObject({
        input,
        shownValue: shown,
        expected: expect.stringMatching(expected)
      });
      // Nothing that changes the database ran.
      expect(driver.requests.map((r) => r.command)).not.toContain('rehearse');
    }
  );

  it.each([
    [150004, undefined, 15, 'database'],
    // Older than the rules know: checked with the oldest rules there are.
    [90624, undefined, 10, 'database'],
    [150004, 12, 12, 'input']
  ] as const)(
    'takes the rules of server %d when pg-version is %j: %d (%s)',
    async (serverVersionNum, pgVersion, expected, from) => {
      const driver = new ScriptedDriver({ ...ANSWERS, ping: { serverVersionNum, database: 'scratch' } });
      const { report } = await run(driver, {
        databaseUrl: 'postgresql://u:pw@db/scratch',
        fromRevision: 'r1',
        pgVersion
      });
      expect([report.pgVersion, report.pgVersionFrom]).toEqual([expected, from]);
    }
  );

  it('keeps 16 without pg-version and without a database', async () => {
    const { report } = await run(new ScriptedDriver(ANSWERS), { fromRevision: 'r1', pgVersion: undefined });
    expect([report.pgVersion, report.pgVersionFrom]).toEqual([16, 'default']);
  });

  it('refuses a database at several heads without from-revision', async () => {
    const driver = new ScriptedDriver({
      ...ANSWERS,
      ping: { serverVersionNum: 150004, database: 'x' },
      current: { heads: ['a', 'b'] }
    });
    const error = await configurationError(run(driver, { databaseUrl: 'postgresql://x' }));
    expect(error.problems[0]).toMatchObject({
      input: 'from-revision',
      expected: expect.stringMatching(/several heads \(a, b\)/)
    });
  });
});

describe('runMigrateDryRun with sql-files', () => {
  it('checks each file, with its own lines and columns, in order', async () => {
    const files = {
      '/repo/sql/001.sql': 'CREATE TABLE t (id bigint);\n',
      '/repo/sql/002.sql': '-- drop it\n\nALTER TABLE t\n  DROP COLUMN id;\n'
    };
    const { report, findings } = await run(
      new ScriptedDriver({}),
      { mode: 'sql-files', workingDirectory: '/repo/sql', sqlFiles: Object.keys(files), failOn: 'never' },
      files
    );
    expect(report.units.map((unit) => [unit.revision, unit.file, unit.statements, unit.sqlLines])).toEqual([
      ['001.sql', 'sql/001.sql', 1, [4, 4]],
      ['002.sql', 'sql/002.sql', 1, [7, 10]]
    ]);
    expect(findings.find((f) => f.rule === 'ban-drop-column')).toMatchObject({
      revision: '002.sql',
      line: 3,
      column: 1,
      sqlLine: 9
    });
    expect(report.verdict).toBe('pass');
  });

  it('counts what it does not keep in detail, so a huge file cannot exhaust memory', async () => {
    const sql = Array.from({ length: 2500 }, (_, i) => `DROP TABLE t${i};`).join('\n');
    const { report } = await run(
      new ScriptedDriver({}),
      { mode: 'sql-files', workingDirectory: '/repo', sqlFiles: ['/repo/big.sql'] },
      { '/repo/big.sql': sql }
    );
    expect(report.rules['ban-drop-table']).toBe(2500);
    expect(report.counts.error).toBe(2500);
    expect(report.units[0]!.counts.error).toBe(2500);
    expect(report.findings).toHaveLength(500);
    expect(report.findingsTruncated).toBe(true);
    expect(report.verdict).toBe('fail');
  });
});

describe('decideMigrateVerdict', () => {
  it.each([
    ['error', ['warning', 'notice'], 'pass'],
    ['error', ['error'], 'fail'],
    ['warning', ['warning'], 'fail'],
    ['warning', ['notice'], 'pass'],
    ['never', ['error'], 'pass']
  ] as const)('fail-on %s with %j: %s', (failOn, severities, verdict) => {
    expect(
      decideMigrateVerdict(
        severities.map((severity) => ({ severity })),
        failOn
      )
    ).toBe(verdict);
  });
});
