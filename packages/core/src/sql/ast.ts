/**
 * Small typed accessors over libpg-query's parse trees (JSON where every node is `{ Kind: {...} }`),
 * so the rules read like the SQL they check.
 */
import type { A_Const, Node, RangeVar, TypeName } from 'libpg-query';

/** Every node kind name, e.g. `AlterTableStmt`, `ColumnDef`. */
export type NodeKind = Node extends infer N ? (N extends unknown ? keyof N & string : never) : never;
/** The payload of a node of kind K. */
export type NodeOf<K extends NodeKind> = Extract<Node, Record<K, unknown>>[K];

/** The node's kind, e.g. `CreateStmt`. */
export function kindOf(node: Node): NodeKind {
  return Object.keys(node)[0] as NodeKind;
}

/** The payload when `node` is of kind `kind`. */
export function nodeAs<K extends NodeKind>(node: Node | undefined, kind: K): NodeOf<K> | undefined {
  if (node === undefined || node === null || typeof node !== 'object') return undefined;
  return (node as Record<string, unknown>)[kind] as NodeOf<K> | undefined;
}

/** The `sval` of each `String` node in a name list (`['public', 'items']`). */
export function names(list: Node[] | undefined): string[] {
  return (list ?? []).flatMap((item) => {
    const text = nodeAs(item, 'String')?.sval;
    return text === undefined ? [] : [text];
  });
}

/** A relation as people write it: `schema.table` or `table`. */
export function relationName(relation: RangeVar | undefined): string {
  if (!relation?.relname) return '?';
  return relation.schemaname ? `${relation.schemaname}.${relation.relname}` : relation.relname;
}

/** A key for a relation: the search path is assumed to be `public`, so `items` and `public.items` match. */
export function relationKey(schema: string | undefined, name: string): string {
  return `${schema ?? 'public'}.${name}`;
}

/** The key of a RangeVar (see relationKey). */
export function rangeKey(relation: RangeVar | undefined): string {
  return relationKey(relation?.schemaname, relation?.relname ?? '?');
}

/** A column type reduced to what the rules compare. */
export interface ColumnType {
  /** Canonical name: `int4`, `int8`, `varchar`, `bpchar`, `timestamptz`, `serial`, ... */
  name: string;
  /** Integer type modifiers, e.g. [100] for varchar(100), [10, 2] for numeric(10,2). */
  mods: number[];
  array: boolean;
  /** As people write it, e.g. `varchar(100)`. */
  display: string;
}

const ALIASES: Record<string, string> = {
  int: 'int4',
  integer: 'int4',
  smallint: 'int2',
  bigint: 'int8',
  serial4: 'serial',
  serial8: 'bigserial',
  serial2: 'smallserial',
  bool: 'bool',
  boolean: 'bool',
  decimal: 'numeric',
  character: 'bpchar',
  'character varying': 'varchar',
  float: 'float8',
  real: 'float4'
};

const DISPLAY: Record<string, string> = {
  int4: 'integer',
  int8: 'bigint',
  int2: 'smallint',
  bpchar: 'char',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  float8: 'double precision',
  float4: 'real',
  bool: 'boolean'
};

/** Reads a TypeName node. `"char"` (the one-byte internal type) is kept apart from `char(n)`. */
export function columnType(typeName: TypeName | undefined): ColumnType | undefined {
  if (!typeName) return undefined;
  const parts = names(typeName.names);
  const last = parts[parts.length - 1];
  if (last === undefined) return undefined;
  // A bare `"char"` is the internal one-byte type; `char(n)` parses as pg_catalog.bpchar.
  const raw = parts.length === 1 && last === 'char' ? '"char"' : last.toLowerCase();
  const name = ALIASES[raw] ?? raw;
  const mods = (typeName.typmods ?? []).flatMap((mod) => {
    const value = constValue(mod);
    return typeof value === 'number' ? [value] : [];
  });
  const array = (typeName.arrayBounds?.length ?? 0) > 0;
  const display = `${DISPLAY[name] ?? name}${mods.length ? `(${mods.join(',')})` : ''}${array ? '[]' : ''}`;
  return { name, mods, array, display };
}

/** The value of a constant (A_Const, possibly under a cast): a number, string, boolean or null. */
export function constValue(node: Node | undefined): number | string | boolean | null | undefined {
  const cast = nodeAs(node, 'TypeCast');
  if (cast) return constValue(cast.arg);
  const value = nodeAs(node, 'A_Const');
  if (!value) return undefined;
  return aConstValue(value);
}

function aConstValue(value: A_Const): number | string | boolean | null | undefined {
  if (value.isnull) return null;
  // libpg-query leaves out fields equal to zero or false: `{ ival: {} }` is 0.
  if (value.ival !== undefined) return value.ival.ival ?? 0;
  if (value.fval !== undefined) return Number(value.fval.fval ?? 0);
  if (value.sval !== undefined) return value.sval.sval ?? '';
  if (value.boolval !== undefined) return value.boolval.boolval ?? false;
  if (value.bsval !== undefined) return value.bsval.bsval ?? '';
  return undefined;
}

/**
 * Calls `visit` for every node under `value` (depth first), with its kind and payload. Stops
 * descending into a node when `visit` returns false.
 */
export function walk(
  value: unknown,
  visit: (kind: string, payload: Record<string, unknown>) => boolean | void
): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, visit);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if (child !== null && typeof child === 'object' && !Array.isArray(child) && /^[A-Z]/.test(key)) {
      if (visit(key, child as Record<string, unknown>) === false) continue;
    }
    walk(child, visit);
  }
}

/** The string constants anywhere under a node (to find a new enum label used later, for one). */
export function stringConstants(node: unknown): string[] {
  const found: string[] = [];
  walk(node, (kind, payload) => {
    if (kind === 'A_Const') {
      const text = (payload as A_Const).sval?.sval;
      if (text !== undefined) found.push(text);
    }
  });
  return found;
}

/** Names of the functions called anywhere under a node, lower-cased (schema dropped). */
export function functionsCalled(node: unknown): string[] {
  const found: string[] = [];
  walk(node, (kind, payload) => {
    if (kind === 'FuncCall') {
      const parts = names(payload.funcname as Node[] | undefined);
      const last = parts[parts.length - 1];
      if (last) found.push(last.toLowerCase());
    }
  });
  return found;
}

/** The column a `ColumnRef` names when it is a plain `col` or `table.col`. */
export function columnRefName(node: Node | undefined): string | undefined {
  const ref = nodeAs(node, 'ColumnRef');
  if (!ref) return undefined;
  const parts = names(ref.fields);
  return parts.length === (ref.fields?.length ?? 0) ? parts[parts.length - 1] : undefined;
}

/** The column of a `col IS NULL` (or `col IS NOT NULL`) test, if that is what the expression is. */
export function nullTestColumn(expr: Node | undefined, type: 'IS_NULL' | 'IS_NOT_NULL'): string | undefined {
  const test = nodeAs(expr, 'NullTest');
  if (!test || test.nulltesttype !== type) return undefined;
  return columnRefName(test.arg);
}

/** The column of a `col IS NOT NULL` check, if that is what the expression is. */
export function isNotNullCheckColumn(expr: Node | undefined): string | undefined {
  return nullTestColumn(expr, 'IS_NOT_NULL');
}
