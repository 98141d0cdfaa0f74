/**
 * The database step of the rollback with a scripted alembic driver and the real SQL parser: where
 * the database goes (the restored release's recorded head, else one revision), what the analysis
 * of every revision on the way decides, the backup a destructive downgrade needs, and the rows of
 * the tables it keeps. The real driver, alembic and PostgreSQL run in
 * action-tests/rollback-database.test.ts.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Exec, ExecOptions, ExecResult } from '../../src/exec/exec.ts';
import { buildDeployRecord } from '../../src/github/deploy-record.ts';
import { MemoryLogger } from '../../src/logger.ts';
import { AlembicClient, type OfflineChunk, type RevisionInfo } from '../../src/migrate/alembic.ts';
import {
  chooseDowngradeTarget,
  compareRowCounts,
  downgradeDatabase,
  judgeDowngrade,
  type DowngradeConfig
} from '../../src/rollback/downgrade.ts';
import type { RollbackTarget } from '../../src/rollback/target.ts';
import { loadPgParser, type PgParser } from '../../src/sql/parser.ts';
import { ScriptedDriver, chunk as recorded, revision } from '../fakes/scripted-driver.ts';

const chunk = (text: string, line = 21) => recorded(text, line);

let parser: PgParser;
beforeAll(async () => {
  parser = await loadPgParser();
});

/** r1 creates items, r2 adds items.category, r3 creates tags: each downgrade undoes its own. */
const HISTORY: RevisionInfo[] = [revision('r1'), revision('r2', 'r1'), revision('r3', 'r2')];
const UPGRADES: Record<string, OfflineChunk[]> = {
  r1: [chunk('CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);', 13)],
  r2: [chunk('ALTER TABLE items ADD COLUMN category text;', 13)],
  r3: [chunk('CREATE TABLE tags (id serial PRIMARY KEY, label text NOT NULL);', 13)]
};
const DOWNGRADES: Record<string, string[]> = {
  r1: ['DROP TABLE items;'],
  r2: ['ALTER TABLE items DROP COLUMN category;'],
  r3: ['CREATE INDEX items_name ON items (name);']
};

const step = (revision: string, chunks: OfflineChunk[]) => ({
  revision,
  ok: true,
  chunks,
  error: null,
  ms: 1
});

interface DriverOptions {
  /** Where the database is: the head of HISTORY up to it. */
  heads?: string[];
  /** The downgrade of this revision cannot be produced offline. */
  offlineError?: string;
  runError?: string;
  /** Row counts the downgrade command reports, before and after. */
  rows?: { before: Record<string, number>; after: Record<string, number> };
}

/** A driver that answers like alembic_driver.py for the linear history r1 <- r2 <- r3. */
function driver(options: DriverOptions = {}) {
  const heads = options.heads ?? ['r2'];
  return new ScriptedDriver({
    'inspect-downgrade': (request: Record<string, unknown>) => {
      if (heads.length !== 1) return { ping: { serverVersionNum: 150013, database: 'app' }, heads };
      const upTo = HISTORY.slice(0, HISTORY.findIndex((r) => r.revision === heads[0]) + 1);
      const head = upTo.at(-1)!;
      const to = (request.to as string | null) ?? head.parents[0] ?? 'base';
      const undone = upTo.slice(to === 'base' ? 0 : upTo.findIndex((r) => r.revision === to) + 1).reverse();
      return {
        ping: { serverVersionNum: 150013, database: 'app' },
        heads,
        plan: { from: 'base', to: head.revision, heads: [head.revision], revisions: upTo, history: [] },
        path: { to, revisions: undone },
        offline: [
          ...upTo.map((r) => step(r.revision, UPGRADES[r.revision]!)),
          ...undone.map((r) =>
            r.revision === options.offlineError
              ? {
                  revision: r.revision,
                  ok: false,
                  chunks: [],
                  error: { type: 'NotImplementedError', message: 'reads rows', line: 22, getBindLines: [22] },
                  ms: 1
                }
              : step(
                  r.revision,
                  DOWNGRADES[r.revision]!.map((sql) => chunk(sql))
                )
          )
        ]
      };
    },
    downgrade: (request: Record<string, unknown>) => ({
      before: [request.from],
      after: options.runError ? [request.from] : [request.to],
      error: options.runError ?? null,
      ms: 40,
      rows: options.rows ?? { before: { 'public.items': 3 }, after: { 'public.items': 3 } }
    })
  });
}

