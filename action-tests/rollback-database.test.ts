/**
 * rollback's database step as users run it: the dist bundle under Node 24, the project's alembic
 * (Debian's, through /usr/bin/python3) and a real PostgreSQL, with the deployment history in the
 * GitHub fake. The database goes down to the alembic head the restored release recorded (two
 * revisions of the example app; four through a branch and a merge in a fixture), a destructive
 * downgrade waits for backup-command, and a table the downgrade keeps must not lose rows.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDeployRecord } from '../packages/core/src/github/deploy-record.ts';
import type { RollbackReport } from '../packages/core/src/rollback/run-rollback.ts';
import { startGitHubFake, type GitHubFake } from './fakes/github/index.ts';
import { repoRoot, runAction, type ActionRun } from './run-action.ts';
import {
  EXAMPLE_BACKEND_DIR,
  PYTHON,
  migrateDatabase,
  runChecked,
  startPostgres,
  type PostgresService
} from './services/index.ts';

const BRANCHED_APP = path.join(repoRoot, 'action-tests', 'fixtures', 'migrate', 'branched-app');
const GOOD_SHA = '3f786850e387550fdab836ed7e6dc881de23001b';
const BAD_SHA = '89e6c98d92887913cadf06b2adb97f26cde4849b';
const DB_SECRET = 'db-pw-b4ckup';

let postgres: PostgresService;
let fake: GitHubFake | undefined;
let temp: string;
let databases = 0;

beforeAll(async () => {
  temp = mkdtempSync(path.join(os.tmpdir(), 'rollback-database-test-'));
  postgres = await startPostgres();
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
  rmSync(temp, { recursive: true, force: true });
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A new database; its URL carries a password that trust authentication ignores and nobody may see. */
async function database(): Promise<{ name: string; url: string }> {
  const name = `rollback_db_${++databases}`;
  const url = await postgres.createDatabase(name);
  return { name, url: url.replace('postgresql://postgres@', `postgresql://postgres:${DB_SECRET}@`) };
}

/** Production history: 1.4.0 verified with a deploy record (alembic head `head`), then 1.5.0. */
async function history(head: string | undefined): Promise<GitHubFake> {
  fake = await startGitHubFake();
  fake.state.addDeployment({
    sha: GOOD_SHA,
    environment: 'production',
    payload: buildDeployRecord({
      version: '1.4.0',
      sha: GOOD_SHA,
      images: {},
      ...(head ? { alembicHead: head } : {})
    }),
    statuses: ['success', 'inactive']
  });
  fake.state.addDeployment({
    sha: BAD_SHA,
    environment: 'production',
    payload: { version: '1.5.0' },
    statuses: ['success']
  });
  return fake;
}

function rollback(github: GitHubFake, given: Record<string, string>): Promise<ActionRun> {
  return runAction('rollback', {
    inputs: {
      'github-token': github.token,
      environment: 'production',
      reason: 'error rate 6% on 1.5.0',
      'redeploy-command': 'true',
      'create-incident': 'false',
      'migrate-downgrade': 'true',
      python: PYTHON,
      'downgrade-lock-timeout': '2s',
      ...given
    },
    env: { GITHUB_API_URL: github.url },
    timeoutMs: 90_000
  });
}

/** A backup command that writes its environment to a file, or fails with `exit`. */
function backupCommand(file: string, exit = 0): string {
  return `sh -c 'echo "$ENVIRONMENT $ROLLBACK_ALEMBIC_FROM $ROLLBACK_ALEMBIC_TO" > ${file}; test -n "$DATABASE_URL" && exit ${exit}'`;
}

const report = (run: ActionRun) => JSON.parse(run.outputs.report!) as RollbackReport;
const stepOf = (run: ActionRun, name: string) => report(run).steps.find((s) => s.name === name)!;
const said = (run: ActionRun) =>
  [
    run.log
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n'),
    JSON.stringify(run.outputs),
    run.summary,
    JSON.stringify(run.annotations)
  ].join('\n');

