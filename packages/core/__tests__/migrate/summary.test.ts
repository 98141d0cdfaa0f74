import { describe, expect, it } from '@jest/globals';
import { migrateAnnotations, migrateFindingsOutput } from '../../src/migrate/outputs.ts';
import { renderMigrateSummary } from '../../src/migrate/summary.ts';
import type { MigrateFinding, MigrateReport } from '../../src/migrate/types.ts';

const dropColumn: MigrateFinding = {
  rule: 'ban-drop-column',
  severity: 'error',
  revision: '0004_drop_legacy',
  file: 'db/versions/0004_drop_legacy.py',
  line: 14,
  statement: 'ALTER TABLE users DROP COLUMN legacy',
  message:
    'Dropping `users.legacy` destroys its data, and the version still running fails on every query that names it.',
  fix: 'Expand and contract: deploy code that no longer reads or writes the column first, drop it in a later release.',
  category: 'destructive',
  destructive: true,
  sqlLine: 9
};
const lockTimeout: MigrateFinding = {
  ...dropColumn,
  rule: 'require-lock-timeout',
  severity: 'warning',
  message: 'This statement waits for a lock that blocks other queries, with no lock_timeout set.',
  fix: "SET lock_timeout = '5s' first.",
  category: 'locking',
  destructive: false
};
const notice: MigrateFinding = {
  ...dropColumn,
  revision: '0005_prices',
  file: 'db/versions/0005_prices.py',
  rule: 'prefer-text-field',
  severity: 'notice',
  line: 12,
  statement: 'ALTER TABLE items ADD COLUMN sku VARCHAR(20)',
  message: 'Column `sku` is varchar(20); changing the limit later may lock the table.',
  fix: 'Use text with a CHECK (length(col) <= n) constraint.',
  category: 'advisory',
  destructive: false
};

const report: MigrateReport = {
  schema: 'migrate-dry-run/v1',
  verdict: 'fail',
  headline: 'failed: 1 error, 1 warning, 1 notice in 2 revisions (1 allowed); round trip failed',
  mode: 'alembic',
  pgVersion: 16,
  pgVersionFrom: 'input',
  failOn: 'error',
  range: { from: '0003_add_item_category', to: '0005_prices' },
  destructive: true,
  counts: { error: 1, warning: 1, notice: 1, allowed: 1 },
  rules: { 'ban-drop-column': 1, 'require-lock-timeout': 1, 'prefer-text-field': 1 },
  units: [
    {
      revision: '0004_drop_legacy',
      file: 'db/versions/0004_drop_legacy.py',
      doc: 'drop users.legacy',
      status: 'checked',
      statements: 4,
      counts: { error: 1, warning: 1, notice: 0, allowed: 0 },
      truncated: false,
      sqlLines: [4, 12]
    },
    {
      revision: '0005_prices',
      file: 'db/versions/0005_prices.py',
      status: 'checked',
      statements: 4,
      counts: { error: 0, warning: 0, notice: 1, allowed: 1 },
      truncated: false,
      sqlLines: [14, 22]
    }
  ],
  findings: [dropColumn, lockTimeout, notice],
  allowed: [
    {
      ...notice,
      rule: 'backfill-in-migration',
      severity: 'warning',
      allowed: { reason: 'a 40-row table', by: 'allow-file' }
    }
  ],
  findingsTruncated: false,
  roundtrip: {
    status: 'failed',
    reason: 'The downgrade lost data in public.users.legacy.',
    steps: [
      { name: 'upgrade 0004_drop_legacy', kind: 'upgrade', revision: '0004_drop_legacy', ok: true, ms: 21 },
      {
        name: 'downgrade 0004_drop_legacy',
        kind: 'downgrade',
        revision: '0004_drop_legacy',
        ok: true,
        ms: 15
      }
    ],
    settings: { lockTimeout: '5s', statementTimeout: '5min' },
    dataLoss: [
      {
        table: 'public.users',
        column: 'legacy',
        kind: 'values-lost',
        before: 3,
        after: 0,
        revision: '0004_drop_legacy',
        detail:
          '3 non-NULL values before the upgrade, 0 after the downgrade; the downgrade of 0004_drop_legacy re-creates the column without its data'
      }
    ],
    schemaDiff: [],
    downgradeSchemaDiff: [],
    tables: 2,
    rows: 5,
    database: { name: 'scratch', serverVersion: '15.4' }
  },
  sqlFile: '/runner/temp/migrate-dry-run-x/migrations.sql',
  tools: { python: '3.11.2', alembic: '1.8.1', sqlalchemy: '1.4.46' },
  durationMs: 2345
};

