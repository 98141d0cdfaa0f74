/** Checks of CREATE TABLE, ALTER TABLE and RENAME, and what they change in the catalog. */
import type {
  AlterTableCmd,
  AlterTableStmt,
  ColumnDef,
  Constraint,
  CreateStmt,
  RenameStmt
} from 'libpg-query';
import {
  columnType,
  isNotNullCheckColumn,
  names,
  nodeAs,
  rangeKey,
  relationKey,
  relationName,
  type ColumnType
} from './ast.ts';
import type { ConstraintKind, TableModel } from './catalog.ts';
import type { CheckContext } from './check-context.ts';
import { checkColumnDef, checkColumnType, isNullConstant, isVolatileDefault } from './check-types.ts';

const SERIALS = new Set(['serial', 'bigserial', 'smallserial']);

/** prefer-robust-stmts: outside a transaction, a statement that cannot be re-run after a partial failure. */
export function robustness(context: CheckContext, what: string, location?: number): void {
  if (context.state.inTransaction) return;
  context.report('prefer-robust-stmts', what, location === undefined ? {} : { location });
}

export function checkCreateTable(context: CheckContext, stmt: CreateStmt): void {
  const key = rangeKey(stmt.relation);
  if (!stmt.if_not_exists)
    robustness(context, `CREATE TABLE ${relationName(stmt.relation)} without IF NOT EXISTS.`);
  requireSchema(context, stmt.relation?.schemaname, relationName(stmt.relation), stmt.relation?.location);
  // An existing table of that name stays (IF NOT EXISTS) or the statement fails; either way the model is the new one.
  const table = context.catalog.addTable(key, context.unit);
  for (const element of stmt.tableElts ?? []) {
    const def = nodeAs(element, 'ColumnDef');
    if (def) {
      checkColumnDef(context, def);
      addColumn(table, def, context.unit);
      for (const constraintNode of def.constraints ?? []) {
        const constraint = nodeAs(constraintNode, 'Constraint');
        if (!constraint) continue;
        lockReferencedTable(context, constraint);
        addConstraint(table, constraint, context.unit, def.colname);
      }
      continue;
    }
    const constraint = nodeAs(element, 'Constraint');
    if (constraint) {
      lockReferencedTable(context, constraint);
      addConstraint(table, constraint, context.unit);
      if (constraint.contype === 'CONSTR_PRIMARY') {
        for (const column of names(constraint.keys)) {
          const model = table.columns.get(column);
          if (model) model.notNull = true;
        }
      }
    }
  }
}

export function checkAlterTable(context: CheckContext, stmt: AlterTableStmt): void {
  if (stmt.objtype !== 'OBJECT_TABLE') return;
  const key = rangeKey(stmt.relation);
  const table = relationName(stmt.relation);
  const existing = !context.isNew(key);
  requireSchema(context, stmt.relation?.schemaname, table, stmt.relation?.location);
  const model = context.catalog.ensureTable(key);
  const cmds = (stmt.cmds ?? []).flatMap((cmd) => {
    const payload = nodeAs(cmd, 'AlterTableCmd');
    return payload ? [payload] : [];
  });
  // Constraints this statement adds, so a foreign key dropped and re-added in one statement is not "dropped".
  const added = new Set(
    cmds.flatMap((cmd) => {
      const name = nodeAs(cmd.def, 'Constraint')?.conname;
      return cmd.subtype === 'AT_AddConstraint' && name ? [name] : [];
    })
  );
  let blocking = false;
  for (const cmd of cmds) {
    blocking = checkAlterCommand(context, cmd, { key, table, existing, model, added }) || blocking;
  }
  if (existing) context.lock({ blocking, slow: blocking });
}

interface AlterTarget {
  key: string;
  table: string;
  existing: boolean;
  model: TableModel;
  added: Set<string>;
}