/** An exec that records backup-command's calls and exits with `exit`. */
class FakeExec implements Exec {
  calls: { argv: readonly string[]; options: ExecOptions }[] = [];
  constructor(private readonly exit = 0) {}
  async run(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    this.calls.push({ argv, options });
    const result = {
      exitCode: this.exit,
      signal: null,
      timedOut: false,
      stdout: '',
      stderr: this.exit ? 'pg_dump: error: connection refused' : '',
      durationMs: 1200
    };
    return result;
  }
}

const config: DowngradeConfig = {
  databaseUrl: 'postgresql://app:pw@db/app',
  allowDestructive: false,
  lockTimeoutMs: 5000,
  statementTimeoutMs: 60_000
};

const SHA = 'a'.repeat(40);
/** The release being restored, with its deploy record holding `alembicHead` (or no record at all). */
function restoring(alembicHead: string | null | 'no-record'): RollbackTarget {
  if (alembicHead === 'no-record') return { version: '1.4.0', sha: SHA, reason: 'test' };
  return {
    version: '1.4.0',
    sha: SHA,
    reason: 'test',
    record: buildDeployRecord({
      version: '1.4.0',
      sha: SHA,
      images: {},
      ...(alembicHead ? { alembicHead } : {})
    })
  };
}

async function downgrade(
  scripted: ScriptedDriver,
  overrides: Partial<DowngradeConfig> = {},
  target: RollbackTarget | undefined = restoring('no-record'),
  exec = new FakeExec()
) {
  return downgradeDatabase(
    { ...config, ...overrides },
    { target, environment: 'production' },
    {
      alembic: new AlembicClient(scripted, { config: 'alembic.ini' }),
      loadParser: async () => parser,
      exec,
      logger: new MemoryLogger()
    }
  );
}

const commands = (scripted: ScriptedDriver) => scripted.requests.map((r) => r.command);
const BACKUP = { argv: ['./backup.sh', '--fast'], timeoutMs: 600_000 };

describe('downgradeDatabase: where to', () => {
  it('goes one revision down without a recorded head, and says so', async () => {
    const scripted = driver({ heads: ['r3'] });
    const report = await downgrade(scripted);
    expect(report).toMatchObject({ from: 'r3', to: 'r2', toSource: 'one-step', decision: 'ran' });
    expect(report.toReason).toBe(
      '1.4.0 has no deploy record, so its revision is unknown: one revision down (alembic downgrade -1)'
    );
    expect(scripted.requests[0]).toMatchObject({ command: 'inspect-downgrade', to: null });
  });

  it("goes down to the restored release's recorded head, analysing every revision on the way", async () => {
    const scripted = driver({ heads: ['r3'] });
    const exec = new FakeExec();
    const report = await downgrade(
      scripted,
      { allowDestructive: true, backup: BACKUP },
      restoring('r1'),
      exec
    );
    expect(scripted.requests[0]).toMatchObject({ command: 'inspect-downgrade', to: 'r1' });
    expect(report).toMatchObject({ from: 'r3', to: 'r1', toSource: 'recorded', decision: 'ran' });
    expect(report.toReason).toBe('the alembic head 1.4.0 ran, from its deploy record');
    expect(report.revisions.map((r) => [r.revision, r.parents, r.statements])).toEqual([
      ['r3', ['r2'], 1],
      ['r2', ['r1'], 1]
    ]);
    // The second revision's drop is found although the first revision's downgrade ran before it.
    expect(report.findings.filter((f) => f.destructive).map((f) => [f.revision, f.rule])).toEqual([
      ['r2', 'ban-drop-column']
    ]);
    expect(scripted.requests.find((r) => r.command === 'downgrade')).toMatchObject({ from: 'r3', to: 'r1' });
    expect(exec.calls[0]!.options.env).toMatchObject({
      ROLLBACK_ALEMBIC_FROM: 'r3',
      ROLLBACK_ALEMBIC_TO: 'r1'
    });
  });

  it.each([
    [null, 'the deploy record of 1.4.0 holds no alembic head'],
    ['no-record', '1.4.0 has no deploy record']
  ] as const)('keeps -1 when the record holds %j', (head, why) => {
    expect(chooseDowngradeTarget(restoring(head))).toEqual({
      reason: `${why}, so its revision is unknown: one revision down (alembic downgrade -1)`
    });
    expect(chooseDowngradeTarget(undefined).reason).toMatch(/^no release to restore was found/);
  });

  it('does nothing when the database is already at the recorded head', async () => {
    const scripted = driver({ heads: ['r2'] });
    const report = await downgrade(scripted, {}, restoring('r2'));
    expect(report).toMatchObject({ from: 'r2', to: 'r2', revisions: [], decision: 'ran', after: ['r2'] });
    expect(report.toReason).toContain('already at r2');
    expect(commands(scripted)).toEqual(['inspect-downgrade']);
  });

  it.each([
    [[], /at base/],
    [['r2', 'x9'], /2 heads/]
  ])('refuses to guess when the database is at %j', async (heads, message) => {
    await expect(downgrade(driver({ heads }))).rejects.toThrow(message);
  });
});