const SQL = {
  '0004_drop_legacy': 'BEGIN;\n\nALTER TABLE users DROP COLUMN legacy;\n\nCOMMIT;\n\n',
  '0005_prices': 'BEGIN;\n\nALTER TABLE items ADD COLUMN sku VARCHAR(20);\n\nCOMMIT;\n\n'
};

describe('renderMigrateSummary', () => {
  it('renders the verdict, the round trip, a table per revision with its SQL folded, and next steps', () => {
    expect(renderMigrateSummary(report, [dropColumn, lockTimeout, notice], SQL)).toMatchInlineSnapshot(`
     "## ❌ migrate-dry-run: failed

     Failed: 1 error, 1 warning, 1 notice in 2 revisions (1 allowed); round trip failed. Checked revisions after \`0003_add_item_category\` up to \`0005_prices\` with PostgreSQL 16 rules; fails on errors.

     > [!CAUTION]
     > This migration **destroys data or breaks the version still running** during the deploy (see the ❌ rows).

     |  | errors | warnings | notices | allowed | round trip |
     | --- | --- | --- | --- | --- | --- |
     | total | 1 | 1 | 1 | 1 | ❌ failed |

     ### Round trip: ❌ failed

     The downgrade lost data in public.users.legacy.

     scratch database \`scratch\` (PostgreSQL 15.4) · 5 rows in 2 tables before the upgrade · lock_timeout \`5s\`, statement_timeout \`5min\`

     | table | column | before | after | revision | what happened |
     | --- | --- | --- | --- | --- | --- |
     | \`public.users\` | \`legacy\` | 3 | 0 | \`0004_drop_legacy\` | 3 non-NULL values before the upgrade, 0 after the downgrade; the downgrade of 0004_drop_legacy re-creates the column without its data |

     <details><summary>Steps (2)</summary>

     | step | result | time |
     | --- | --- | --- |
     | upgrade 0004_drop_legacy | ✅ | 21 ms |
     | downgrade 0004_drop_legacy | ✅ | 15 ms |

     </details>

     ### Revisions

     #### \`0004_drop_legacy\` drop users.legacy · ❌ 1 error (1 warning)

     \`db/versions/0004_drop_legacy.py\` · 4 statements · sql-file lines 4–12

     |  | rule | line | finding | safe way |
     | --- | --- | --- | --- | --- |
     | ❌ | \`ban-drop-column\` | 14 | Dropping \`users.legacy\` destroys its data, and the version still running fails on every query that names it. | Expand and contract: deploy code that no longer reads or writes the column first, drop it in a later release. |
     | ⚠️ | \`require-lock-timeout\` | 14 | This statement waits for a lock that blocks other queries, with no lock_timeout set. | SET lock_timeout = '5s' first. |

     <details><summary>SQL of 0004_drop_legacy</summary>

     \`\`\`sql
     BEGIN;

     ALTER TABLE users DROP COLUMN legacy;

     COMMIT;
     \`\`\`

     </details>

     #### \`0005_prices\` · ✅ clean (1 notice, 1 allowed)

     \`db/versions/0005_prices.py\` · 4 statements · sql-file lines 14–22

     <details><summary>Notices (1)</summary>

     |  | rule | line | finding | safe way |
     | --- | --- | --- | --- | --- |
     | ℹ️ | \`prefer-text-field\` | 12 | Column \`sku\` is varchar(20); changing the limit later may lock the table. | Use text with a CHECK (length(col) &lt;= n) constraint. |

     </details>

     <details><summary>SQL of 0005_prices</summary>

     \`\`\`sql
     BEGIN;

     ALTER TABLE items ADD COLUMN sku VARCHAR(20);

     COMMIT;
     \`\`\`

     </details>

     <details><summary>Allowed (1)</summary>

     | revision | rule | line | reason |
     | --- | --- | --- | --- |
     | \`0005_prices\` | \`backfill-in-migration\` | 12 | a 40-row table |

     </details>

     ### What to do next
     - Split destructive or breaking changes with **expand and contract**: ship the code that no longer needs the old column or table first, and drop or rename in a later release.
     - Make the named downgrades copy the data back before they drop what the upgrade added.
     - Set a \`lock_timeout\` at the top of each revision (\`op.execute("SET lock_timeout = '5s'")\`) so a blocked lock fails fast instead of queueing traffic.
     - A finding you have reviewed and accept goes into \`allow-file\` as \`{revision, rule, reason}\`; the reason shows in the report.

     <sub>Offline SQL: \`/runner/temp/migrate-dry-run-x/migrations.sql\` · report schema \`migrate-dry-run/v1\` · 2.3 s · alembic 1.8.1, Python 3.11.2</sub>
     "
    `);
  });

  it('renders a clean run briefly', () => {
    const clean: MigrateReport = {
      ...report,
      verdict: 'pass',
      headline: 'passed: no findings in 1 revision; round trip skipped',
      destructive: false,
      counts: { error: 0, warning: 0, notice: 0, allowed: 0 },
      units: [{ ...report.units[1]!, counts: { error: 0, warning: 0, notice: 0, allowed: 0 } }],
      findings: [],
      allowed: [],
      roundtrip: {
        ...report.roundtrip,
        status: 'skipped',
        reason: 'No database-url.',
        steps: [],
        dataLoss: []
      }
    };
    const markdown = renderMigrateSummary(clean, [], {});
    expect(markdown).toContain('## ✅ migrate-dry-run: passed');
    expect(markdown).toContain('#### `0005_prices` · ✅ clean');
    expect(markdown).toContain('Give `database-url` (a scratch PostgreSQL)');
    expect(markdown).not.toContain('[!CAUTION]');
    // With no revision to apply there is nothing to rehearse, database or not.
    const nothingNew = renderMigrateSummary({ ...clean, units: [] }, [], {});
    expect(nothingNew).not.toContain('Give `database-url`');
  });
});

describe('outputs', () => {
  it('annotates each finding on its file and line, worst first, and caps the count', () => {
    const annotations = migrateAnnotations([dropColumn, lockTimeout], 1);
    expect(annotations).toEqual([
      {
        level: 'error',
        message: `${dropColumn.message}\nSafe way: ${dropColumn.fix}\nSQL: ALTER TABLE users DROP COLUMN legacy`,
        properties: {
          title: 'migrate-dry-run: ban-drop-column (0004_drop_legacy)',
          file: 'db/versions/0004_drop_legacy.py',
          line: 14
        }
      }
    ]);
  });

  it('gives the findings output the contract fields only', () => {
    expect(JSON.parse(migrateFindingsOutput([notice]))).toEqual([
      {
        rule: 'prefer-text-field',
        severity: 'notice',
        revision: '0005_prices',
        file: 'db/versions/0005_prices.py',
        line: 12,
        statement: 'ALTER TABLE items ADD COLUMN sku VARCHAR(20)',
        message: notice.message,
        fix: notice.fix
      }
    ]);
  });
});
