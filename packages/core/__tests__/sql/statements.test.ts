import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadPgParser, readSqlStatements, type PgParser, type SqlStatement } from '../../src/sql/index.ts';

let parser: PgParser;
beforeAll(async () => {
  parser = await loadPgParser();
});

async function read(sql: string | Buffer, windowBytes?: number, chunk = 7): Promise<SqlStatement[]> {
  const bytes = Buffer.isBuffer(sql) ? sql : Buffer.from(sql);
  // Small chunks and windows exercise every window boundary.
  const chunks = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  const out: SqlStatement[] = [];
  for await (const s of readSqlStatements(chunks, parser, windowBytes ? { windowBytes } : {})) {
    out.push({ ...s, node: s.node });
  }
  return out;
}

const kinds = (statements: SqlStatement[]) =>
  statements.map((s) => (s.node ? Object.keys(s.node)[0] : 'error'));

describe('readSqlStatements', () => {
  it.each([8, 16, 64, 4096])('splits where PostgreSQL does (window %i bytes)', async (windowBytes) => {
    const sql = [
      "-- leading comment; with a semicolon\nCREATE TABLE t (a text DEFAULT 'x;y');",
      '/* block; /* nested; */ still */ ALTER TABLE t ADD COLUMN b int;',
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;',
      'CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;',
      "UPDATE t SET a = E'it\\'s;' WHERE \"we;ird\" = 1;",
      ';;',
      'SELECT 2'
    ].join('\n');
    const statements = await read(sql, windowBytes);
    expect(kinds(statements)).toEqual([
      'CreateStmt',
      'AlterTableStmt',
      'CreateFunctionStmt',
      'CreateFunctionStmt',
      'UpdateStmt',
      'SelectStmt'
    ]);
    expect(statements.map((s) => s.line)).toEqual([2, 3, 4, 5, 6, 8]);
    expect(statements[1]!.text).toBe('ALTER TABLE t ADD COLUMN b int');
    expect(statements[1]!.column).toBe(34);
    expect(statements[5]!.text).toBe('SELECT 2');
  });

  it('turns a syntax error into one statement with its position and keeps reading', async () => {
    const sql = 'CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMNN x int;\nDROP TABLE a;\n';
    for (const windowBytes of [10, 4096]) {
      const statements = await read(sql, windowBytes);
      expect(kinds(statements)).toEqual(['CreateStmt', 'error', 'DropStmt']);
      expect(statements[1]!.error).toMatchObject({ line: 2, column: 29 });
      expect(statements[1]!.error!.message).toMatch(/syntax error at or near "int"/);
    }
  });

  it('reports an unterminated string at the end as a syntax error', async () => {
    const statements = await read("SELECT 1;\nSELECT 'open", 8);
    expect(kinds(statements)).toEqual(['SelectStmt', 'error']);
    expect(statements[1]!.error!.message).toMatch(/unterminated/);
  });

  it('counts lines and columns in characters across multi-byte text and a byte order mark', async () => {
    const sql = '\uFEFFSELECT \'é€😀\';  SELECT 1;\n  -- x\n  ALTER TABLE "tÉ" ADD COLUMNN y int;';
    const statements = await read(sql, 8, 3);
    expect(statements.map((s) => [s.line, s.column])).toEqual([
      [1, 1],
      [1, 17],
      [3, 3]
    ]);
    expect(statements[2]!.error).toMatchObject({ line: 3, column: 33 });
  });

  it('maps node locations back to the source', async () => {
    const statements = await read('SELECT 1;\n\nALTER TABLE t\n  ADD COLUMN c int;', 8);
    const alter = statements[1]!;
    const node = alter.node as {
      AlterTableStmt: { cmds: { AlterTableCmd: { def: { ColumnDef: { location: number } } } }[] };
    };
    const def = node.AlterTableStmt.cmds[0]!.AlterTableCmd.def.ColumnDef;
    expect(alter.locate(alter.locationBase + def.location)).toEqual({ line: 4, column: 14 });
  });
});
