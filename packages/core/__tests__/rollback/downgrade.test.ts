/**
 * The database step of the rollback with a scripted alembic driver and the real SQL parser: which
 * revision goes down to which, what the analysis of its SQL decides, what runs. The real driver,
 * alembic and PostgreSQL run in action-tests/rollback.test.ts.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryLogger } from '../../src/logger.ts';
import { AlembicClient, type OfflineChunk } from '../../src/migrate/alembic.ts';
import { downgradeDatabase, judgeDowngrade, type DowngradeConfig } from '../../src/rollback/downgrade.ts';
import { loadPgParser, type PgParser } from '../../src/sql/parser.ts';
import { ScriptedDriver, chunk as recorded, revision } from '../fakes/scripted-driver.ts';

const chunk = (text: string, line = 21) => recorded(text, line);

let parser: PgParser;
beforeAll(async () => {
  parser = await loadPgParser();
});

const UPGRADES: Record<string, OfflineChunk[]> = {
  r1: [chunk('CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL);', 13)],
  r2: [chunk('ALTER TABLE items ADD COLUMN category text;', 13)]
};

const step = (revision: string, chunks: OfflineChunk[]) => ({
  revision,
  ok: true,
  chunks,
  error: null,
  ms: 1
});

/** A driver for a database at `heads`, whose downgrade of r2 runs `downgradeSql` (or fails offline). */
function driver(options: { heads?: string[]; downgradeSql?: string[] | 'offline-error'; runError?: string }) {
  const heads = options.heads ?? ['r2'];
  const downgradeSql = options.downgradeSql ?? ['ALTER TABLE items DROP COLUMN category;'];
  const downgrade =
    downgradeSql === 'offline-error'
      ? {
          revision: 'r2',
          ok: false,
          chunks: [],
          error: { type: 'NotImplementedError', message: 'reads rows', line: 22, getBindLines: [22] },
          ms: 1
        }
      : step(
          'r2',
          downgradeSql.map((sql) => chunk(sql))
        );
  return new ScriptedDriver({
    'inspect-downgrade': {
      ping: { serverVersionNum: 150013, database: 'app' },
      heads,
      ...(heads.length === 1
        ? {
            plan: {
              from: 'base',
              to: 'r2',
              heads: ['r2'],
              revisions: [revision('r1'), revision('r2', 'r1')],
              history: []
            },
            // The upgrades up to the head, then the head's downgrade (the driver builds this list).
            offline: [step('r1', UPGRADES.r1!), step('r2', UPGRADES.r2!), downgrade]
          }
        : {})
    },
    downgrade: (request: Record<string, unknown>) => ({
      before: [request.from],
      after: options.runError ? [request.from] : [request.to],
      error: options.runError ?? null,
      ms: 40
    })
  });
}

const config: DowngradeConfig = {
  databaseUrl: 'postgresql://app:pw@db/app',
  allowDestructive: false,
  lockTimeoutMs: 5000,
  statementTimeoutMs: 60_000
};

async function downgrade(scripted: ScriptedDriver, overrides: Partial<DowngradeConfig> = {}) {
  return downgradeDatabase(
    { ...config, ...overrides },
    {
      alembic: new AlembicClient(scripted, { config: 'alembic.ini' }),
      loadParser: async () => parser,
      logger: new MemoryLogger()
    }
  );
}

const commands = (scripted: ScriptedDriver) => scripted.requests.map((r) => r.command);

describe('downgradeDatabase', () => {
  it('refuses a downgrade that drops a column holding data, and runs nothing', async () => {
    const scripted = driver({});
    const report = await downgrade(scripted);
    expect(report).toMatchObject({ from: 'r2', to: 'r1', decision: 'refused', destructive: true });
    expect(report.findings.find((f) => f.destructive)).toMatchObject({ line: 21 });
    expect(report.problem).toMatch(/refused: downgrading r2 to r1 is destructive: .*DROP COLUMN category/);
    expect(report.problem).toContain('allow-destructive-downgrade: true');
    // One Python start to look, none to run.
    expect(commands(scripted)).toEqual(['inspect-downgrade']);
  });

  it('runs the same range it analysed when destruction is allowed, with its own timeouts', async () => {
    const scripted = driver({});
    const report = await downgrade(scripted, { allowDestructive: true });
    expect(report).toMatchObject({ decision: 'ran', destructive: true, after: ['r1'], durationMs: 40 });
    expect(commands(scripted)).toEqual(['inspect-downgrade', 'downgrade']);
    const run = scripted.requests.find((r) => r.command === 'downgrade')!;
    expect(run).toMatchObject({ from: 'r2', to: 'r1', lockTimeoutMs: 5000, statementTimeoutMs: 60_000 });
  });

  it('runs a downgrade that loses nothing without being allowed to destroy', async () => {
    const scripted = driver({ downgradeSql: ['CREATE INDEX items_name ON items (name);'] });
    const report = await downgrade(scripted);
    expect(report.destructive).toBe(false);
    expect(report.decision).toBe('ran');
    expect(report.sql).toContain('CREATE INDEX');
  });

  it('treats a downgrade whose SQL cannot be produced offline as destructive: nobody has seen it', async () => {
    const report = await downgrade(driver({ downgradeSql: 'offline-error' }));
    expect(report).toMatchObject({ analysed: false, decision: 'refused' });
    expect(report.problem).toContain('NotImplementedError: reads rows');
  });

  it('reports a failed alembic run with where the database is left', async () => {
    const report = await downgrade(driver({ runError: 'OperationalError: lock timeout' }), {
      allowDestructive: true
    });
    expect(report.decision).toBe('failed');
    expect(report.problem).toBe(
      'alembic downgrade failed: OperationalError: lock timeout; the database is at r2'
    );
  });

  it.each([
    [[], /at base/],
    [['r2', 'x9'], /2 heads/]
  ])('refuses to guess when the database is at %j', async (heads, message) => {
    await expect(downgrade(driver({ heads }))).rejects.toThrow(message);
  });
});

describe('judgeDowngrade', () => {
  const finding = (destructive: boolean) => ({
    rule: destructive ? 'drop-column' : 'add-index-non-concurrently',
    severity: 'error' as const,
    category: destructive ? ('destructive' as const) : ('locking' as const),
    destructive,
    message: '',
    fix: '',
    statement: 'ALTER TABLE t DROP COLUMN c'
  });
  const analysis = { from: 'b', to: 'a', analysed: true };

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
