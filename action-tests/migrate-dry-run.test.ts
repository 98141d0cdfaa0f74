/**
 * migrate-dry-run as users run it: the dist bundle under Node 24, real alembic (Debian's, through
 * /usr/bin/python3) on fixture projects and the example app, and a real PostgreSQL for the
 * round-trip rehearsal.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, runAction, type ActionRun } from './run-action.ts';
import {
  EXAMPLE_BACKEND_DIR,
  POSTGRES_BIN,
  freePort,
  makeTempDir,
  migrateDatabase,
  removeDir,
  startPostgres,
  startProcess,
  type PostgresService
} from './services/index.ts';

const FIXTURES = path.join(repoRoot, 'action-tests', 'fixtures', 'migrate');
const RULES_APP = path.join(FIXTURES, 'rules-app');
const SAFE_APP = path.join(FIXTURES, 'safe-app');
const LOSSY_APP = path.join(FIXTURES, 'lossy-app');
const SEEDS = path.join(FIXTURES, 'seeds');
/** Debian's interpreter, which has alembic; the first python3 on PATH may not. */
const PYTHON = '/usr/bin/python3';

let postgres: PostgresService;
let databases = 0;
const temporary: string[] = [];
/** RUNNER_TEMP of the runs: the harness deletes its own temporary folder, the sql-file must outlive it. */
let runnerTemp: string;

beforeAll(async () => {
  postgres = await startPostgres();
  runnerTemp = mkdtempSync(path.join(os.tmpdir(), 'migrate-dry-run-runner-temp-'));
  temporary.push(runnerTemp);
});
afterAll(async () => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  await postgres?.stop();
});

/** A new empty database on the test server. */
async function scratch(): Promise<{ url: string; name: string }> {
  const name = `scratch_${++databases}`;
  return { url: await postgres.createDatabase(name), name };
}

function dryRun(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction('migrate-dry-run', {
    inputs: { python: PYTHON, ...inputs },
    env: { GITHUB_WORKSPACE: repoRoot, RUNNER_TEMP: runnerTemp },
    timeoutMs: 120_000
  });
}

interface Finding {
  rule: string;
  severity: 'error' | 'warning' | 'notice';
  revision: string;
  file: string;
  line: number;
  statement: string;
  message: string;
  fix: string;
  allowed?: { reason: string; by: string };
}

const report = (run: ActionRun) => JSON.parse(run.outputs.report ?? '{}');
const findings = (run: ActionRun) => JSON.parse(run.outputs.findings ?? '[]') as Finding[];
const errors = (run: ActionRun) => run.annotations.filter((annotation) => annotation.level === 'error');
const versionFile = (app: string, file: string) => path.relative(repoRoot, path.join(app, 'versions', file));

async function tables(database: string): Promise<string[]> {
  const out = await postgres.query(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    database
  );
  return out ? out.split('\n') : [];
}

