/**
 * The rule set: every rule squawk has (same ids, so a team moving over keeps its vocabulary) plus
 * what it misses and strong_migrations / Atlas catch. The severity policy (docs/adrs/0003):
 * - `error`: destroys data, breaks the version still running during the deploy, fails for certain
 *   when run, or could not be checked at all;
 * - `warning`: takes a lock that blocks traffic, rewrites or scans a table, or depends on the data
 *   (may fail at deploy time);
 * - `notice`: advice (types, naming, re-runnability) that never fails a step.
 */

export type MigrationSeverity = 'error' | 'warning' | 'notice';

/**
 * What kind of harm a rule is about. `destructive` and `breaking` make a finding count for the
 * `destructive` output.
 */
export type MigrationRuleCategory =
  | 'destructive'
  | 'breaking'
  | 'failure'
  | 'locking'
  | 'rewrite'
  | 'data-dependent'
  | 'integrity'
  | 'advisory'
  | 'unchecked';

export interface MigrationRuleInfo {
  id: string;
  severity: MigrationSeverity;
  category: MigrationRuleCategory;
  /** The squawk rule this one matches, when there is one. */
  squawk?: string;
  /** One line: what the rule flags. */
  title: string;
  /** The safe way to do it. */
  fix: string;
  /** Off unless listed in the `include` input (squawk's opt-in rules). */
  optIn?: boolean;
  /** Reported by the round-trip rehearsal or the alembic run, not by the SQL analysis. */
  source?: 'rehearsal' | 'alembic';
}

const rule = (info: MigrationRuleInfo): MigrationRuleInfo => info;