/** Checks one ALTER TABLE command; returns whether it takes a lock that blocks reads or writes. */
function checkAlterCommand(context: CheckContext, cmd: AlterTableCmd, target: AlterTarget): boolean {
  const { key, table, existing, model } = target;
  const column = cmd.name ?? '?';
  const qualified = `\`${table}.${column}\``;
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const def = nodeAs(cmd.def, 'ColumnDef');
      if (!def) return true;
      checkAddColumn(context, def, target, cmd.missing_ok === true);
      return true;
    }
    case 'AT_DropColumn': {
      const known = model.columns.get(column);
      if (existing && !(known && known.unit === context.unit)) {
        context.report(
          'ban-drop-column',
          `Dropping ${qualified} destroys its data, and the version still running fails on every query that names it.`
        );
      }
      if (!cmd.missing_ok) robustness(context, `DROP COLUMN ${column} without IF EXISTS.`);
      model.columns.delete(column);
      return true;
    }
    case 'AT_SetNotNull': {
      checkSetNotNull(context, target, column);
      robustness(context, `ALTER COLUMN ${column} SET NOT NULL outside a transaction.`);
      const known = model.columns.get(column);
      if (known) known.notNull = true;
      return true;
    }
    case 'AT_DropNotNull': {
      if (existing) {
        context.report(
          'ban-drop-not-null',
          `${qualified} may hold NULL after this; the version still running may not expect it.`
        );
      }
      robustness(context, `ALTER COLUMN ${column} DROP NOT NULL outside a transaction.`);
      const known = model.columns.get(column);
      if (known) known.notNull = false;
      return true;
    }
    case 'AT_AlterColumnType': {
      const def = nodeAs(cmd.def, 'ColumnDef');
      const next = columnType(def?.typeName);
      checkColumnType(context, next, column, def?.typeName?.location);
      const known = model.columns.get(column);
      if (existing && !(known && known.unit === context.unit)) {
        const usingClause = def?.raw_default !== undefined;
        if (usingClause || !known?.type || !next || !isBinaryCoercible(known.type, next)) {
          const from = known?.type ? `from ${known.type.display} ` : '';
          context.report(
            'changing-column-type',
            `Changing ${qualified} ${from}to ${next?.display ?? 'another type'} rewrites the table (and its indexes) under an ACCESS EXCLUSIVE lock${usingClause ? ' (USING always rewrites)' : ''}; the version still running may also not read the new type.`
          );
        }
      }
      robustness(context, `ALTER COLUMN ${column} TYPE outside a transaction.`);
      if (known && next) known.type = next;
      return true;
    }
    case 'AT_ColumnDefault': {
      const known = model.columns.get(column);
      if (known) known.hasDefault = cmd.def !== undefined && !isNullConstant(cmd.def);
      return true;
    }
    case 'AT_AddConstraint': {
      const constraint = nodeAs(cmd.def, 'Constraint');
      if (constraint) return checkAddConstraint(context, constraint, target);
      return true;
    }
    case 'AT_ValidateConstraint': {
      const id = `${key}|${column}`;
      if (context.state.notValidInTransaction.has(id)) {
        context.report(
          'constraint-missing-not-valid',
          `VALIDATE CONSTRAINT ${column} runs in the transaction that added it NOT VALID, so the lock taken by the ADD is held during the whole validation scan.`,
          { fix: 'Validate in a later transaction (a later revision, or after COMMIT).' }
        );
      }
      const known = model.constraints.get(column);
      if (known) known.validated = true;
      // SHARE UPDATE EXCLUSIVE: reads and writes go on.
      return false;
    }
    case 'AT_DropConstraint': {
      const known = model.constraints.get(column);
      const foreign =
        known?.kind === 'foreign' ||
        (context.origin?.op === 'drop_constraint' && context.origin.constraintType === 'foreignkey');
      if (foreign && !target.added.has(column)) {
        const finding = context.report(
          'dropping-foreign-key',
          `Dropping foreign key ${column} on ${table}: nothing stops rows that point nowhere from appearing.`
        );
        context.state.droppedForeignKeys.set(`${key}|${column}`, { finding });
      }
      if (!cmd.missing_ok) robustness(context, `DROP CONSTRAINT ${column} without IF EXISTS.`);
      model.constraints.delete(column);
      return true;
    }
    case 'AT_DetachPartition': {
      const partition = nodeAs(cmd.def, 'PartitionCmd');
      if (partition?.concurrent) {
        if (context.state.inTransaction) {
          context.report(
            'ban-concurrent-index-creation-in-transaction',
            'DETACH PARTITION ... CONCURRENTLY cannot run inside a transaction block: PostgreSQL refuses it.'
          );
        }
        return false;
      }
      if (context.pgVersion >= 14) {
        context.report(
          'require-concurrent-partition-detach',
          `Detaching ${relationName(partition?.name)} from ${table} takes an ACCESS EXCLUSIVE lock on ${table}.`
        );
      }
      robustness(context, 'DETACH PARTITION outside a transaction.');
      return true;
    }
    case 'AT_SetStatistics':
    case 'AT_SetOptions':
    case 'AT_ResetOptions':
    case 'AT_ClusterOn':
    case 'AT_DropCluster':
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions':
    case 'AT_AttachPartition':
      return false;
    default:
      return true;
  }
}