describe('offline analysis of each revision', () => {
  let run: ActionRun;
  beforeAll(async () => {
    run = await dryRun({ 'working-directory': RULES_APP });
  });

  it('finds every rule family on the revision and the line of its op call', () => {
    const at = (rule: string, revision: string) =>
      findings(run)
        .filter((finding) => finding.rule === rule && finding.revision === revision)
        .map((finding) => `${finding.file}:${finding.line}`);
    const expected: [string, string, string, number][] = [
      ['ban-drop-column', 'r0002', 'r0002_drop_column.py', 14],
      ['adding-required-field', 'r0003', 'r0003_required_column.py', 14],
      ['renaming-column', 'r0004', 'r0004_renames.py', 13],
      ['renaming-table', 'r0004', 'r0004_renames.py', 14],
      ['changing-column-type', 'r0005', 'r0005_type_change.py', 14],
      ['require-concurrent-index-creation', 'r0006', 'r0006_indexes.py', 13],
      ['require-concurrent-index-creation', 'r0006', 'r0006_indexes.py', 14],
      ['unique-on-existing-data', 'r0006', 'r0006_indexes.py', 14],
      ['adding-foreign-key-constraint', 'r0007', 'r0007_constraints.py', 15],
      ['constraint-missing-not-valid', 'r0007', 'r0007_constraints.py', 16],
      ['require-enum-value-ordering', 'r0008', 'r0008_enum_value.py', 13],
      ['online-only-revision', 'r0009', 'r0009_online_only.py', 15],
      ['dropping-foreign-key', 'r0010', 'r0010_drop_foreign_key.py', 13],
      ['ban-concurrent-index-creation-in-transaction', 'r0011', 'r0011_concurrent_in_transaction.py', 13],
      ['backfill-in-migration', 'r0012', 'r0012_backfill_not_null.py', 13],
      ['adding-not-nullable-field', 'r0012', 'r0012_backfill_not_null.py', 14],
      ['ban-drop-table', 'r0013', 'r0013_drop_table.py', 13],
      ['require-lock-timeout', 'r0002', 'r0002_drop_column.py', 14]
    ];
    for (const [rule, revision, file, line] of expected) {
      expect([rule, at(rule, revision)]).toEqual([
        rule,
        expect.arrayContaining([`${versionFile(RULES_APP, file)}:${line}`])
      ]);
    }
    // The backfill covers every NULL, so NOT NULL is not data-dependent there; the base revision is clean.
    expect(findings(run).filter((finding) => finding.rule === 'not-null-on-existing-data')).toEqual([]);
    expect(findings(run).filter((finding) => finding.revision === 'r0001')).toEqual([]);
  });

  it('reports the revision that reads the database as online-only, with the reason, and checks the rest', () => {
    const result = report(run);
    const unit = result.units.find((u: { revision: string }) => u.revision === 'r0009');
    expect(unit.status).toBe('online-only');
    expect(unit.onlineOnly.reason).toMatch(/op\.get_bind\(\) \(line 14\).*AttributeError/);
    expect(result.units.filter((u: { status: string }) => u.status === 'checked')).toHaveLength(12);
  });

  it('fails on errors, marks the run destructive, and annotates the revision files on their lines', () => {
    expect(run.exitCode).toBe(1);
    expect(run.outputs.destructive).toBe('true');
    expect(run.outputs.roundtrip).toBe('skipped');
    const drop = run.annotations.find(
      (a) => a.properties.title === 'migrate-dry-run: ban-drop-column (r0002)'
    );
    expect(drop).toMatchObject({
      level: 'error',
      properties: { file: versionFile(RULES_APP, 'r0002_drop_column.py'), line: '14' }
    });
    expect(drop!.message).toMatch(/Safe way: Expand and contract/);
    expect(
      run.annotations.some(
        (a) => a.level === 'warning' && a.properties.title?.includes('require-concurrent-index-creation')
      )
    ).toBe(true);
    expect(errors(run).at(-1)!.message).toMatch(/^migrate-dry-run failed: 7 errors/);
  });

  it('writes one SQL file with every revision marked, generated one revision at a time', () => {
    const sql = readFileSync(run.outputs['sql-file']!, 'utf8');
    for (let n = 1; n <= 13; n++) expect(sql).toContain(`-- ==== revision r${String(n).padStart(4, '0')}`);
    expect(sql).toContain('-- alembic upgrade r0001:r0002 --sql');
    expect(sql).toContain('ALTER TABLE users DROP COLUMN legacy_code;');
    expect(sql).toMatch(/revision r0009 .*ONLINE-ONLY/);
    // Each revision's own transaction, as alembic writes it for that revision alone.
    expect(sql.match(/^BEGIN;$/gm)!.length).toBeGreaterThanOrEqual(12);
    const finding = findings(run).find((f) => f.rule === 'ban-drop-column')!;
    const line = report(run).findings.find((f: { rule: string }) => f.rule === 'ban-drop-column').sqlLine;
    expect(sql.split('\n')[line - 1]).toContain(finding.statement);
  });

  it('writes a summary with a table per revision and its SQL folded below it', () => {
    expect(run.summary).toContain('## ❌ migrate-dry-run: failed');
    expect(run.summary).toContain('#### `r0002` drop users.legacy_code · ❌ 1 error');
    expect(run.summary).toMatch(/<details><summary>SQL of r0002<\/summary>\n\n```sql\nBEGIN;/);
    expect(run.summary).toContain('### Round trip: ⏭️ skipped');
    expect(run.summary).toContain('### What to do next');
  });

  it('outputs findings in the contract shape, errors first', () => {
    const list = findings(run);
    expect(Object.keys(list[0]!).sort()).toEqual([
      'file',
      'fix',
      'line',
      'message',
      'revision',
      'rule',
      'severity',
      'statement'
    ]);
    expect(list[0]!.severity).toBe('error');
    expect(list.findIndex((f) => f.severity !== 'error')).toBe(7);
    expect(report(run)).toMatchObject({
      schema: 'migrate-dry-run/v1',
      verdict: 'fail',
      mode: 'alembic',
      range: { from: 'base', to: 'r0013' }
    });
  });
});

describe('revision range, PostgreSQL version, allowances', () => {
  it('checks only the revisions after from-revision, knowing what the earlier ones created', async () => {
    const run = await dryRun({
      'working-directory': RULES_APP,
      'from-revision': 'r0007',
      'to-revision': 'r0008',
      'pg-version': '11'
    });
    const result = report(run);
    expect(result.units.map((u: { revision: string }) => u.revision)).toEqual(['r0008']);
    // Before PostgreSQL 12 ADD VALUE cannot run in the migration's transaction.
    expect(findings(run).map((f) => f.rule)).toContain('add-enum-value-in-transaction');
    expect(run.exitCode).toBe(1);
  });

  it('allows findings with a reason, keeps them in the report, and flags an unused allow entry', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'allow-'));
    temporary.push(dir);
    const allowFile = path.join(dir, 'allow.yml');
    writeFileSync(
      allowFile,
      [
        '- revision: r0009',
        '  rule: online-only-revision',
        '  reason: reviewed by hand, lower-cases e-mails in place',
        '- revision: r0011',
        '  rule: ban-concurrent-index-creation-in-transaction',
        '  reason: wrapped in autocommit_block in the next release',
        '- revision: r0010',
        '  rule: ban-drop-table',
        '  reason: nothing to allow here'
      ].join('\n')
    );
    const run = await dryRun({
      'working-directory': RULES_APP,
      'from-revision': 'r0008',
      'to-revision': 'r0011',
      'allow-file': allowFile,
      allow: 'dropping-foreign-key'
    });
    expect(run.exitCode).toBe(0);
    const result = report(run);
    expect(result.allowed.map((f: Finding) => [f.rule, f.allowed!.reason])).toEqual([
      ['online-only-revision', 'reviewed by hand, lower-cases e-mails in place'],
      ['dropping-foreign-key', 'rule dropping-foreign-key is in the allow input'],
      ['ban-concurrent-index-creation-in-transaction', 'wrapped in autocommit_block in the next release']
    ]);
    expect(findings(run).map((f) => f.rule)).not.toContain('online-only-revision');
    const unused = findings(run).find((f) => f.rule === 'unused-allow')!;
    expect(unused).toMatchObject({ severity: 'notice', revision: 'r0010', line: 7 });
    expect(run.outputs.destructive).toBe('false');
    expect(run.summary).toContain('reviewed by hand, lower-cases e-mails in place');
  });

  it('fails on warnings with fail-on: warning, and never with fail-on: never', async () => {
    const [warning, never] = await Promise.all([
      dryRun({
        'working-directory': RULES_APP,
        'from-revision': 'r0004',
        'to-revision': 'r0005',
        'fail-on': 'warning'
      }),
      dryRun({ 'working-directory': RULES_APP, 'fail-on': 'never' })
    ]);
    expect(report(warning).counts).toMatchObject({ error: 0 });
    expect(warning.exitCode).toBe(1);
    expect(never.exitCode).toBe(0);
    expect(report(never).verdict).toBe('pass');
    expect(never.outputs.destructive).toBe('true');
  });
});

describe('round-trip rehearsal on a scratch database', () => {
  it('passes a safe expand-and-contract pair clean: no finding at all, the data and schema come back', async () => {
    const database = await scratch();
    const run = await dryRun({
      'working-directory': SAFE_APP,
      'from-revision': 's0001',
      'database-url': database.url,
      'seed-sql': path.join(SEEDS, 'safe-app.sql'),
      'lock-timeout': '2s'
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.roundtrip).toBe('passed');
    expect(findings(run)).toEqual([]);
    const roundtrip = report(run).roundtrip;
    expect(roundtrip).toMatchObject({ status: 'passed', tables: 1, rows: 3, dataLoss: [], schemaDiff: [] });
    // The rehearsal runs with the timeouts set on every connection.
    expect(roundtrip.settings).toEqual({ lockTimeout: '2s', statementTimeout: '5min' });
    expect(roundtrip.steps.map((step: { name: string }) => step.name)).toEqual([
      'upgrade to from-revision s0001',
      'load seed-sql',
      'upgrade s0002',
      'upgrade s0003',
      'downgrade s0003',
      'downgrade s0002',
      'upgrade s0002 again',
      'upgrade s0003 again'
    ]);
    expect(
      await postgres.query('SELECT count(*) FROM accounts WHERE display_name IS NOT NULL', database.name)
    ).toBe('3');
    expect(run.summary).toContain('### Round trip: ✅ passed');
  });

  it('fails a downgrade that loses data, naming the table, the column and the revision', async () => {
    const database = await scratch();
    const run = await dryRun({
      'working-directory': LOSSY_APP,
      'from-revision': 'l0001',
      'database-url': database.url,
      'seed-sql': path.join(SEEDS, 'lossy-app.sql')
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.roundtrip).toBe('failed');
    expect(run.outputs.destructive).toBe('true');
    expect(report(run).roundtrip.dataLoss).toEqual([
      {
        table: 'public.customers',
        column: 'phone',
        kind: 'values-lost',
        before: 2,
        after: 0,
        revision: 'l0002',
        detail:
          '2 non-NULL values before the upgrade, 0 after the downgrade; the downgrade of l0002 re-creates the column without its data'
      }
    ]);
    const loss = findings(run).find((f) => f.rule === 'roundtrip-data-loss')!;
    // On the revision whose downgrade loses it: its `def downgrade` line.
    expect([loss.file, loss.line]).toEqual([versionFile(LOSSY_APP, 'l0002_move_phones.py'), 23]);
    expect(run.summary).toMatch(/\| `public\.customers` \| `phone` \| 2 \| 0 \| `l0002` \|/);
  });

  it("rehearses the example app's migrations from its first revision, with seed data", async () => {
    const database = await scratch();
    const run = await dryRun({
      'working-directory': EXAMPLE_BACKEND_DIR,
      'from-revision': '0001_create_items',
      'database-url': database.url,
      'seed-sql': path.join(EXAMPLE_BACKEND_DIR, 'seed.sql')
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.roundtrip).toBe('passed');
    expect(report(run).units.map((u: { revision: string }) => u.revision)).toEqual([
      '0002_create_reviews',
      '0003_add_item_category'
    ]);
    const index = findings(run).find((f) => f.rule === 'require-concurrent-index-creation')!;
    expect([index.revision, index.file, index.line]).toEqual([
      '0003_add_item_category',
      'examples/backend/alembic/versions/0003_add_item_category.py',
      19
    ]);
    expect(await tables(database.name)).toEqual(['alembic_version', 'items', 'reviews']);
  });

  it('starts from the revision the database is at when from-revision is not given', async () => {
    const database = await scratch();
    await migrateDatabase(database.url, '0002_create_reviews');
    const run = await dryRun({ 'working-directory': EXAMPLE_BACKEND_DIR, 'database-url': database.url });
    expect(report(run).range).toEqual({ from: '0002_create_reviews', to: '0003_add_item_category' });
    expect(report(run).units.map((u: { revision: string }) => u.revision)).toEqual([
      '0003_add_item_category'
    ]);
    // Nothing to seed: the round trip runs, but says data loss could not be tested.
    expect(findings(run).map((f) => f.rule)).toContain('roundtrip-without-data');
    expect(run.outputs.roundtrip).toBe('passed');
  });

  it('stops a migration stuck behind a lock after lock-timeout instead of hanging', async () => {
    const database = await scratch();
    await migrateDatabase(database.url, '0001_create_items');
    // Another session holds a SHARE lock on items: reads go on, but the foreign key of 0002 waits.
    const dir = makeTempDir('lock-holder');
    const holder = await startProcess(
      `${POSTGRES_BIN}/psql`,
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(postgres.port),
        '-U',
        'postgres',
        '-d',
        database.name,
        '-c',
        'BEGIN; LOCK TABLE items IN SHARE MODE; SELECT pg_sleep(30);'
      ],
      { logFile: path.join(dir, 'psql.log') }
    );
    try {
      await waitForLock(database.name);
      const started = Date.now();
      const run = await dryRun({
        'working-directory': EXAMPLE_BACKEND_DIR,
        'from-revision': '0001_create_items',
        'database-url': database.url,
        'lock-timeout': '1s'
      });
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(run.outputs.roundtrip).toBe('failed');
      const failed = report(run).roundtrip.steps.find((step: { ok: boolean }) => !step.ok);
      expect(failed).toMatchObject({ name: 'upgrade 0002_create_reviews', kind: 'upgrade' });
      expect(failed.error).toMatch(/lock timeout/);
      expect(findings(run).find((f) => f.rule === 'roundtrip-step-failed')!.file).toBe(
        'examples/backend/alembic/versions/0002_create_reviews.py'
      );
    } finally {
      await holder.stop();
      removeDir(dir);
    }
  });

  it('masks the database URL and its password everywhere', async () => {
    const database = await scratch();
    // Trust authentication ignores the password, so a real-looking one can be used.
    const password = 'Sup3r-S3cret-pw';
    const url = database.url.replace('postgres@', `postgres:${password}@`);
    const run = await dryRun({
      'working-directory': LOSSY_APP,
      'from-revision': 'l0001',
      'database-url': url,
      'seed-sql': path.join(SEEDS, 'lossy-app.sql')
    });
    expect(run.outputs.roundtrip).toBe('failed');
    expect(run.log).toContain(`::add-mask::${url}`);
    expect(run.log).toContain(`::add-mask::${password}`);
    const leaked = (text: string) => text.includes(password) || text.includes(url);
    expect(
      leaked(
        run.log
          .split('\n')
          .filter((line) => !line.startsWith('::add-mask::'))
          .join('\n')
      )
    ).toBe(false);
    expect(Object.values(run.outputs).some(leaked)).toBe(false);
    expect(leaked(run.summary)).toBe(false);
    expect(leaked(readFileSync(run.outputs['sql-file']!, 'utf8'))).toBe(false);
  });
});

describe('bad input: a clear error naming the input, and nothing run against the database', () => {
  let database: { url: string; name: string };
  let withoutAlembic: string;
  beforeAll(async () => {
    database = await scratch();
    // An interpreter that cannot see the system's packages (-S: no site directories).
    const dir = mkdtempSync(path.join(os.tmpdir(), 'python-without-alembic-'));
    temporary.push(dir);
    withoutAlembic = path.join(dir, 'python');
    writeFileSync(withoutAlembic, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`);
    chmodSync(withoutAlembic, 0o755);
  });

  const cases: [string, () => Record<string, string>, string, RegExp][] = [
    [
      'a missing alembic.ini',
      () => ({ 'working-directory': FIXTURES }),
      'alembic-config',
      /an existing file/
    ],
    [
      'an unknown revision',
      () => ({ 'working-directory': RULES_APP, 'to-revision': 'r9999' }),
      'to-revision',
      /Can't locate revision identified by 'r9999'/
    ],
    [
      'from-revision not before to-revision',
      () => ({ 'working-directory': RULES_APP, 'from-revision': 'r0005', 'to-revision': 'r0003' }),
      'from-revision',
      /not an ancestor/
    ],
    [
      'a URL that is not PostgreSQL',
      () => ({ 'working-directory': RULES_APP, 'database-url': 'mysql://root:pw@127.0.0.1/shop' }),
      'database-url',
      /a PostgreSQL URL/
    ],
    [
      'an interpreter without alembic',
      () => ({ 'working-directory': RULES_APP, python: withoutAlembic }),
      'python',
      /an interpreter with alembic installed .*No module named 'alembic'/
    ],
    [
      'an interpreter that exits at once',
      () => ({ 'working-directory': RULES_APP, python: '/bin/false' }),
      'python',
      /^Input `python`: got "\/bin\/false"; expected an interpreter with alembic installed: it exited with status 1 when asked for alembic's version$/
    ],
    [
      'an interpreter that does not exist',
      () => ({ 'working-directory': RULES_APP, python: '/nonexistent/python3' }),
      'python',
      /cannot be started: not found/
    ]
  ];

  it.each(cases)('%s', async (_name, inputs, input, expected) => {
    const run = await dryRun({ 'database-url': database.url, ...inputs() });
    expect(run.exitCode).toBe(1);
    const error = errors(run)[0]!;
    expect(error.properties.title).toBe(`migrate-dry-run: invalid input \`${input}\``);
    expect(error.message).toMatch(expected);
    expect(error.message.startsWith(`Input \`${input}\`: got `)).toBe(true);
    expect(await tables(database.name)).toEqual([]);
  });

  it('an unreachable database', async () => {
    const url = `postgresql://postgres:pw-unreachable@127.0.0.1:${await freePort()}/shop`;
    const run = await dryRun({ 'working-directory': RULES_APP, 'database-url': url });
    expect(run.exitCode).toBe(1);
    expect(errors(run)[0]).toMatchObject({
      properties: { title: 'migrate-dry-run: invalid input `database-url`' }
    });
    expect(errors(run)[0]!.message).toMatch(
      /^Input `database-url`: got \*\*\*; expected a PostgreSQL database that accepts connections \(.*Connection refused.*\); nothing was run against it$/s
    );
    expect(run.log.replace(/^::add-mask::.*$/gm, '')).not.toContain('pw-unreachable');
    expect(run.outputs.report).toBeUndefined();
  });

  it('rejects an invalid value of every input before running anything', async () => {
    const run = await dryRun({
      'working-directory': RULES_APP,
      'pg-version': '9',
      'fail-on': 'sometimes',
      allow: 'no-such-rule',
      'lock-timeout': 'soon'
    });
    expect(run.exitCode).toBe(1);
    expect(
      errors(run)
        .map((a) => a.properties.title)
        .sort()
    ).toEqual(
      ['allow', 'fail-on', 'lock-timeout', 'pg-version'].map(
        (input) => `migrate-dry-run: invalid input \`${input}\``
      )
    );
    expect(run.log).toContain('Nothing was done');
    expect(run.log).not.toContain('Python');
  });

  it('seed-sql without database-url', async () => {
    const run = await dryRun({
      'working-directory': RULES_APP,
      'seed-sql': 'INSERT INTO users (email) VALUES (1);'
    });
    expect(errors(run).map((a) => a.message)).toEqual([
      'Input `seed-sql`: got "INSERT INTO users (email) VALUES (1);"; expected nothing without database-url: seed data is only loaded for the rehearsal'
    ]);
  });
});

async function waitForLock(database: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const held = await postgres.query(
      "SELECT count(*) FROM pg_locks WHERE mode = 'ShareLock' AND relation IS NOT NULL",
      database
    );
    if (held !== '0') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the lock holder never took its lock');
}