describe('downgradeDatabase: destruction and backups', () => {
  it('refuses a downgrade that drops a column holding data, and runs nothing', async () => {
    const scripted = driver({});
    const exec = new FakeExec();
    const report = await downgrade(scripted, { backup: BACKUP }, undefined, exec);
    expect(report).toMatchObject({ from: 'r2', to: 'r1', decision: 'refused', destructive: true });
    expect(report.findings.find((f) => f.destructive)).toMatchObject({ revision: 'r2', line: 21 });
    expect(report.problem).toMatch(/refused: downgrading r2 to r1 is destructive: .*DROP COLUMN category/);
    expect(report.problem).toContain('allow-destructive-downgrade: true');
    // One Python start to look, none to run, no backup.
    expect(commands(scripted)).toEqual(['inspect-downgrade']);
    expect(exec.calls).toEqual([]);
  });

  it('refuses an allowed destructive downgrade without a backup-command', async () => {
    const scripted = driver({});
    const report = await downgrade(scripted, { allowDestructive: true });
    expect(report).toMatchObject({ decision: 'refused', destructive: true, backup: { ok: false } });
    expect(report.problem).toBe(
      'refused: downgrading r2 to r1 is destructive and allow-destructive-downgrade needs a backup first: no backup-command was given'
    );
    expect(commands(scripted)).toEqual(['inspect-downgrade']);
  });

  it('refuses an allowed destructive downgrade when the backup fails', async () => {
    const scripted = driver({});
    const exec = new FakeExec(1);
    const report = await downgrade(scripted, { allowDestructive: true, backup: BACKUP }, undefined, exec);
    expect(report.decision).toBe('refused');
    expect(report.problem).toContain('backup-command failed: `./backup.sh --fast` exited with status 1');
    expect(report.problem).toContain('connection refused');
    expect(commands(scripted)).toEqual(['inspect-downgrade']);
  });

  it('backs up first, then runs the same range it analysed, with its own timeouts', async () => {
    const scripted = driver({});
    const exec = new FakeExec();
    const report = await downgrade(scripted, { allowDestructive: true, backup: BACKUP }, undefined, exec);
    expect(report).toMatchObject({ decision: 'ran', destructive: true, after: ['r1'], durationMs: 40 });
    expect(report.backup).toEqual({ ok: true, detail: 'backup-command exited 0 in 1.2 s', durationMs: 1200 });
    expect(exec.calls).toEqual([
      {
        argv: BACKUP.argv,
        options: {
          env: {
            DATABASE_URL: config.databaseUrl,
            ENVIRONMENT: 'production',
            ROLLBACK_ALEMBIC_FROM: 'r2',
            ROLLBACK_ALEMBIC_TO: 'r1'
          },
          timeoutMs: 600_000
        }
      }
    ]);
    const run = scripted.requests.find((r) => r.command === 'downgrade')!;
    expect(run).toMatchObject({ from: 'r2', to: 'r1', lockTimeoutMs: 5000, statementTimeoutMs: 60_000 });
  });

  it('runs a downgrade that loses nothing without being allowed to destroy, and without a backup', async () => {
    const scripted = driver({ heads: ['r3'] });
    const exec = new FakeExec();
    const report = await downgrade(scripted, {}, undefined, exec);
    expect(report).toMatchObject({ destructive: false, decision: 'ran' });
    expect(report.revisions[0]!.sql).toContain('CREATE INDEX');
    expect(exec.calls).toEqual([]);
  });

  it('treats a downgrade whose SQL cannot be produced offline as destructive: nobody has seen it', async () => {
    const report = await downgrade(driver({ heads: ['r3'], offlineError: 'r3' }));
    expect(report).toMatchObject({ analysed: false, decision: 'refused' });
    expect(report.revisions[0]).toMatchObject({
      analysed: false,
      notAnalysedWhy: 'NotImplementedError: reads rows'
    });
    expect(report.problem).toContain('the SQL of r3 cannot be produced offline');
  });

  it('reports a failed alembic run with where the database is left', async () => {
    const report = await downgrade(driver({ runError: 'OperationalError: lock timeout' }), {
      allowDestructive: true,
      backup: BACKUP
    });
    expect(report.decision).toBe('failed');
    expect(report.problem).toBe(
      'alembic downgrade failed: OperationalError: lock timeout; the database is at r2'
    );
  });
});

