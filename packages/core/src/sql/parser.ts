/**
 * PostgreSQL's own parser (libpg-query, compiled to WebAssembly) behind a small interface, so the
 * statement reader and the rules can be tested with the real parser and nothing else.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ParseResult } from 'libpg-query';

/** One token of PostgreSQL's scanner; `start`/`end` are UTF-8 byte offsets in the scanned text. */
export interface SqlToken {
  start: number;
  end: number;
  /** The scanner's token name: `ASCII_59` is `;`, `SQL_COMMENT`/`C_COMMENT` are comments. */
  tokenName: string;
}

/** The parser rejected the text. `position` is a UTF-8 byte offset in the parsed text. */
export class SqlSyntaxError extends Error {
  override name = 'SqlSyntaxError';
  constructor(
    message: string,
    readonly position: number
  ) {
    super(message);
  }
}

/** The scanner could not tokenize the text (an unterminated string, quoted name or comment). */
export class SqlScanError extends Error {
  override name = 'SqlScanError';
}

export interface PgParser {
  /** Parses zero or more statements. Throws SqlSyntaxError with the byte position of the error. */
  parse(sql: string): ParseResult;
  /** Tokens of `sql`, comments included. Throws SqlScanError when a literal or comment is unterminated. */
  scan(sql: string): SqlToken[];
}

let loading: Promise<PgParser> | undefined;

/**
 * Loads the WebAssembly parser once per process (about 40 ms) and returns it. Loaded on first use,
 * not at import, so a step that fails on its inputs never pays for it.
 */
export function loadPgParser(): Promise<PgParser> {
  loading ??= load();
  return loading;
}

async function load(): Promise<PgParser> {
  // libpg-query's loader is CommonJS and reads `${__dirname}/libpg-query.wasm`. Inside an ES module
  // bundle there is no __dirname, so the lookup falls through to the global object: point it at
  // the bundle's folder, where the action that uses the parser has the bundler copy the file (see
  // packages/core/src/migrate/assets.ts). Unbundled, the loader's own __dirname wins.
  const scope = globalThis as { __dirname?: string };
  scope.__dirname ??= path.dirname(fileURLToPath(import.meta.url));
  const lib = await import('libpg-query');
  await lib.loadModule();
  return {
    parse(sql) {
      try {
        return lib.parseSync(sql);
      } catch (error) {
        const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
        if (details) {
          throw new SqlSyntaxError((error as Error).message, Math.max(0, details.cursorPosition ?? 0));
        }
        throw error;
      }
    },
    scan(sql) {
      try {
        return lib.scanSync(sql).tokens.map((token) => ({
          start: token.start,
          end: token.end,
          tokenName: token.tokenName
        }));
      } catch (error) {
        // The scanner reports "unterminated quoted string" and the like as a non-JSON answer.
        throw new SqlScanError(`the SQL scanner stopped: ${(error as Error).message}`);
      }
    }
  };
}
