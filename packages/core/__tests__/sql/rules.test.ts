/**
 * Each rule, table-driven: SQL in, the rules that fire out. `history` is SQL of earlier units (what
 * the catalog knows before the checked unit runs).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  MIGRATION_RULES,
  SqlAnalyzer,
  loadPgParser,
  readSqlStatements,
  type PgParser,
  type SqlUnitAnalysis
} from '../../src/sql/index.ts';

let parser: PgParser;
beforeAll(async () => {
  parser = await loadPgParser();
});

interface Case {
  name: string;
  sql: string;
  history?: string;
  pg?: number;
  include?: string[];
  /** Rules expected to fire (in any order, each once unless listed twice). */
  expect: string[];
}

/** Rules a case does not list but that fire on almost everything: ignored unless the case names them. */
const BACKGROUND = ['require-lock-timeout', 'require-statement-timeout', 'prefer-robust-stmts'];

async function analyze(sql: string, options: { history?: string; pg?: number; include?: string[] } = {}) {
  const analyzer = new SqlAnalyzer({ pgVersion: options.pg ?? 16, parser, include: options.include ?? [] });
  if (options.history) {
    await analyzer.analyzeUnit({
      statements: readSqlStatements([Buffer.from(options.history)], parser),
      report: false
    });
  }
  return analyzer.analyzeUnit({ statements: readSqlStatements([Buffer.from(sql)], parser) });
}

const rules = (result: SqlUnitAnalysis, keep: (rule: string) => boolean) =>
  result.findings
    .map((finding) => finding.rule)
    .filter(keep)
    .sort();

const HISTORY = `
  CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, name text, legacy text, code varchar(20), price numeric(10,2));
  CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total bigint);
  ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
  ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0);
  CREATE INDEX orders_user_idx ON orders (user_id);
  CREATE TYPE status AS ENUM ('new', 'done');
`;

