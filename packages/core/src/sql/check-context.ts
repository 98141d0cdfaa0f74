/** What a rule check sees of the statement it checks and of the unit around it. */
import type { SchemaCatalog } from './catalog.ts';
import type { SqlStatement } from './statements.ts';

/** Where a statement came from, when the migration tool says so (alembic: the `op.` call). */
export interface StatementOrigin {
  /** True for the migration tool's own statements (alembic's version table, its BEGIN/COMMIT). */
  bookkeeping: boolean;
  /** The `op.` function that emitted it, e.g. `drop_constraint`. */
  op?: string;
  /** alembic's `type_` argument of drop_constraint, when given (`foreignkey`, `unique`, `check`). */
  constraintType?: string;
}

/** State of one unit (a revision or a file) while its statements are checked in order. */
export interface UnitState {
  /** Inside BEGIN ... COMMIT (explicit, or the migration tool's). */
  inTransaction: boolean;
  /** The BEGIN that opened it came from the migration tool. */
  toolTransaction: boolean;
  /** Where the open transaction's BEGIN is. */
  transactionStart?: { index: number; offset: number; line: number; column: number; text: string };
  lockTimeout: boolean;
  /** lock_timeout was set with SET LOCAL: it ends with the transaction. */
  lockTimeoutLocal: boolean;
  statementTimeout: boolean;
  statementTimeoutLocal: boolean;
  /** Constraints added NOT VALID in the current transaction (`table|name`). */
  notValidInTransaction: Set<string>;
  /** Enum labels added in the current transaction (PostgreSQL 12+ refuses to use them before COMMIT). */
  enumLabelsInTransaction: Map<string, string>;
  /** `table|column` pairs an UPDATE in this unit set for every row (no WHERE, or WHERE col IS NULL). */
  backfilled: Set<string>;
  /** Constraints dropped in this unit (`table|name`), to tell a re-created foreign key from a dropped one. */
  droppedForeignKeys: Map<string, { finding: number }>;
}

export function newUnitState(): UnitState {
  return {
    inTransaction: false,
    toolTransaction: false,
    lockTimeout: false,
    lockTimeoutLocal: false,
    statementTimeout: false,
    statementTimeoutLocal: false,
    notValidInTransaction: new Set(),
    enumLabelsInTransaction: new Map(),
    backfilled: new Set(),
    droppedForeignKeys: new Map()
  };
}

export interface ReportOptions {
  /** A `location` inside the statement's parse tree; the finding points there instead of the start. */
  location?: number;
  /** Replaces the rule's general fix with one for this statement. */
  fix?: string;
}

/** How a statement affects locks, for the lock and statement timeout rules. */
export interface LockEffect {
  /** It takes a lock that blocks reads or writes of an existing table. */
  blocking: boolean;
  /** It can run long (a scan, a rewrite, an index build, a backfill). */
  slow: boolean;
}

export interface CheckContext {
  readonly pgVersion: number;
  /** The unit being checked (revision or file), to tell objects it created from existing ones. */
  readonly unit: number;
  readonly catalog: SchemaCatalog;
  readonly statement: SqlStatement;
  readonly state: UnitState;
  readonly origin: StatementOrigin | undefined;
  /** True when the table was created in this unit (new, empty, invisible to the running version). */
  isNew(tableKey: string): boolean;
  /** Records a finding; returns its number (for findings later withdrawn, see withdraw). */
  report(rule: string, message: string, options?: ReportOptions): number;
  /** Withdraws a finding reported earlier in this unit (a dropped foreign key that was re-created). */
  withdraw(finding: number): void;
  /** Marks what the statement does to locks. */
  lock(effect: Partial<LockEffect>): void;
}