function checkAddColumn(
  context: CheckContext,
  def: ColumnDef,
  target: AlterTarget,
  ifNotExists: boolean
): void {
  const { table, existing, model } = target;
  const column = def.colname ?? '?';
  const qualified = `\`${table}.${column}\``;
  const at = def.location === undefined ? {} : { location: def.location };
  checkColumnDef(context, def);
  if (!ifNotExists) robustness(context, `ADD COLUMN ${column} without IF NOT EXISTS.`, def.location);
  const type = columnType(def.typeName);
  const constraints = (def.constraints ?? []).flatMap((node) => {
    const constraint = nodeAs(node, 'Constraint');
    return constraint ? [constraint] : [];
  });
  const defaultExpr = constraints.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr;
  const hasDefault = defaultExpr !== undefined && !isNullConstant(defaultExpr);
  const identity = constraints.some((c) => c.contype === 'CONSTR_IDENTITY');
  const generated = constraints.find((c) => c.contype === 'CONSTR_GENERATED');
  const serial = type !== undefined && SERIALS.has(type.name);
  const notNull = constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');

  if (existing) {
    if (notNull && !hasDefault && !identity && !generated && !serial) {
      context.report(
        'adding-required-field',
        `${qualified} is NOT NULL without a default: the statement fails if ${table} has rows, and once it runs, every insert by the version still running fails.`,
        at
      );
    }
    let rewrite: string | undefined;
    if (generated) rewrite = 'a stored generated column is computed for every row';
    else if (identity) rewrite = 'an identity column gets a value for every row';
    else if (serial) rewrite = `${type!.display} fills every row from its sequence (a volatile default)`;
    else if (hasDefault && context.pgVersion < 11)
      rewrite = `before PostgreSQL 11 any default is written into every row`;
    else if (hasDefault && isVolatileDefault(defaultExpr))
      rewrite = 'its default is volatile, so it is computed for every row';
    if (rewrite) {
      context.report(
        'adding-field-with-default',
        `Adding ${qualified} rewrites ${table} under an ACCESS EXCLUSIVE lock: ${rewrite}.`,
        at
      );
    }
    for (const constraint of constraints) checkInlineConstraint(context, constraint, target, column);
  }
  const added = addColumn(model, def, context.unit);
  added.hasDefault = hasDefault || identity || serial || generated !== undefined;
  for (const constraint of constraints) {
    lockReferencedTable(context, constraint);
    addConstraint(model, constraint, context.unit, column);
  }
}

/**
 * A foreign key takes a SHARE ROW EXCLUSIVE lock on the table it references, even when the
 * referencing table is new: waiting for it blocks writes to that (busy) table.
 */