const cases: Case[] = [
  // Destructive and breaking.
  { name: 'drop table', sql: 'DROP TABLE users;', history: HISTORY, expect: ['ban-drop-table'] },
  {
    name: 'drop a table created in the same unit',
    sql: 'CREATE TABLE tmp (id bigint); DROP TABLE tmp;',
    expect: []
  },
  {
    name: 'drop column',
    sql: 'ALTER TABLE users DROP COLUMN legacy;',
    history: HISTORY,
    expect: ['ban-drop-column']
  },
  {
    name: 'drop a column added in the same unit',
    sql: 'ALTER TABLE users ADD COLUMN tmp text; ALTER TABLE users DROP COLUMN tmp;',
    history: HISTORY,
    expect: []
  },
  { name: 'drop database', sql: 'DROP DATABASE shop;', expect: ['ban-drop-database'] },
  { name: 'drop schema', sql: 'DROP SCHEMA billing CASCADE;', expect: ['ban-drop-schema'] },
  {
    name: 'truncate cascade',
    sql: 'TRUNCATE users CASCADE;',
    history: HISTORY,
    expect: ['ban-truncate-cascade']
  },
  { name: 'truncate', sql: 'TRUNCATE users;', history: HISTORY, expect: ['data-deletion'] },
  {
    name: 'delete',
    sql: 'DELETE FROM users WHERE legacy IS NOT NULL;',
    history: HISTORY,
    expect: ['data-deletion']
  },
  {
    name: 'rename column',
    sql: 'ALTER TABLE users RENAME COLUMN name TO full_name;',
    history: HISTORY,
    expect: ['renaming-column']
  },
  {
    name: 'rename table',
    sql: 'ALTER TABLE users RENAME TO accounts;',
    history: HISTORY,
    expect: ['renaming-table']
  },
  {
    name: 'rename a new table',
    sql: 'CREATE TABLE t1 (id bigint); ALTER TABLE t1 RENAME TO t2;',
    expect: []
  },
  {
    name: 'rename enum value',
    sql: "ALTER TYPE status RENAME VALUE 'done' TO 'finished';",
    history: HISTORY,
    expect: ['renaming-enum-value']
  },
  {
    name: 'NOT NULL column without default',
    sql: 'ALTER TABLE users ADD COLUMN tier text NOT NULL;',
    history: HISTORY,
    expect: ['adding-required-field']
  },
  {
    name: 'NOT NULL column with a default',
    sql: "ALTER TABLE users ADD COLUMN tier text NOT NULL DEFAULT 'free';",
    history: HISTORY,
    expect: []
  },
  {
    name: 'SET NOT NULL on a column added in the same unit without default',
    sql: 'ALTER TABLE users ADD COLUMN tier text; UPDATE users SET tier = $$free$$; ALTER TABLE users ALTER COLUMN tier SET NOT NULL;',
    history: HISTORY,
    expect: ['adding-required-field', 'backfill-in-migration']
  },
  // Certain failures.
  { name: 'syntax error', sql: 'ALTER TABLE users ADD COLUMNN x int;', expect: ['syntax-error'] },
  {
    name: 'CREATE INDEX CONCURRENTLY in a transaction',
    sql: 'BEGIN; CREATE INDEX CONCURRENTLY users_email_idx ON users (email); COMMIT;',
    history: HISTORY,
    expect: ['ban-concurrent-index-creation-in-transaction']
  },
  {
    name: 'DROP INDEX CONCURRENTLY in a transaction',
    sql: 'BEGIN; DROP INDEX CONCURRENTLY orders_user_idx; COMMIT;',
    history: HISTORY,
    expect: ['ban-concurrent-index-creation-in-transaction']
  },
  {
    name: 'enum value in a transaction before 12',
    sql: "BEGIN; ALTER TYPE status ADD VALUE 'archived' AFTER 'done'; COMMIT;",
    history: HISTORY,
    pg: 11,
    expect: ['add-enum-value-in-transaction']
  },
  {
    name: 'new enum value used in the same transaction (12+)',
    sql: "BEGIN; ALTER TYPE status ADD VALUE 'archived' AFTER 'done'; UPDATE orders SET total = 1 WHERE 'archived' = 'x'; COMMIT;",
    history: HISTORY,
    expect: ['add-enum-value-in-transaction', 'backfill-in-migration']
  },
  {
    name: 'enum value in a transaction (12+)',
    sql: "BEGIN; ALTER TYPE status ADD VALUE 'archived' AFTER 'done'; COMMIT;",
    history: HISTORY,
    expect: []
  },
  {
    name: 'enum value without position',
    sql: "ALTER TYPE status ADD VALUE 'archived';",
    history: HISTORY,
    expect: ['require-enum-value-ordering']
  },
  {
    name: 'duplicate assignment',
    sql: 'UPDATE users SET name = 1, name = 2;',
    history: HISTORY,
    expect: ['ban-duplicate-column-assignments', 'backfill-in-migration']
  },
  {
    name: 'duplicate insert column',
    sql: 'INSERT INTO users (id, id) VALUES (1, 2);',
    history: HISTORY,
    expect: ['ban-duplicate-column-assignments']
  },
  { name: 'uncommitted transaction', sql: 'BEGIN; SELECT 1;', expect: ['ban-uncommitted-transaction'] },
  { name: 'nested BEGIN', sql: 'BEGIN; BEGIN; COMMIT;', expect: ['transaction-nesting'] },
  // Locks and rewrites.
  {
    name: 'index without CONCURRENTLY',
    sql: 'CREATE INDEX users_name_idx ON users (name);',
    history: HISTORY,
    expect: ['require-concurrent-index-creation']
  },
  {
    name: 'index on a table created in the same unit',
    sql: 'CREATE TABLE t (a bigint); CREATE INDEX t_a ON t (a);',
    expect: []
  },
  {
    name: 'index CONCURRENTLY outside a transaction',
    sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_idx ON users (name);',
    history: HISTORY,
    expect: []
  },
  {
    name: 'unique index',
    sql: 'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);',
    history: HISTORY,
    expect: ['unique-on-existing-data']
  },
  {
    name: 'drop index',
    sql: 'DROP INDEX orders_user_idx;',
    history: HISTORY,
    expect: ['require-concurrent-index-deletion']
  },
  {
    name: 'reindex',
    sql: 'REINDEX INDEX orders_user_idx;',
    history: HISTORY,
    expect: ['require-concurrent-reindex']
  },
  {
    name: 'reindex concurrently',
    sql: 'REINDEX INDEX CONCURRENTLY orders_user_idx;',
    history: HISTORY,
    expect: []
  },
  {
    name: 'detach partition (14+)',
    sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2024;',
    expect: ['require-concurrent-partition-detach']
  },
  {
    name: 'detach partition (13)',
    sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2024;',
    pg: 13,
    expect: []
  },
  {
    name: 'volatile default',
    sql: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();',
    history: HISTORY,
    expect: ['adding-field-with-default']
  },
  {
    name: 'stable default (11+)',
    sql: 'ALTER TABLE users ADD COLUMN seen timestamptz DEFAULT now();',
    history: HISTORY,
    expect: []
  },
  {
    name: 'constant default before 11',
    sql: "ALTER TABLE users ADD COLUMN tier text DEFAULT 'free';",
    history: HISTORY,
    pg: 10,
    expect: ['adding-field-with-default']
  },
  {
    name: 'stored generated column',
    sql: 'ALTER TABLE users ADD COLUMN doubled bigint GENERATED ALWAYS AS (id * 2) STORED;',
    history: HISTORY,
    expect: ['adding-field-with-default']
  },
  {
    name: 'serial column on an existing table',
    sql: 'ALTER TABLE users ADD COLUMN seq bigserial;',
    history: HISTORY,
    expect: ['adding-field-with-default', 'prefer-identity']
  },
  {
    name: 'type change',
    sql: 'ALTER TABLE orders ALTER COLUMN total TYPE numeric;',
    history: HISTORY,
    expect: ['changing-column-type']
  },
  {
    name: 'widening varchar',
    sql: 'ALTER TABLE users ALTER COLUMN code TYPE varchar(50);',
    history: HISTORY,
    expect: ['prefer-text-field']
  },
  {
    name: 'varchar to text',
    sql: 'ALTER TABLE users ALTER COLUMN code TYPE text;',
    history: HISTORY,
    expect: []
  },
  {
    name: 'narrowing varchar',
    sql: 'ALTER TABLE users ALTER COLUMN code TYPE varchar(10);',
    history: HISTORY,
    expect: ['changing-column-type', 'prefer-text-field']
  },
  {
    name: 'numeric precision up',
    sql: 'ALTER TABLE users ALTER COLUMN price TYPE numeric(12,2);',
    history: HISTORY,
    expect: []
  },
  {
    name: 'type change with USING',
    sql: 'ALTER TABLE users ALTER COLUMN code TYPE text USING upper(code);',
    history: HISTORY,
    expect: ['changing-column-type']
  },
  {
    name: 'SET NOT NULL on an existing column',
    sql: 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;',
    history: HISTORY,
    expect: ['adding-not-nullable-field', 'not-null-on-existing-data']
  },
  {
    name: 'SET NOT NULL after a full backfill',
    sql: "UPDATE users SET name = 'n/a' WHERE name IS NULL; ALTER TABLE users ALTER COLUMN name SET NOT NULL;",
    history: HISTORY,
    expect: ['adding-not-nullable-field', 'backfill-in-migration']
  },
  {
    name: 'SET NOT NULL with a validated NOT NULL check (12+)',
    sql: 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;',
    history: `${HISTORY} ALTER TABLE users ADD CONSTRAINT users_name_nn CHECK (name IS NOT NULL) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT users_name_nn;`,
    expect: []
  },
  {
    name: 'SET NOT NULL with a validated NOT NULL check (11)',
    sql: 'ALTER TABLE users ALTER COLUMN name SET NOT NULL;',
    history: `${HISTORY} ALTER TABLE users ADD CONSTRAINT users_name_nn CHECK (name IS NOT NULL) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT users_name_nn;`,
    pg: 11,
    expect: ['adding-not-nullable-field', 'not-null-on-existing-data']
  },
  {
    name: 'foreign key without NOT VALID',
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk2 FOREIGN KEY (user_id) REFERENCES users (id);',
    history: HISTORY,
    expect: ['adding-foreign-key-constraint']
  },
  {
    name: 'foreign key NOT VALID then VALIDATE later',
    sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk2 FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
    history: HISTORY,
    expect: []
  },
  {
    name: 'column added with REFERENCES',
    sql: 'ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES users (id);',
    history: HISTORY,
    expect: ['adding-foreign-key-constraint']
  },
  {
    name: 'check without NOT VALID',
    sql: 'ALTER TABLE users ADD CONSTRAINT code_len CHECK (length(code) < 5);',
    history: HISTORY,
    expect: ['constraint-missing-not-valid']
  },
  {
    name: 'NOT VALID then VALIDATE in the same transaction',
    sql: 'BEGIN; ALTER TABLE users ADD CONSTRAINT code_len CHECK (length(code) < 5) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT code_len; COMMIT;',
    history: HISTORY,
    expect: ['constraint-missing-not-valid']
  },
  {
    name: 'unique constraint',
    sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
    history: HISTORY,
    expect: ['disallowed-unique-constraint', 'unique-on-existing-data']
  },
  {
    name: 'unique constraint using an index',
    sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;',
    history: HISTORY,
    expect: []
  },
  {
    name: 'primary key',
    sql: 'ALTER TABLE orders DROP CONSTRAINT orders_pkey, ADD PRIMARY KEY (id, user_id);',
    history: HISTORY,
    expect: ['adding-serial-primary-key-field', 'unique-on-existing-data']
  },
  {
    name: 'exclusion constraint',
    sql: 'ALTER TABLE orders ADD CONSTRAINT no_overlap EXCLUDE USING gist (user_id WITH =);',
    history: HISTORY,
    expect: ['adding-exclusion-constraint']
  },
  {
    name: 'alter domain add constraint',
    sql: 'ALTER DOMAIN positive ADD CONSTRAINT gt0 CHECK (VALUE > 0);',
    expect: ['ban-alter-domain-with-add-constraint']
  },
  { name: 'vacuum full', sql: 'VACUUM FULL users;', history: HISTORY, expect: ['prefer-repack'] },
  { name: 'cluster', sql: 'CLUSTER users USING users_pkey;', history: HISTORY, expect: ['prefer-repack'] },
  {
    name: 'backfill',
    sql: "UPDATE users SET name = 'x';",
    history: HISTORY,
    expect: ['backfill-in-migration']
  },
  {
    name: 'insert select',
    sql: 'INSERT INTO orders (id, user_id) SELECT id, id FROM users;',
    history: HISTORY,
    expect: ['backfill-in-migration']
  },
  {
    name: 'insert values',
    sql: "INSERT INTO users (id, email) VALUES (1, 'a@example.com');",
    history: HISTORY,
    expect: []
  },
  { name: 'COMMIT inside the tool transaction is checked in the migrate layer', sql: 'COMMIT;', expect: [] },
  // Integrity.
  {
    name: 'dropped foreign key',
    sql: 'ALTER TABLE orders DROP CONSTRAINT orders_user_fk;',
    history: HISTORY,
    expect: ['dropping-foreign-key']
  },
  {
    name: 'foreign key dropped and re-created',
    sql: 'ALTER TABLE orders DROP CONSTRAINT orders_user_fk, ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE NOT VALID;',
    history: HISTORY,
    expect: []
  },
  {
    name: 'foreign key dropped, re-created in a later statement',
    sql: 'ALTER TABLE orders DROP CONSTRAINT orders_user_fk; ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;',
    history: HISTORY,
    expect: []
  },
  {
    name: 'dropped check constraint',
    sql: 'ALTER TABLE orders DROP CONSTRAINT orders_total_positive;',
    history: HISTORY,
    expect: []
  },
  {
    name: 'drop not null',
    sql: 'ALTER TABLE users ALTER COLUMN email DROP NOT NULL;',
    history: HISTORY,
    expect: ['ban-drop-not-null']
  },
  // Advice.
  {
    name: 'column types',
    sql: 'CREATE TABLE t (id serial PRIMARY KEY, a varchar(10), b char(2), c timestamp, d smallint, e json, f int);',
    expect: [
      'ban-char-field',
      'json-column',
      'prefer-bigint-over-int',
      'prefer-bigint-over-int',
      'prefer-bigint-over-smallint',
      'prefer-identity',
      'prefer-text-field',
      'prefer-timestamp-tz'
    ]
  },
  {
    name: 'good column types',
    sql: 'CREATE TABLE t (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, a text, c timestamptz, e jsonb);',
    expect: []
  },
  {
    name: 'domain with a check',
    sql: 'CREATE DOMAIN positive AS bigint CHECK (VALUE > 0);',
    expect: ['ban-create-domain-with-constraint']
  },
  {
    name: 'identifier too long',
    sql: `CREATE TABLE ${'a'.repeat(70)} (id bigint);`,
    expect: ['identifier-too-long']
  },
  { name: 'schema-qualified names (opt-in rule off)', sql: 'CREATE TABLE t (id bigint);', expect: [] },
  {
    name: 'schema-qualified names (opt-in rule on)',
    sql: 'CREATE TABLE t (id bigint);',
    include: ['require-table-schema'],
    expect: ['require-table-schema']
  }
];

