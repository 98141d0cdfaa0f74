/** Checks of the data a migration changes: UPDATE, INSERT and DELETE. */
import type { DeleteStmt, InsertStmt, UpdateStmt } from 'libpg-query';
import { nodeAs, nullTestColumn, rangeKey, relationName, stringConstants } from './ast.ts';
import type { CheckContext } from './check-context.ts';
import { isNullConstant } from './check-types.ts';

export function checkUpdate(context: CheckContext, stmt: UpdateStmt): void {
  const key = rangeKey(stmt.relation);
  const table = relationName(stmt.relation);
  const assigned = (stmt.targetList ?? []).flatMap((target) => {
    const res = nodeAs(target, 'ResTarget');
    return res?.name ? [{ name: res.name, value: res.val, location: res.location }] : [];
  });
  duplicateAssignments(context, assigned);
  if (!context.isNew(key)) {
    context.report(
      'backfill-in-migration',
      `UPDATE ${table}${stmt.whereClause ? ' ... WHERE' : ' (every row)'} runs inside the migration: its row locks are held until the migration commits, and a large table makes the deploy slow.`
    );
    context.lock({ slow: true });
  }
  // A backfill that leaves no NULL behind makes a later SET NOT NULL safe for the data.
  const onlyNulls = nullTestColumn(stmt.whereClause, 'IS_NULL');
  for (const column of assigned) {
    const coversAll = stmt.whereClause === undefined || onlyNulls === column.name;
    if (coversAll && column.value !== undefined && !isNullConstant(column.value)) {
      context.state.backfilled.add(`${key}|${column.name}`);
    }
  }
  usesNewEnumLabel(context, stmt);
}

export function checkInsert(context: CheckContext, stmt: InsertStmt): void {
  const key = rangeKey(stmt.relation);
  const columns = (stmt.cols ?? []).flatMap((col) => {
    const res = nodeAs(col, 'ResTarget');
    return res?.name ? [{ name: res.name, location: res.location }] : [];
  });
  duplicateAssignments(context, columns);
  const select = nodeAs(stmt.selectStmt, 'SelectStmt');
  // INSERT ... VALUES is reference data; INSERT ... SELECT copies a table's worth of rows.
  const copiesRows = select !== undefined && select.valuesLists === undefined;
  if (copiesRows && !context.isNew(key)) {
    context.report(
      'backfill-in-migration',
      `INSERT INTO ${relationName(stmt.relation)} ... SELECT copies rows inside the migration, holding its locks until the migration commits.`
    );
    context.lock({ slow: true });
  }
  usesNewEnumLabel(context, stmt);
}

export function checkDelete(context: CheckContext, stmt: DeleteStmt): void {
  const key = rangeKey(stmt.relation);
  if (context.isNew(key)) return;
  context.report(
    'data-deletion',
    `DELETE FROM ${relationName(stmt.relation)}${stmt.whereClause ? ' ... WHERE' : ' (every row)'} destroys rows; a downgrade cannot bring them back.`
  );
  context.lock({ slow: true });
}

function duplicateAssignments(context: CheckContext, columns: { name: string; location?: number }[]): void {
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column.name)) {
      context.report(
        'ban-duplicate-column-assignments',
        `Column \`${column.name}\` is assigned more than once.`,
        column.location === undefined ? {} : { location: column.location }
      );
    }
    seen.add(column.name);
  }
}

/** add-enum-value-in-transaction (12+): a label added in this transaction cannot be used before COMMIT. */
export function usesNewEnumLabel(context: CheckContext, node: unknown): void {
  const labels = context.state.enumLabelsInTransaction;
  if (labels.size === 0) return;
  for (const text of new Set(stringConstants(node))) {
    const type = labels.get(text);
    if (type !== undefined) {
      context.report(
        'add-enum-value-in-transaction',
        `'${text}' was added to ${type} in this transaction; PostgreSQL refuses to use it before COMMIT ("unsafe use of new value").`
      );
    }
  }
}