/** Every rule, in the order the docs list them. */
export const MIGRATION_RULES: readonly MigrationRuleInfo[] = [
  // Destroys data or breaks the version still running.
  rule({
    id: 'ban-drop-table',
    severity: 'error',
    category: 'destructive',
    squawk: 'ban-drop-table',
    title: 'DROP TABLE on an existing table',
    fix: 'Expand and contract: stop reading and writing the table in one release, drop it in a later one (and keep a backup).'
  }),
  rule({
    id: 'ban-drop-column',
    severity: 'error',
    category: 'destructive',
    squawk: 'ban-drop-column',
    title: 'DROP COLUMN on an existing table',
    fix: 'Expand and contract: deploy code that no longer reads or writes the column first, drop it in a later release.'
  }),
  rule({
    id: 'ban-drop-database',
    severity: 'error',
    category: 'destructive',
    squawk: 'ban-drop-database',
    title: 'DROP DATABASE',
    fix: 'Never drop a database from a migration; do it by hand after a backup.'
  }),
  rule({
    id: 'ban-drop-schema',
    severity: 'error',
    category: 'destructive',
    title: 'DROP SCHEMA (every table in it goes with it)',
    fix: 'Drop the objects one by one in a release that no longer uses them, after a backup.'
  }),
  rule({
    id: 'ban-truncate-cascade',
    severity: 'error',
    category: 'destructive',
    squawk: 'ban-truncate-cascade',
    title: 'TRUNCATE ... CASCADE also empties every table with a foreign key to it',
    fix: 'Truncate the tables you mean by name, without CASCADE, or delete in batches.'
  }),
  rule({
    id: 'data-deletion',
    severity: 'error',
    category: 'destructive',
    title: 'DELETE or TRUNCATE of existing rows inside a migration',
    fix: 'Delete in batches outside the migration (a job or a one-off script) after a backup; allow it with a reason if the rows are truly disposable.'
  }),
  rule({
    id: 'renaming-column',
    severity: 'error',
    category: 'breaking',
    squawk: 'renaming-column',
    title: 'RENAME COLUMN: the version still running reads and writes the old name',
    fix: 'Expand and contract: add the new column, write both and backfill, switch reads, drop the old column later.'
  }),
  rule({
    id: 'renaming-table',
    severity: 'error',
    category: 'breaking',
    squawk: 'renaming-table',
    title: 'RENAME of a table or view: the version still running uses the old name',
    fix: 'Expand and contract: create the new table (or an updatable view under the old name), move the code over, drop the old name later.'
  }),
  rule({
    id: 'renaming-enum-value',
    severity: 'error',
    category: 'breaking',
    title: 'ALTER TYPE ... RENAME VALUE: the version still running writes the old label',
    fix: 'Add the new label, migrate rows and code to it, stop using the old one; PostgreSQL cannot drop a label, so leave it unused.'
  }),
  rule({
    id: 'adding-required-field',
    severity: 'error',
    category: 'breaking',
    squawk: 'adding-required-field',
    title: 'A NOT NULL column without a default on an existing table',
    fix: 'Add the column with a DEFAULT (cheap from PostgreSQL 11), or nullable first and NOT NULL in a later release once every writer sets it.'
  }),
  // Fails for certain.
  rule({
    id: 'syntax-error',
    severity: 'error',
    category: 'failure',
    squawk: 'syntax-error',
    title: 'PostgreSQL cannot parse the statement',
    fix: 'Fix the SQL at the position shown.'
  }),
  rule({
    id: 'ban-concurrent-index-creation-in-transaction',
    severity: 'error',
    category: 'failure',
    squawk: 'ban-concurrent-index-creation-in-transaction',
    title: 'A CONCURRENTLY operation inside a transaction block (PostgreSQL refuses it)',
    fix: 'Run it outside the transaction: in alembic, inside `with op.get_context().autocommit_block():`.'
  }),
  rule({
    id: 'add-enum-value-in-transaction',
    severity: 'error',
    category: 'failure',
    title:
      'ALTER TYPE ... ADD VALUE in a transaction before PostgreSQL 12, or the new label used in the same transaction',
    fix: 'Add the value in its own revision (or an autocommit block) and use it in a later one.'
  }),
  rule({
    id: 'ban-duplicate-column-assignments',
    severity: 'error',
    category: 'failure',
    squawk: 'ban-duplicate-column-assignments',
    title: 'The same column assigned twice in one INSERT or UPDATE (PostgreSQL refuses it)',
    fix: 'Assign each column once.'
  }),
  rule({
    id: 'ban-uncommitted-transaction',
    severity: 'error',
    category: 'failure',
    squawk: 'ban-uncommitted-transaction',
    title: 'A BEGIN without COMMIT: the changes are rolled back when the session ends',
    fix: 'End the transaction with COMMIT.'
  }),
  // Locks and rewrites.
  rule({
    id: 'require-concurrent-index-creation',
    severity: 'warning',
    category: 'locking',
    squawk: 'require-concurrent-index-creation',
    title: 'CREATE INDEX without CONCURRENTLY on an existing table blocks writes while it builds',
    fix: 'CREATE INDEX CONCURRENTLY, outside a transaction (alembic: `postgresql_concurrently=True` inside an autocommit block).'
  }),
  rule({
    id: 'require-concurrent-index-deletion',
    severity: 'warning',
    category: 'locking',
    squawk: 'require-concurrent-index-deletion',
    title: 'DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table',
    fix: 'DROP INDEX CONCURRENTLY, outside a transaction.'
  }),
  rule({
    id: 'require-concurrent-reindex',
    severity: 'warning',
    category: 'locking',
    squawk: 'require-concurrent-reindex',
    title: 'REINDEX without CONCURRENTLY blocks writes (and reads of the index)',
    fix: 'REINDEX ... CONCURRENTLY (PostgreSQL 12+), outside a transaction.'
  }),
  rule({
    id: 'require-concurrent-partition-detach',
    severity: 'warning',
    category: 'locking',
    squawk: 'require-concurrent-partition-detach',
    title: 'DETACH PARTITION without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the parent',
    fix: 'DETACH PARTITION ... CONCURRENTLY (PostgreSQL 14+), outside a transaction.'
  }),
  rule({
    id: 'adding-field-with-default',
    severity: 'warning',
    category: 'rewrite',
    squawk: 'adding-field-with-default',
    title:
      'ADD COLUMN that rewrites the table: a volatile default, a stored generated or identity column, or any default before PostgreSQL 11',
    fix: 'Add the column without the default (or with a constant one), then backfill in batches outside the migration.'
  }),
  rule({
    id: 'changing-column-type',
    severity: 'warning',
    category: 'rewrite',
    squawk: 'changing-column-type',
    title: 'ALTER COLUMN ... TYPE that rewrites the table under an ACCESS EXCLUSIVE lock',
    fix: 'Expand and contract: add a column of the new type, dual-write and backfill, switch over, drop the old one. Widening varchar or numeric precision needs no rewrite.'
  }),
  rule({
    id: 'adding-not-nullable-field',
    severity: 'warning',
    category: 'locking',
    squawk: 'adding-not-nullable-field',
    title: 'SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock',
    fix: 'Add `CHECK (col IS NOT NULL) NOT VALID`, VALIDATE it in a later transaction, then SET NOT NULL (no scan from PostgreSQL 12) and drop the check.'
  }),
  rule({
    id: 'adding-foreign-key-constraint',
    severity: 'warning',
    category: 'locking',
    squawk: 'adding-foreign-key-constraint',
    title: 'A foreign key without NOT VALID scans the table while blocking writes on both tables',
    fix: 'ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT in a later transaction.'
  }),
  rule({
    id: 'constraint-missing-not-valid',
    severity: 'warning',
    category: 'locking',
    squawk: 'constraint-missing-not-valid',
    title:
      'A CHECK constraint without NOT VALID (or validated in the transaction that added it) scans under a lock',
    fix: 'ADD CONSTRAINT ... NOT VALID, then VALIDATE CONSTRAINT in a later transaction.'
  }),
  rule({
    id: 'disallowed-unique-constraint',
    severity: 'warning',
    category: 'locking',
    squawk: 'disallowed-unique-constraint',
    title: 'ADD UNIQUE builds its index under an ACCESS EXCLUSIVE lock',
    fix: 'CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX.'
  }),
  rule({
    id: 'adding-serial-primary-key-field',
    severity: 'warning',
    category: 'locking',
    squawk: 'adding-serial-primary-key-field',
    title: 'ADD PRIMARY KEY builds its index under an ACCESS EXCLUSIVE lock',
    fix: 'CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... PRIMARY KEY USING INDEX.'
  }),
  rule({
    id: 'adding-exclusion-constraint',
    severity: 'warning',
    category: 'locking',
    title: 'ADD EXCLUDE checks every row while blocking reads and writes',
    fix: 'Create it on a new, empty table, or in a maintenance window.'
  }),
  rule({
    id: 'ban-alter-domain-with-add-constraint',
    severity: 'warning',
    category: 'locking',
    squawk: 'ban-alter-domain-with-add-constraint',
    title: 'ALTER DOMAIN ... ADD CONSTRAINT checks every column of that domain under a lock',
    fix: 'Put the constraint on the table columns (NOT VALID, then VALIDATE) instead.'
  }),
  rule({
    id: 'prefer-repack',
    severity: 'warning',
    category: 'locking',
    squawk: 'prefer-repack',
    title: 'VACUUM FULL or CLUSTER rewrite the table under an ACCESS EXCLUSIVE lock',
    fix: 'pg_repack (or REPACK CONCURRENTLY from PostgreSQL 19), outside the migration.'
  }),
  rule({
    id: 'require-lock-timeout',
    severity: 'warning',
    category: 'locking',
    squawk: 'require-lock-timeout',
    title: 'A blocking lock is taken with no lock_timeout: waiting for it queues every query behind it',
    fix: "SET lock_timeout = '5s' first (alembic: `op.execute(\"SET lock_timeout = '5s'\")`), and retry the deploy if it times out."
  }),
  rule({
    id: 'backfill-in-migration',
    severity: 'warning',
    category: 'locking',
    title:
      'UPDATE or INSERT ... SELECT over an existing table inside the migration: one long transaction holding row locks',
    fix: 'Backfill in batches outside the migration (a job), then ship the schema change that needs it.'
  }),
  rule({
    id: 'transaction-nesting',
    severity: 'warning',
    category: 'failure',
    squawk: 'transaction-nesting',
    title: "BEGIN inside a transaction, or COMMIT in the middle of the migration tool's transaction",
    fix: "Let the migration tool manage the transaction; for statements that need none, use alembic's autocommit_block()."
  }),
  rule({
    id: 'identifier-too-long',
    severity: 'warning',
    category: 'failure',
    squawk: 'identifier-too-long',
    title: 'A name longer than 63 bytes: PostgreSQL silently truncates it, so later references miss',
    fix: 'Use a name of at most 63 bytes.'
  }),
  // Depends on the data.
  rule({
    id: 'unique-on-existing-data',
    severity: 'warning',
    category: 'data-dependent',
    title: 'A new unique index or constraint on existing data fails the deploy if duplicates exist',
    fix: 'Check for duplicates (and clean them) before the deploy; build the index CONCURRENTLY and attach it.'
  }),
  rule({
    id: 'not-null-on-existing-data',
    severity: 'warning',
    category: 'data-dependent',
    title: 'NOT NULL on an existing column fails the deploy if any row holds NULL',
    fix: 'Backfill first, then add `CHECK (col IS NOT NULL) NOT VALID` and VALIDATE it before SET NOT NULL.'
  }),
  rule({
    id: 'dropping-foreign-key',
    severity: 'warning',
    category: 'integrity',
    title: 'A foreign key is dropped (and not re-created): orphan rows can appear',
    fix: 'Keep the constraint, or re-create it (NOT VALID, then VALIDATE) in the same release.'
  }),
  rule({
    id: 'ban-drop-not-null',
    severity: 'warning',
    category: 'integrity',
    squawk: 'ban-drop-not-null',
    title: 'DROP NOT NULL: the version still running may not expect NULLs',
    fix: 'Make sure every reader handles NULL before the column may hold one.'
  }),
  // Advice.
  rule({
    id: 'require-statement-timeout',
    severity: 'notice',
    category: 'advisory',
    squawk: 'require-statement-timeout',
    title: 'A slow statement runs with no statement_timeout',
    fix: "SET statement_timeout = '5min' (or what the deploy can afford) first."
  }),
  rule({
    id: 'prefer-robust-stmts',
    severity: 'notice',
    category: 'advisory',
    squawk: 'prefer-robust-stmts',
    title:
      'Outside a transaction, a statement without IF [NOT] EXISTS makes a half-applied migration impossible to re-run',
    fix: 'Run the file in a transaction, or write CREATE ... IF NOT EXISTS / DROP ... IF EXISTS.'
  }),
  rule({
    id: 'require-enum-value-ordering',
    severity: 'notice',
    category: 'advisory',
    squawk: 'require-enum-value-ordering',
    title: 'ADD VALUE without BEFORE or AFTER appends the label at the end of the sort order',
    fix: 'Say where the label goes: ADD VALUE ... BEFORE / AFTER.'
  }),
  rule({
    id: 'ban-create-domain-with-constraint',
    severity: 'notice',
    category: 'advisory',
    squawk: 'ban-create-domain-with-constraint',
    title: 'A domain with a constraint cannot later change it without locking every table using it',
    fix: 'Use table and column constraints instead.'
  }),
  rule({
    id: 'prefer-text-field',
    severity: 'notice',
    category: 'advisory',
    squawk: 'prefer-text-field',
    title: 'varchar(n): changing the limit later may take an ACCESS EXCLUSIVE lock',
    fix: 'Use text with a CHECK (length(col) <= n) constraint.'
  }),
  rule({
    id: 'prefer-bigint-over-int',
    severity: 'notice',
    category: 'advisory',
    squawk: 'prefer-bigint-over-int',
    title: 'A 32-bit integer column can run out of values',
    fix: 'Use bigint (or bigserial / a bigint identity).'
  }),
  rule({
    id: 'prefer-bigint-over-smallint',
    severity: 'notice',
    category: 'advisory',
    squawk: 'prefer-bigint-over-smallint',
    title: 'A 16-bit integer column can run out of values',
    fix: 'Use bigint.'
  }),
  rule({
    id: 'prefer-identity',
    severity: 'notice',
    category: 'advisory',
    squawk: 'prefer-identity',
    title: 'serial types make ownership and permissions of their sequence awkward',
    fix: 'Use `bigint GENERATED BY DEFAULT AS IDENTITY` (alembic: `sa.Identity()`).'
  }),
  rule({
    id: 'prefer-timestamp-tz',
    severity: 'notice',
    category: 'advisory',
    squawk: 'prefer-timestamp-tz',
    title: 'timestamp without time zone drops the offset, so values depend on the session time zone',
    fix: 'Use timestamptz (alembic: `sa.DateTime(timezone=True)`).'
  }),
  rule({
    id: 'ban-char-field',
    severity: 'notice',
    category: 'advisory',
    squawk: 'ban-char-field',
    title: 'char(n) pads with spaces and is almost never what is meant',
    fix: 'Use text (or varchar).'
  }),
  rule({
    id: 'json-column',
    severity: 'notice',
    category: 'advisory',
    title: 'A json column has no equality operator, so SELECT DISTINCT and UNION over the table fail',
    fix: 'Use jsonb.'
  }),
  rule({
    id: 'require-table-schema',
    severity: 'notice',
    category: 'advisory',
    squawk: 'require-table-schema',
    title: 'A table name without its schema depends on the search_path',
    fix: 'Write schema.table.',
    optIn: true
  }),
  rule({
    id: 'unused-allow',
    severity: 'notice',
    category: 'advisory',
    squawk: 'unused-ignore',
    title: 'An allow-file entry for a checked revision matched no finding',
    fix: 'Remove the entry, so it cannot silence a future finding by accident.'
  }),
  // From the alembic run and the rehearsal.
  rule({
    id: 'online-only-revision',
    severity: 'error',
    category: 'unchecked',
    source: 'alembic',
    title: 'The revision cannot produce its SQL offline (it reads the database), so it was not checked',
    fix: 'Review it by hand and allow it with a reason in allow-file, or make it offline-safe (no reads through op.get_bind()).'
  }),
  rule({
    id: 'roundtrip-data-loss',
    severity: 'error',
    category: 'destructive',
    source: 'rehearsal',
    title: 'After upgrade and downgrade, rows or column values that existed before are gone',
    fix: 'Make the downgrade restore the data (copy it back before dropping what the upgrade added), or keep the data the upgrade removes.'
  }),
  rule({
    id: 'roundtrip-schema-mismatch',
    severity: 'error',
    category: 'failure',
    source: 'rehearsal',
    title: 'The schema after downgrade and upgrade again differs from the first upgrade',
    fix: 'Make each downgrade undo exactly what its upgrade does.'
  }),
  rule({
    id: 'roundtrip-step-failed',
    severity: 'error',
    category: 'failure',
    source: 'rehearsal',
    title: 'An upgrade or downgrade failed on the scratch database',
    fix: 'Fix the revision named: the same failure would stop the deploy or the rollback.'
  }),
  rule({
    id: 'roundtrip-without-data',
    severity: 'warning',
    category: 'unchecked',
    source: 'rehearsal',
    title: 'Every table was empty before the upgrade, so data loss could not be detected',
    fix: 'Give seed-sql with a few rows per table.'
  })
];

const BY_ID = new Map(MIGRATION_RULES.map((info) => [info.id, info]));

/** The rule with this id; throws for an unknown id (a programming error). */
export function migrationRule(id: string): MigrationRuleInfo {
  const info = BY_ID.get(id);
  if (!info) throw new Error(`unknown rule ${id}`);
  return info;
}

/** True for a rule id that exists. */
export function isMigrationRuleId(id: string): boolean {
  return BY_ID.has(id);
}

/** Findings of these categories make the `destructive` output true. */
export function isDestructiveCategory(category: MigrationRuleCategory): boolean {
  return category === 'destructive' || category === 'breaking';
}