describe('down to the head the restored release recorded', () => {
  let db: { name: string; url: string };
  const revision = () => postgres.query('SELECT version_num FROM alembic_version', db.name);

  beforeAll(async () => {
    db = await database();
    await migrateDatabase(db.url.replace(`:${DB_SECRET}`, ''));
    await postgres.query(
      "INSERT INTO items (name, category) VALUES ('lamp', 'lighting'), ('desk', NULL); " +
        "INSERT INTO reviews (item_id, rating) SELECT id, 5 FROM items WHERE name = 'lamp'",
      db.name
    );
  }, 60_000);

  it('refuses the destructive downgrade of two revisions without backup-command, even when allowed', async () => {
    const github = await history('0001_create_items');
    const run = await rollback(github, {
      'database-url': db.url,
      'working-directory': EXAMPLE_BACKEND_DIR,
      'allow-destructive-downgrade': 'true'
    });
    expect(run.exitCode).toBe(1);
    expect(stepOf(run, 'migrate-downgrade').status).toBe('failed');
    const downgrade = report(run).downgrade!;
    expect(downgrade).toMatchObject({
      from: '0003_add_item_category',
      to: '0001_create_items',
      toSource: 'recorded',
      toReason: 'the alembic head 1.4.0 ran, from its deploy record',
      decision: 'refused',
      destructive: true,
      backup: { ok: false, detail: 'no backup-command was given' }
    });
    // Both revisions on the way were analysed, the later one first.
    expect(downgrade.revisions.map((r) => r.revision)).toEqual([
      '0003_add_item_category',
      '0002_create_reviews'
    ]);
    expect(downgrade.findings.map((f) => [f.revision, f.rule])).toEqual(
      expect.arrayContaining([
        ['0003_add_item_category', 'ban-drop-column'],
        ['0002_create_reviews', 'ban-drop-table']
      ])
    );
    expect(run.summary).toContain('needs a backup first: no backup-command was given');
    expect(await revision()).toBe('0003_add_item_category');
  }, 120_000);

  it('refuses it when the backup fails, and runs nothing', async () => {
    const github = await history('0001_create_items');
    const marker = path.join(temp, 'failed-backup.txt');
    const run = await rollback(github, {
      'database-url': db.url,
      'working-directory': EXAMPLE_BACKEND_DIR,
      'allow-destructive-downgrade': 'true',
      'backup-command': backupCommand(marker, 3)
    });
    expect(run.exitCode).toBe(1);
    expect(report(run).downgrade).toMatchObject({ decision: 'refused', backup: { ok: false } });
    expect(report(run).downgrade!.problem).toContain('exited with status 3');
    expect(existsSync(marker)).toBe(true);
    expect(await revision()).toBe('0003_add_item_category');
  }, 120_000);

  it('backs up, then downgrades both revisions; the tables kept have their rows', async () => {
    const github = await history('0001_create_items');
    const marker = path.join(temp, 'backup.txt');
    const run = await rollback(github, {
      'database-url': db.url,
      'working-directory': EXAMPLE_BACKEND_DIR,
      'allow-destructive-downgrade': 'true',
      'backup-command': backupCommand(marker)
    });
    expect(run.exitCode).toBe(0);
    expect(readFileSync(marker, 'utf8').trim()).toBe('production 0003_add_item_category 0001_create_items');
    const downgrade = report(run).downgrade!;
    expect(downgrade).toMatchObject({ decision: 'ran', after: ['0001_create_items'], backup: { ok: true } });
    expect(downgrade.rows).toEqual([{ table: 'public.items', before: 2, after: 2 }]);
    expect(downgrade.rowsLost).toEqual([]);
    expect(stepOf(run, 'migrate-downgrade').detail).toBe(
      '0003_add_item_category -> 0001_create_items (2 revision(s), 10 statement(s) checked, destructive (allowed))'
    );
    expect(await revision()).toBe('0001_create_items');
    expect(await postgres.query('SELECT count(*) FROM items', db.name)).toBe('2');
    expect(run.summary).toContain('| public.items | 2 | 2 | ✅ |');
    expect(said(run)).not.toContain(DB_SECRET);
  }, 120_000);
});

describe('without a recorded head', () => {
  it('goes one revision down (-1) and says so', async () => {
    const db = await database();
    await migrateDatabase(db.url.replace(`:${DB_SECRET}`, ''));
    const github = await history(undefined);
    const run = await rollback(github, { 'database-url': db.url, 'working-directory': EXAMPLE_BACKEND_DIR });
    // The drop of items.category is destructive and not allowed: refused, but the target is said.
    expect(report(run).downgrade).toMatchObject({
      from: '0003_add_item_category',
      to: '0002_create_reviews',
      toSource: 'one-step',
      decision: 'refused'
    });
    expect(run.summary).toContain(
      '⚠️ Down to 0002_create_reviews: the deploy record of 1.4.0 holds no alembic head, so its revision is unknown: one revision down (alembic downgrade -1).'
    );
    expect(run.log).toContain('one revision down (alembic downgrade -1)');
  }, 120_000);
});