function lockReferencedTable(context: CheckContext, constraint: Constraint): void {
  if (constraint.contype !== 'CONSTR_FOREIGN' || !constraint.pktable) return;
  if (!context.isNew(rangeKey(constraint.pktable))) context.lock({ blocking: true });
}

/** Constraints written on a column added to an existing table (`ADD COLUMN c int REFERENCES t`). */
function checkInlineConstraint(
  context: CheckContext,
  constraint: Constraint,
  target: AlterTarget,
  column: string
): void {
  const at = constraint.location === undefined ? {} : { location: constraint.location };
  switch (constraint.contype) {
    case 'CONSTR_FOREIGN':
      if (!constraint.skip_validation) {
        context.report(
          'adding-foreign-key-constraint',
          `The foreign key on new column \`${target.table}.${column}\` is validated at once, with writes to ${target.table} and ${relationName(constraint.pktable)} blocked.`,
          at
        );
      }
      break;
    case 'CONSTR_CHECK':
      if (!constraint.skip_validation) {
        context.report(
          'constraint-missing-not-valid',
          `The CHECK on new column \`${target.table}.${column}\` is validated against every row under an ACCESS EXCLUSIVE lock.`,
          at
        );
      }
      break;
    case 'CONSTR_PRIMARY':
      context.report(
        'adding-serial-primary-key-field',
        `The primary key on new column \`${target.table}.${column}\` builds its index with reads and writes of ${target.table} blocked.`,
        at
      );
      break;
    case 'CONSTR_UNIQUE':
      context.report(
        'disallowed-unique-constraint',
        `The UNIQUE constraint on new column \`${target.table}.${column}\` builds its index with reads and writes of ${target.table} blocked.`,
        at
      );
      break;
    default:
      break;
  }
}

function checkSetNotNull(context: CheckContext, target: AlterTarget, column: string): void {
  const { key, table, existing, model } = target;
  if (!existing) return;
  const qualified = `\`${table}.${column}\``;
  const known = model.columns.get(column);
  if (known && known.unit === context.unit) {
    // A column this revision added: the version still running does not write it.
    if (!known.hasDefault) {
      context.report(
        'adding-required-field',
        `${qualified} was added in this migration and is now NOT NULL without a default: every insert by the version still running (which does not know the column) fails.`,
        { fix: 'Give the column a DEFAULT, or set NOT NULL in a later release, once every writer sets it.' }
      );
    }
    return;
  }
  const provenByCheck =
    context.pgVersion >= 12 &&
    [...model.constraints.values()].some((c) => c.kind === 'check' && c.validated && c.notNullOf === column);
  if (provenByCheck) return;
  context.report(
    'adding-not-nullable-field',
    `SET NOT NULL on ${qualified} scans all of ${table} while reads and writes wait.`,
    context.pgVersion >= 12
      ? {}
      : {
          fix: 'Before PostgreSQL 12 the scan cannot be avoided: run it in a quiet period with lock_timeout set.'
        }
  );
  if (!context.state.backfilled.has(`${key}|${column}`)) {
    context.report(
      'not-null-on-existing-data',
      `SET NOT NULL on ${qualified} fails the deploy if any existing row holds NULL there.`
    );
  }
}

