/**
 * What the migrations checked so far say the schema looks like: tables, their columns and types,
 * constraints and indexes, and in which unit (revision or file) each was created. Rules read it to
 * tell a brand-new empty table from a busy one, a foreign key from a check constraint when one is
 * dropped, and the old type of a column whose type changes. Built from the statements only; what
 * it does not know, the rules treat as existing and unknown.
 */
import type { ColumnType } from './ast.ts';

export type ConstraintKind = 'check' | 'foreign' | 'unique' | 'primary' | 'exclusion';

export interface ColumnModel {
  name: string;
  type?: ColumnType;
  notNull: boolean;
  hasDefault: boolean;
  /** Unit that added the column (with its table or by ADD COLUMN). */
  unit: number;
}

export interface ConstraintModel {
  name: string;
  kind: ConstraintKind;
  validated: boolean;
  /** For `CHECK (col IS NOT NULL)`: the column, which lets SET NOT NULL skip its scan (PostgreSQL 12+). */
  notNullOf?: string;
  unit: number;
}

export interface TableModel {
  key: string;
  columns: Map<string, ColumnModel>;
  constraints: Map<string, ConstraintModel>;
  unit: number;
}

export interface IndexModel {
  key: string;
  table: string;
  unique: boolean;
  unit: number;
}

/**
 * How many tables and indexes the catalog remembers. A real schema has far fewer; a generated file
 * of 100,000 statements may name as many tables, and memory must stay flat. Beyond the limit the
 * oldest are forgotten, so the rules see them as existing tables of unknown shape: more findings,
 * never fewer.
 */
export const CATALOG_LIMIT = 10_000;

/** The schema as the statements seen so far built it. Keys are `schema.name` (see relationKey). */
export class SchemaCatalog {
  readonly tables = new Map<string, TableModel>();
  readonly indexes = new Map<string, IndexModel>();

  constructor(private readonly limit = CATALOG_LIMIT) {}

  table(key: string): TableModel | undefined {
    return this.tables.get(key);
  }

  /** True when the table was created by unit `unit` (so it is new and empty while that unit runs). */
  createdIn(key: string, unit: number): boolean {
    return this.tables.get(key)?.unit === unit;
  }

  column(key: string, column: string): ColumnModel | undefined {
    return this.tables.get(key)?.columns.get(column);
  }

  addTable(key: string, unit: number): TableModel {
    const table: TableModel = { key, columns: new Map(), constraints: new Map(), unit };
    this.tables.delete(key);
    this.tables.set(key, table);
    forgetOldest(this.tables, this.limit);
    return table;
  }

  /** The table, or a placeholder for one created before the statements seen (unit -1: existing). */
  ensureTable(key: string): TableModel {
    return this.tables.get(key) ?? this.addTable(key, -1);
  }

  dropTable(key: string): void {
    this.tables.delete(key);
    for (const [name, index] of this.indexes) if (index.table === key) this.indexes.delete(name);
  }

  renameTable(key: string, newKey: string): void {
    const table = this.tables.get(key);
    if (!table) return;
    this.tables.delete(key);
    table.key = newKey;
    this.tables.set(newKey, table);
    for (const index of this.indexes.values()) if (index.table === key) index.table = newKey;
  }

  renameColumn(key: string, from: string, to: string): void {
    const table = this.tables.get(key);
    const column = table?.columns.get(from);
    if (!table || !column) return;
    table.columns.delete(from);
    column.name = to;
    table.columns.set(to, column);
    for (const constraint of table.constraints.values())
      if (constraint.notNullOf === from) constraint.notNullOf = to;
  }

  /** The constraint named `name` on the table, or (when the table is not known) on any table. */
  constraint(key: string, name: string): ConstraintModel | undefined {
    return this.tables.get(key)?.constraints.get(name);
  }

  addIndex(name: string, table: string, unique: boolean, unit: number): void {
    this.indexes.delete(name);
    this.indexes.set(name, { key: name, table, unique, unit });
    forgetOldest(this.indexes, this.limit);
  }
}

/** Maps iterate in insertion order, so the first keys are the oldest. */
function forgetOldest(map: Map<string, unknown>, limit: number): void {
  for (const key of map.keys()) {
    if (map.size <= limit) return;
    map.delete(key);
  }
}
