/** Checks about column types and names, shared by CREATE TABLE, ADD COLUMN and ALTER COLUMN TYPE. */
import type { ColumnDef, Node } from 'libpg-query';
import { columnType, functionsCalled, nodeAs, type ColumnType } from './ast.ts';
import type { CheckContext } from './check-context.ts';
import type { PgParser } from './parser.ts';

const SERIALS = new Set(['serial', 'bigserial', 'smallserial']);

/** The advisory type rules for one column type (prefer-text-field, prefer-bigint-*, ...). */
export function checkColumnType(
  context: CheckContext,
  type: ColumnType | undefined,
  column: string,
  location: number | undefined
): void {
  if (!type) return;
  const at = location === undefined ? {} : { location };
  const name = `\`${column}\``;
  if (type.name === 'varchar' && type.mods.length > 0) {
    context.report(
      'prefer-text-field',
      `Column ${name} is ${type.display}; changing the limit later may lock the table.`,
      at
    );
  }
  if (type.name === 'int4' || type.name === 'serial') {
    context.report(
      'prefer-bigint-over-int',
      `Column ${name} is a 32-bit ${type.display}: at most 2,147,483,647.`,
      at
    );
  }
  if (type.name === 'int2' || type.name === 'smallserial') {
    context.report(
      'prefer-bigint-over-smallint',
      `Column ${name} is a 16-bit ${type.display}: at most 32,767.`,
      at
    );
  }
  if (SERIALS.has(type.name)) {
    context.report('prefer-identity', `Column ${name} is ${type.display}.`, at);
  }
  if (type.name === 'timestamp') {
    context.report('prefer-timestamp-tz', `Column ${name} is timestamp without time zone.`, at);
  }
  if (type.name === 'bpchar') {
    context.report('ban-char-field', `Column ${name} is ${type.display}, which pads values with spaces.`, at);
  }
  if (type.name === 'json') {
    context.report('json-column', `Column ${name} is json.`, at);
  }
}

/** The type rules for a ColumnDef. */
export function checkColumnDef(context: CheckContext, def: ColumnDef): void {
  checkColumnType(
    context,
    columnType(def.typeName),
    def.colname ?? '?',
    def.typeName?.location ?? def.location
  );
}

/** Functions that are not volatile, so a DEFAULT calling only them is evaluated once (no rewrite from 11). */
const NOT_VOLATILE = new Set([
  'now',
  'statement_timestamp',
  'transaction_timestamp',
  'timezone',
  'current_setting',
  'lower',
  'upper',
  'btrim',
  'trim',
  'length',
  'concat',
  'coalesce',
  'to_jsonb',
  'to_json',
  'jsonb_build_object',
  'json_build_object',
  'jsonb_build_array',
  'json_build_array',
  'make_interval',
  'make_date',
  'to_timestamp',
  'to_date',
  'date_trunc',
  'abs',
  'round'
]);

/**
 * True when a DEFAULT expression may be volatile: it calls a function not known to be stable or
 * immutable (random(), gen_random_uuid(), clock_timestamp(), nextval(), or one of the project's
 * own). Volatile defaults are evaluated per row, so adding such a column rewrites the table.
 */
export function isVolatileDefault(expr: Node | undefined): boolean {
  return functionsCalled(expr).some((name) => !NOT_VOLATILE.has(name));
}

/** True when an expression is a NULL constant (a DEFAULT NULL costs nothing). */
export function isNullConstant(expr: Node | undefined): boolean {
  const constant = nodeAs(expr, 'A_Const') ?? nodeAs(nodeAs(expr, 'TypeCast')?.arg, 'A_Const');
  return constant?.isnull === true;
}

/** PostgreSQL truncates names to NAMEDATALEN - 1 bytes. */
const MAX_IDENTIFIER_BYTES = 63;

/**
 * identifier-too-long: the parser already truncated long names to 63 bytes, so a name of exactly
 * 63 bytes in the tree is the sign; the statement's own tokens then tell which names were longer.
 */
export function checkIdentifierLengths(context: CheckContext, parser: PgParser | undefined): void {
  if (!parser || !mayHoldLongName(context.statement.text) || !hasTruncatedName(context.statement.node))
    return;
  let tokens;
  try {
    tokens = parser.scan(context.statement.text);
  } catch {
    return;
  }
  const bytes = Buffer.from(context.statement.text);
  for (const token of tokens) {
    if (token.tokenName !== 'IDENT' && token.tokenName !== 'UNKNOWN') continue;
    const text = bytes.toString('utf8', token.start, token.end);
    const quoted = text.startsWith('"');
    const length = Buffer.byteLength(quoted ? text.slice(1, -1).split('""').join('"') : text);
    if (token.tokenName === 'IDENT' && length > MAX_IDENTIFIER_BYTES) {
      const offset = context.statement.start + token.start;
      context.report(
        'identifier-too-long',
        `The name ${text.length > 40 ? `${text.slice(0, 40)}…` : text} is ${length} bytes; PostgreSQL keeps only the first 63.`,
        { location: offset - context.statement.locationBase }
      );
    }
  }
}

/**
 * A cheap necessary condition, checked first because most statements have only short names: a run
 * of more than 63 identifier characters, or a double quote (quoted names may hold anything).
 */
function mayHoldLongName(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return true;
    const identifier =
      (code >= 0x61 && code <= 0x7a) ||
      (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x30 && code <= 0x39) ||
      code === 0x5f ||
      code === 0x24 ||
      code > 0x7f;
    run = identifier ? run + (code > 0x7f ? 2 : 1) : 0;
    if (run > MAX_IDENTIFIER_BYTES) return true;
  }
  return false;
}

function hasTruncatedName(value: unknown): boolean {
  if (typeof value === 'string')
    return value.length >= 16 && Buffer.byteLength(value) === MAX_IDENTIFIER_BYTES;
  if (Array.isArray(value)) return value.some(hasTruncatedName);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasTruncatedName);
  return false;
}