/** ALTER TABLE ... ADD CONSTRAINT; returns whether it blocks reads or writes. */
function checkAddConstraint(context: CheckContext, constraint: Constraint, target: AlterTarget): boolean {
  const { key, table, existing, model } = target;
  const name = constraint.conname ?? '(unnamed)';
  const at = constraint.location === undefined ? {} : { location: constraint.location };
  robustness(context, `ADD CONSTRAINT ${name} outside a transaction.`, constraint.location);
  if (constraint.skip_validation && constraint.conname) {
    context.state.notValidInTransaction.add(`${key}|${constraint.conname}`);
  }
  addConstraint(model, constraint, context.unit);
  lockReferencedTable(context, constraint);
  const dropped = context.state.droppedForeignKeys.get(`${key}|${name}`);
  if (dropped && constraint.contype === 'CONSTR_FOREIGN') {
    // Dropped and re-created in this migration: the integrity stays.
    context.withdraw(dropped.finding);
    context.state.droppedForeignKeys.delete(`${key}|${name}`);
  }
  if (!existing) return true;
  switch (constraint.contype) {
    case 'CONSTR_FOREIGN':
      if (!constraint.skip_validation) {
        context.report(
          'adding-foreign-key-constraint',
          `Foreign key ${name} from ${table} to ${relationName(constraint.pktable)} is validated at once: ${table} is scanned with writes to both tables blocked.`,
          at
        );
      }
      // SHARE ROW EXCLUSIVE on both tables: writes wait.
      return true;
    case 'CONSTR_CHECK':
      if (!constraint.skip_validation) {
        context.report(
          'constraint-missing-not-valid',
          `CHECK ${name} is validated against every row of ${table} under an ACCESS EXCLUSIVE lock.`,
          at
        );
      }
      return true;
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY': {
      if (constraint.indexname) return true;
      const kind = constraint.contype === 'CONSTR_UNIQUE' ? 'UNIQUE' : 'PRIMARY KEY';
      context.report(
        constraint.contype === 'CONSTR_UNIQUE'
          ? 'disallowed-unique-constraint'
          : 'adding-serial-primary-key-field',
        `${kind} ${name} on ${table} builds its index while reads and writes wait.`,
        at
      );
      context.report(
        'unique-on-existing-data',
        `${kind} ${name} on ${table} fails the deploy if existing rows hold duplicate${constraint.contype === 'CONSTR_PRIMARY' ? ' or NULL' : ''} values in (${names(constraint.keys).join(', ')}).`,
        at
      );
      return true;
    }
    case 'CONSTR_EXCLUSION':
      context.report(
        'adding-exclusion-constraint',
        `EXCLUDE constraint ${name} checks every row of ${table} while reads and writes wait, and fails the deploy if rows conflict.`,
        at
      );
      return true;
    default:
      return true;
  }
}

export function checkRename(context: CheckContext, stmt: RenameStmt): void {
  const relation = stmt.relation;
  const key = rangeKey(relation);
  const existing = relation !== undefined && !context.isNew(key);
  switch (stmt.renameType) {
    case 'OBJECT_COLUMN': {
      if (existing) {
        context.report(
          'renaming-column',
          `Renaming \`${relationName(relation)}.${stmt.subname}\` to \`${stmt.newname}\`: the version still running keeps using the old name and fails.`
        );
        context.lock({ blocking: true });
      }
      robustness(context, 'RENAME COLUMN outside a transaction.');
      if (stmt.subname && stmt.newname) context.catalog.renameColumn(key, stmt.subname, stmt.newname);
      return;
    }
    case 'OBJECT_TABLE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
    case 'OBJECT_FOREIGN_TABLE': {
      if (existing) {
        context.report(
          'renaming-table',
          `Renaming ${relationName(relation)} to ${stmt.newname}: the version still running keeps using the old name and fails.`
        );
        context.lock({ blocking: true });
      }
      robustness(context, 'RENAME outside a transaction.');
      if (stmt.newname) context.catalog.renameTable(key, relationKey(relation?.schemaname, stmt.newname));
      return;
    }
    case 'OBJECT_TABCONSTRAINT': {
      const table = context.catalog.table(key);
      const constraint = stmt.subname ? table?.constraints.get(stmt.subname) : undefined;
      if (table && constraint && stmt.subname && stmt.newname) {
        table.constraints.delete(stmt.subname);
        constraint.name = stmt.newname;
        table.constraints.set(stmt.newname, constraint);
      }
      return;
    }
    case 'OBJECT_INDEX': {
      const from = relationKey(relation?.schemaname, relation?.relname ?? '?');
      const index = context.catalog.indexes.get(from);
      if (index && stmt.newname) {
        context.catalog.indexes.delete(from);
        context.catalog.indexes.set(relationKey(relation?.schemaname, stmt.newname), index);
      }
      return;
    }
    default:
      return;
  }
}

