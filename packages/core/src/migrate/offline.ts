/**
 * The offline SQL of one alembic revision, as the driver captured it: the text alembic wrote, cut
 * into the pieces each `op.` call (or alembic itself) emitted, so every statement can be traced
 * back to the line of its op call in the revision file.
 */
import type { SqlAnalyzer, SqlUnitAnalysis } from '../sql/analyzer.ts';
import type { StatementOrigin } from '../sql/check-context.ts';
import type { PgParser } from '../sql/parser.ts';
import { readSqlStatements } from '../sql/statements.ts';
import type { OfflineChunk } from './alembic.ts';

/** A byte range of the revision's SQL and where it came from. */
interface OriginRange {
  start: number;
  end: number;
  origin: StatementOrigin;
  /** Line of the op call in the revision file (undefined for alembic's own statements). */
  line?: number;
}

export interface RevisionSql {
  text: string;
  bytes: Buffer;
  ranges: OriginRange[];
}

/** alembic's autocommit_block() writes COMMIT/BEGIN from its context manager: alembic's, not the revision's. */
const TOOL_OPS = new Set(['__enter__', '__exit__']);

export function buildRevisionSql(chunks: OfflineChunk[]): RevisionSql {
  const ranges: OriginRange[] = [];
  let offset = 0;
  for (const chunk of chunks) {
    const length = Buffer.byteLength(chunk.text);
    const bookkeeping = chunk.line === null || (chunk.op !== null && TOOL_OPS.has(chunk.op));
    ranges.push({
      start: offset,
      end: offset + length,
      origin: {
        bookkeeping,
        ...(chunk.op ? { op: chunk.op } : {}),
        ...(chunk.constraintType ? { constraintType: chunk.constraintType } : {})
      },
      ...(chunk.line !== null ? { line: chunk.line } : {})
    });
    offset += length;
  }
  const text = chunks.map((chunk) => chunk.text).join('');
  return { text, bytes: Buffer.from(text), ranges };
}

/** The range holding a byte offset (binary search; ranges are contiguous and in order). */
export function originRangeAt(sql: RevisionSql, offset: number): OriginRange | undefined {
  let low = 0;
  let high = sql.ranges.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const range = sql.ranges[mid]!;
    if (offset < range.start) high = mid - 1;
    else if (offset >= range.end) low = mid + 1;
    else return range;
  }
  return undefined;
}

/**
 * Runs the analyzer over one revision's SQL, each statement traced back to its op call.
 * `report: false` only teaches the analyzer's catalog what the revision creates.
 */
export function analyzeRevisionSql(
  analyzer: SqlAnalyzer,
  parser: PgParser,
  sql: RevisionSql,
  options: { report?: boolean } = {}
): Promise<SqlUnitAnalysis> {
  return analyzer.analyzeUnit({
    statements: readSqlStatements([sql.bytes], parser),
    origin: (offset) => originRangeAt(sql, offset)?.origin,
    ...(options.report === false ? { report: false } : {})
  });
}

/** The number of line breaks in a text (to keep track of lines in the sql-file). */
export function countLineBreaks(text: string): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}
