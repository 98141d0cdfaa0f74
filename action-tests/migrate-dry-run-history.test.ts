/**
 * migrate-dry-run on histories beyond a straight line, and with the data and server it meets: a
 * branch and a merge (each revision analysed and rehearsed on its own), the example app's seed
 * file making a lossy downgrade visible, and the rules following the scratch database's version.
 * The dist bundle under Node 24, real alembic, a real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, runAction, type ActionRun } from './run-action.ts';
import { EXAMPLE_BACKEND_DIR, PYTHON, startPostgres, type PostgresService } from './services/index.ts';

const FIXTURES = path.join(repoRoot, 'action-tests', 'fixtures', 'migrate');
const BRANCHED_APP = path.join(FIXTURES, 'branched-app');
const EXAMPLE_SEED = path.join(EXAMPLE_BACKEND_DIR, 'seed.sql');

let postgres: PostgresService;
let databases = 0;
let temp: string;

beforeAll(async () => {
  postgres = await startPostgres();
  temp = mkdtempSync(path.join(os.tmpdir(), 'migrate-dry-run-history-'));
}, 60_000);
afterAll(async () => {
  await postgres?.stop();
  rmSync(temp, { recursive: true, force: true });
});

async function scratch(): Promise<string> {
  return postgres.createDatabase(`history_${++databases}`);
}

function dryRun(inputs: Record<string, string>): Promise<ActionRun> {
  return runAction('migrate-dry-run', {
    inputs: { python: PYTHON, ...inputs },
    env: { GITHUB_WORKSPACE: repoRoot, RUNNER_TEMP: temp },
    timeoutMs: 120_000
  });
}

interface Finding {
  rule: string;
  revision: string;
  file: string;
  line: number;
}
const report = (run: ActionRun) => JSON.parse(run.outputs.report ?? '{}');
const findings = (run: ActionRun) => JSON.parse(run.outputs.findings ?? '[]') as Finding[];
const branchedFile = (file: string) => path.relative(repoRoot, path.join(BRANCHED_APP, 'versions', file));

describe('a branch and a merge', () => {
  let run: ActionRun;
  beforeAll(async () => {
    run = await dryRun({
      'working-directory': BRANCHED_APP,
      'from-revision': 'b0001',
      'database-url': await scratch(),
      'seed-sql': path.join(FIXTURES, 'seeds', 'branched-app.sql')
    });
  }, 120_000);

  it('analyses each revision of both branches and the merge on its own, on its own lines', () => {
    const units = report(run).units.map((u: { revision: string }) => u.revision);
    expect([...units].sort()).toEqual(['b0002a', 'b0002b', 'b0003', 'b0004']);
    expect(units.indexOf('b0003')).toBeGreaterThan(
      Math.max(units.indexOf('b0002a'), units.indexOf('b0002b'))
    );
    const drop = findings(run).find((f) => f.rule === 'ban-drop-column')!;
    expect([drop.revision, drop.file, drop.line]).toEqual([
      'b0002b',
      branchedFile('b0002b_drop_legacy.py'),
      14
    ]);
    // The merge runs no SQL of its own (alembic's merge range also walks the other branch).
    const merge = report(run).units.find((u: { revision: string }) => u.revision === 'b0003');
    expect(merge).toMatchObject({ status: 'checked' });
    expect(findings(run).filter((f) => f.revision === 'b0003')).toEqual([]);
  });

  it('rehearses every revision down on its own, so the loss is put on the branch that causes it', () => {
    const roundtrip = report(run).roundtrip;
    const downgrades = roundtrip.steps
      .filter((s: { kind: string }) => s.kind === 'downgrade')
      .map((s: { revision: string }) => s.revision);
    expect(downgrades[0]).toBe('b0004');
    expect(downgrades[1]).toBe('b0003');
    expect([...downgrades.slice(2)].sort()).toEqual(['b0002a', 'b0002b']);
    expect(roundtrip.steps.every((s: { ok: boolean }) => s.ok)).toBe(true);
    // Undoing the merge leaves both branches: legacy_code comes back only with b0002b's downgrade.
    expect(roundtrip.dataLoss).toEqual([
      expect.objectContaining({
        table: 'public.accounts',
        column: 'legacy_code',
        kind: 'values-lost',
        revision: 'b0002b'
      })
    ]);
    expect(run.outputs.roundtrip).toBe('failed');
    expect(roundtrip.schemaDiff).toEqual([]);
  });
});

describe("the example app's seed file", () => {
  /** The example backend with one more revision whose downgrade re-creates reviews without its rows. */
  function exampleWithLossyRevision(): string {
    const dir = mkdtempSync(path.join(temp, 'example-'));
    for (const part of ['alembic.ini', 'alembic', 'app']) {
      cpSync(path.join(EXAMPLE_BACKEND_DIR, part), path.join(dir, part), {
        recursive: true,
        filter: (source) => !source.includes('__pycache__')
      });
    }
    writeFileSync(
      path.join(dir, 'alembic', 'versions', '0004_item_reviews.py'),
      [
        '"""reviews become item_reviews',
        '',
        'Revision ID: 0004_item_reviews',
        '"""',
        '',
        'from alembic import op',
        '',
        'revision = "0004_item_reviews"',
        'down_revision = "0003_add_item_category"',
        '',
        '',
        'def upgrade() -> None:',
        '    op.rename_table("reviews", "item_reviews")',
        '',
        '',
        'def downgrade() -> None:',
        '    # The bug: the old table comes back empty instead of renamed back.',
        '    op.execute("CREATE TABLE reviews (LIKE item_reviews INCLUDING CONSTRAINTS INCLUDING INDEXES)")',
        '    op.drop_table("item_reviews")',
        ''
      ].join('\n')
    );
    return dir;
  }

  it('is loaded at any revision and lets the rehearsal see a downgrade lose rows', async () => {
    const app = exampleWithLossyRevision();
    const [seeded, empty] = await Promise.all([
      dryRun({
        'working-directory': app,
        'from-revision': '0003_add_item_category',
        'database-url': await scratch(),
        'seed-sql': EXAMPLE_SEED
      }),
      dryRun({
        'working-directory': app,
        'from-revision': '0003_add_item_category',
        'database-url': await scratch()
      })
    ]);
    expect(report(seeded).roundtrip).toMatchObject({ status: 'failed', tables: 2, rows: 6 });
    expect(report(seeded).roundtrip.dataLoss).toEqual([
      expect.objectContaining({
        table: 'public.reviews',
        kind: 'rows-lost',
        before: 3,
        after: 0
      })
    ]);
    expect(findings(seeded).map((f) => [f.rule, f.revision])).toContainEqual([
      'roundtrip-data-loss',
      '0004_item_reviews'
    ]);
    // Without the seed the same downgrade loses nothing that can be seen: there was nothing to lose.
    expect(report(empty).roundtrip.dataLoss).toEqual([]);
    expect(findings(empty).map((f) => f.rule)).toContain('roundtrip-without-data');
    expect(findings(empty).map((f) => f.rule)).not.toContain('roundtrip-data-loss');
  }, 120_000);
});

describe('pg-version', () => {
  it("follows the scratch database's server when not given, and the input when given", async () => {
    const server = Number((await postgres.query('SHOW server_version_num')).slice(0, -4));
    const [fromServer, given] = await Promise.all([
      dryRun({ 'working-directory': BRANCHED_APP, 'database-url': await scratch() }),
      dryRun({ 'working-directory': BRANCHED_APP, 'database-url': await scratch(), 'pg-version': '11' })
    ]);
    expect(report(fromServer)).toMatchObject({ pgVersion: server, pgVersionFrom: 'database' });
    expect(fromServer.summary).toContain(`with PostgreSQL ${server} rules (the scratch database's version)`);
    expect(report(given)).toMatchObject({ pgVersion: 11, pgVersionFrom: 'input' });
  }, 120_000);

  it('is 16 without a database', async () => {
    const run = await dryRun({ 'working-directory': BRANCHED_APP });
    expect(report(run)).toMatchObject({ pgVersion: 16, pgVersionFrom: 'default' });
  }, 60_000);
});