/** require-table-schema (opt-in): the name depends on search_path. */
export function requireSchema(
  context: CheckContext,
  schema: string | undefined,
  name: string,
  location?: number
): void {
  if (schema) return;
  context.report(
    'require-table-schema',
    `${name} is not schema-qualified.`,
    location === undefined ? {} : { location }
  );
}

function addColumn(table: TableModel, def: ColumnDef, unit: number) {
  const constraints = (def.constraints ?? []).flatMap((node) => {
    const constraint = nodeAs(node, 'Constraint');
    return constraint ? [constraint] : [];
  });
  const type = columnType(def.typeName);
  const column = {
    name: def.colname ?? '?',
    ...(type ? { type } : {}),
    notNull: constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY'),
    hasDefault: constraints.some(
      (c) =>
        (c.contype === 'CONSTR_DEFAULT' && !isNullConstant(c.raw_expr)) ||
        c.contype === 'CONSTR_IDENTITY' ||
        c.contype === 'CONSTR_GENERATED'
    ),
    unit
  };
  table.columns.set(column.name, column);
  return column;
}

const KINDS: Partial<Record<NonNullable<Constraint['contype']>, ConstraintKind>> = {
  CONSTR_CHECK: 'check',
  CONSTR_FOREIGN: 'foreign',
  CONSTR_UNIQUE: 'unique',
  CONSTR_PRIMARY: 'primary',
  CONSTR_EXCLUSION: 'exclusion'
};

function addConstraint(table: TableModel, constraint: Constraint, unit: number, column?: string): void {
  const kind = constraint.contype ? KINDS[constraint.contype] : undefined;
  if (!kind) return;
  // Unnamed constraints get PostgreSQL's default names, e.g. items_category_id_fkey.
  const name =
    constraint.conname ??
    defaultConstraintName(table.key, kind, column ?? names(constraint.fk_attrs ?? constraint.keys)[0]);
  const notNullOf = kind === 'check' ? isNotNullCheckColumn(constraint.raw_expr) : undefined;
  table.constraints.set(name, {
    name,
    kind,
    validated: !constraint.skip_validation,
    ...(notNullOf ? { notNullOf } : {}),
    unit
  });
}

function defaultConstraintName(tableKey: string, kind: ConstraintKind, column: string | undefined): string {
  const table = tableKey.slice(tableKey.indexOf('.') + 1);
  const suffix = { check: 'check', foreign: 'fkey', unique: 'key', primary: 'pkey', exclusion: 'excl' }[kind];
  return kind === 'primary' ? `${table}_pkey` : `${table}_${column ?? 'x'}_${suffix}`;
}

/**
 * Type changes PostgreSQL does without rewriting the table: widening varchar (or dropping its
 * limit), varchar to text and back to unlimited varchar, and raising numeric precision at the
 * same scale.
 */
export function isBinaryCoercible(from: ColumnType, to: ColumnType): boolean {
  if (from.array !== to.array) return false;
  const limit = (type: ColumnType) => type.mods[0];
  if (from.name === to.name && from.mods.join() === to.mods.join()) return true;
  const textual = (name: string) => name === 'varchar' || name === 'text';
  if (textual(from.name) && textual(to.name)) {
    if (to.name === 'text' || limit(to) === undefined) return true;
    return from.name === 'varchar' && limit(from) !== undefined && limit(to)! >= limit(from)!;
  }
  if (from.name === 'numeric' && to.name === 'numeric') {
    if (to.mods.length === 0) return true;
    const [fromPrecision, fromScale = 0] = from.mods;
    const [toPrecision, toScale = 0] = to.mods;
    return fromPrecision !== undefined && toPrecision! >= fromPrecision && toScale === fromScale;
  }
  if (from.name === 'varbit' && to.name === 'varbit') {
    return limit(to) === undefined || (limit(from) !== undefined && limit(to)! >= limit(from)!);
  }
  return from.name === 'cidr' && to.name === 'inet';
}