describe('a branched history with a merge', () => {
  /** The fixture migrated to `revision` on a database, through a private alembic.ini naming its URL. */
  async function migrateBranched(url: string, revision: string): Promise<void> {
    const ini = path.join(temp, `branched-${revision}.ini`);
    writeFileSync(ini, `[alembic]\nscript_location = ${BRANCHED_APP}\nsqlalchemy.url = ${url}\n`);
    await runChecked(PYTHON, ['-m', 'alembic', '-c', ini, 'upgrade', revision], {
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }
    });
  }

  it('undoes both branches and the merge down to the recorded head, and fails on rows lost in a table it keeps', async () => {
    const db = await database();
    await migrateBranched(db.url, 'head');
    // Accounts 1.5.0 created without an email: the old schema cannot hold them.
    await postgres.query(
      "INSERT INTO accounts (email) VALUES ('ada@example.com'), (NULL), (NULL); " +
        'INSERT INTO orders (account_id, total_cents) SELECT id, 1200 FROM accounts LIMIT 1',
      db.name
    );
    const github = await history('b0001');
    const run = await rollback(github, {
      'database-url': db.url,
      'working-directory': BRANCHED_APP,
      'allow-destructive-downgrade': 'true',
      'backup-command': backupCommand(path.join(temp, 'branched-backup.txt'))
    });
    expect(run.exitCode).toBe(1);
    const downgrade = report(run).downgrade!;
    expect(downgrade).toMatchObject({ from: 'b0004', to: 'b0001', after: ['b0001'], decision: 'failed' });
    // Every revision on the way, each before its parents; the merge leaves both branches.
    const order = downgrade.revisions.map((r) => r.revision);
    expect([...order].sort()).toEqual(['b0002a', 'b0002b', 'b0003', 'b0004']);
    expect(order.indexOf('b0004')).toBeLessThan(order.indexOf('b0003'));
    expect(order.indexOf('b0003')).toBeLessThan(Math.min(order.indexOf('b0002a'), order.indexOf('b0002b')));
    expect(downgrade.revisions.find((r) => r.revision === 'b0003')!.parents).toEqual(['b0002a', 'b0002b']);
    // Each statement is found on the revision whose downgrade runs it.
    expect(downgrade.findings.filter((f) => f.destructive).map((f) => [f.revision, f.rule])).toContainEqual([
      'b0002a',
      'ban-drop-table'
    ]);
    expect(downgrade.revisions.find((r) => r.revision === 'b0002b')!.sql).toContain(
      'ALTER TABLE accounts ADD COLUMN legacy_code TEXT'
    );
    // The downgrade of b0004 deleted the accounts without an email: the count says so.
    expect(downgrade.rowsLost).toEqual([{ table: 'public.accounts', before: 3, after: 1 }]);
    expect(downgrade.problem).toBe(
      'the downgrade ran (the database is at b0001) but lost rows in tables it keeps: public.accounts 3 -> 1; restore them from the backup'
    );
    expect(stepOf(run, 'migrate-downgrade').status).toBe('failed');
    expect(run.summary).toContain('| public.accounts | 3 | 1 | ❌ rows lost |');
    expect(await postgres.query('SELECT version_num FROM alembic_version', db.name)).toBe('b0001');
  }, 120_000);
});

describe('bad backup inputs', () => {
  it.each([
    ['backup-command', "sh -c 'unterminated"],
    ['backup-timeout', 'soon'],
    ['backup-timeout', '0']
  ])(
    'refuses %s=%j before anything is touched',
    async (input, value) => {
      const db = await database();
      const github = await history('0001_create_items');
      const run = await rollback(github, {
        'database-url': db.url,
        'working-directory': EXAMPLE_BACKEND_DIR,
        [input]: value
      });
      expect(run.exitCode).toBe(1);
      expect(run.log).toContain(`Input \`${input}\``);
      expect(github.calls).toHaveLength(0);
      expect(run.outputs.report).toBeUndefined();
    },
    30_000
  );
});