describe('downgradeDatabase: rows of the tables kept', () => {
  it('fails when a table the downgrade keeps lost rows, naming it', async () => {
    const report = await downgrade(
      driver({
        heads: ['r3'],
        rows: {
          before: { 'public.items': 3, 'public.tags': 2, 'public.users': 5 },
          after: { 'public.items': 1, 'public.users': 5 }
        }
      })
    );
    expect(report.decision).toBe('failed');
    expect(report.rows).toEqual([
      { table: 'public.items', before: 3, after: 1 },
      { table: 'public.users', before: 5, after: 5 }
    ]);
    expect(report.rowsLost).toEqual([{ table: 'public.items', before: 3, after: 1 }]);
    expect(report.problem).toBe(
      'the downgrade ran (the database is at r2) but lost rows in tables it keeps: public.items 3 -> 1; restore them from the backup'
    );
  });

  it('compares only the tables present before and after; rows added are no loss', () => {
    expect(compareRowCounts({ a: 2, b: 4, dropped: 9 }, { a: 3, b: 4, created: 1 })).toEqual({
      kept: [
        { table: 'a', before: 2, after: 3 },
        { table: 'b', before: 4, after: 4 }
      ],
      lost: []
    });
  });
});

describe('judgeDowngrade', () => {
  const finding = (destructive: boolean) => ({
    revision: 'b',
    rule: destructive ? 'drop-column' : 'add-index-non-concurrently',
    severity: 'error' as const,
    category: destructive ? ('destructive' as const) : ('locking' as const),
    destructive,
    message: '',
    fix: '',
    statement: 'ALTER TABLE t DROP COLUMN c'
  });
  const analysis = { from: 'b', to: 'a', revisions: [] };

  it('lets through findings that lock but lose nothing', () => {
    expect(judgeDowngrade({ ...analysis, findings: [finding(false)] }, false)).toEqual({
      run: true,
      destructive: false
    });
  });

  it('refuses destruction unless allowed', () => {
    expect(judgeDowngrade({ ...analysis, findings: [finding(true)] }, false)).toMatchObject({
      run: false,
      destructive: true
    });
    expect(judgeDowngrade({ ...analysis, findings: [finding(true)] }, true)).toEqual({
      run: true,
      destructive: true
    });
  });
});