describe('rules', () => {
  it.each(cases)('$name', async ({ sql, history, pg, include, expect: expected }) => {
    const result = await analyze(sql, {
      ...(history ? { history } : {}),
      ...(pg ? { pg } : {}),
      ...(include ? { include } : {})
    });
    const listed = new Set(expected);
    expect(rules(result, (rule) => listed.has(rule) || !BACKGROUND.includes(rule))).toEqual(
      [...expected].sort()
    );
  });

  it('asks for lock_timeout once per unit, at the first blocking statement, and counts the rest', async () => {
    const result = await analyze(
      'SELECT 1;\nALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;\nCREATE INDEX i ON users (a);',
      { history: HISTORY }
    );
    const lock = result.findings.filter((finding) => finding.rule === 'require-lock-timeout');
    expect(lock).toHaveLength(1);
    expect(lock[0]!.line).toBe(2);
    expect(lock[0]!.message).toMatch(/2 more statements/);
  });

  it('accepts SET lock_timeout, SET LOCAL until COMMIT, and set_config()', async () => {
    const timeouts = (sql: string) =>
      analyze(sql, { history: HISTORY }).then((result) =>
        rules(result, (rule) => rule === 'require-lock-timeout' || rule === 'require-statement-timeout')
      );
    expect(
      await timeouts(
        "SET lock_timeout = '5s'; SET statement_timeout = '1min'; ALTER TABLE users ADD COLUMN a text;"
      )
    ).toEqual([]);
    expect(
      await timeouts("BEGIN; SET LOCAL lock_timeout = '5s'; COMMIT; ALTER TABLE users ADD COLUMN a text;")
    ).toEqual(['require-lock-timeout', 'require-statement-timeout']);
    expect(
      await timeouts("SELECT set_config('lock_timeout', '2s', false); ALTER TABLE users ADD COLUMN a text;")
    ).toEqual(['require-statement-timeout']);
    expect(await timeouts('SET lock_timeout = 0; ALTER TABLE users ADD COLUMN a text;')).toEqual([
      'require-lock-timeout',
      'require-statement-timeout'
    ]);
  });

  it('asks for re-runnable statements only outside a transaction', async () => {
    const robust = (sql: string) =>
      analyze(sql, { history: HISTORY }).then((result) =>
        rules(result, (rule) => rule === 'prefer-robust-stmts')
      );
    expect(await robust('CREATE TABLE t (id bigint); DROP TABLE users;')).toEqual([
      'prefer-robust-stmts',
      'prefer-robust-stmts'
    ]);
    expect(await robust('CREATE TABLE IF NOT EXISTS t (id bigint); DROP TABLE IF EXISTS users;')).toEqual([]);
    expect(await robust('BEGIN; CREATE TABLE t (id bigint); DROP TABLE users; COMMIT;')).toEqual([]);
  });

  it('points a finding at the node it is about', async () => {
    const result = await analyze(
      'ALTER TABLE users\n  ADD COLUMN a text,\n  ADD COLUMN tier text NOT NULL;',
      { history: HISTORY }
    );
    const required = result.findings.find((finding) => finding.rule === 'adding-required-field')!;
    expect([required.line, required.column, required.statementLine]).toEqual([3, 14, 1]);
  });

  it('keeps at most maxFindingsPerUnit findings and counts the rest', async () => {
    const analyzer = new SqlAnalyzer({ pgVersion: 16, parser, maxFindingsPerUnit: 3 });
    const sql = Array.from({ length: 10 }, (_, i) => `DROP TABLE t${i};`).join('\n');
    const result = await analyzer.analyzeUnit({ statements: readSqlStatements([Buffer.from(sql)], parser) });
    expect(result.findings).toHaveLength(3);
    expect(result.counts['ban-drop-table']).toBe(10);
    expect(result.truncated).toBe(true);
  });

  it('skips the migration tool bookkeeping but follows its transaction', async () => {
    const analyzer = new SqlAnalyzer({ pgVersion: 16, parser });
    const sql =
      'BEGIN;\nCREATE TABLE alembic_version (version_num varchar(32) NOT NULL);\nCREATE INDEX CONCURRENTLY i ON users (a);\nCOMMIT;';
    const result = await analyzer.analyzeUnit({
      statements: readSqlStatements([Buffer.from(sql)], parser),
      origin: (offset) => ({ bookkeeping: offset < 20 || offset > sql.lastIndexOf('COMMIT') - 1 })
    });
    expect(result.findings.map((finding) => finding.rule)).toContain(
      'ban-concurrent-index-creation-in-transaction'
    );
    expect(result.findings.map((finding) => finding.rule)).not.toContain('prefer-text-field');
  });

  it('has a test case for every rule of the SQL analysis', () => {
    const covered = new Set(cases.flatMap((c) => c.expect));
    for (const rule of ['require-lock-timeout', 'require-statement-timeout', 'prefer-robust-stmts'])
      covered.add(rule);
    const analysisRules = MIGRATION_RULES.filter((info) => !info.source && info.id !== 'unused-allow').map(
      (info) => info.id
    );
    expect(analysisRules.filter((id) => !covered.has(id))).toEqual([]);
  });
});
