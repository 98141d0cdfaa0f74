/**
 * Reads SQL statement by statement from a stream of bytes, with PostgreSQL's own parser deciding
 * where each statement ends (strings, dollar quotes, comments and `BEGIN ATOMIC` bodies included).
 *
 * Memory stays flat: the parser only ever sees a bounded window of text. A window is cut at the
 * last `;` byte it holds and parsed at once; every statement but the window's last is complete
 * (its terminating `;` was found by the parser's scanner, which reads left to right), so they are
 * handed out and the last one starts the next window. Only when a window does not parse (a real
 * syntax error) is it split with the parser's scanner and each piece parsed on its own, so one bad
 * statement becomes one finding and the rest are still checked.
 */
import type { Node } from 'libpg-query';
import { SqlScanError, SqlSyntaxError, type PgParser, type SqlToken } from './parser.ts';

/** Where a byte offset of the source is, for people: 1-based line and column (in characters). */
export interface SqlSourcePosition {
  line: number;
  column: number;
}

/** One statement of a SQL source. Offsets are UTF-8 byte offsets from the start of the source. */
export interface SqlStatement {
  /** 0-based position among the source's statements. */
  index: number;
  /** Offset of the statement's first token (leading comments and blank space skipped). */
  start: number;
  /** Offset just past the statement's last character (its `;` excluded). */
  end: number;
  line: number;
  column: number;
  /** The statement's text from its first token, without the terminating `;`. */
  text: string;
  /** The parse tree, unless the statement does not parse. */
  node?: Node;
  /** Add to a `location` in `node` to get a source offset. */
  locationBase: number;
  /** Why the statement does not parse, and where. */
  error?: { message: string; offset: number; line: number; column: number };
  /**
   * Source position of a byte offset inside this statement. Valid while the statement is being
   * handled (the reader keeps only the current window of the source).
   */
  locate(offset: number): SqlSourcePosition;
}

export interface ReadSqlStatementsOptions {
  /** Bytes the parser sees at once; windows grow past it only for a longer statement. Default 64 KiB. */
  windowBytes?: number;
}

const SEMICOLON = 0x3b;
const DEFAULT_WINDOW = 64 * 1024;
/** A statement that does not parse is retried joined to the next pieces (BEGIN ATOMIC ... END bodies). */
const MAX_JOINED_PIECES = 64;

/**
 * The statements of `source` in order. `source` yields the bytes (a file read in chunks, or one
 * buffer). Statements are produced lazily; handle each before asking for the next.
 */
export async function* readSqlStatements(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  parser: PgParser,
  options: ReadSqlStatementsOptions = {}
): AsyncGenerator<SqlStatement> {
  const window = new SourceWindow(source);
  const baseWindow = options.windowBytes ?? DEFAULT_WINDOW;
  let index = 0;
  await window.fill(3);
  window.skipByteOrderMark();

  while (!(await window.atEnd())) {
    let size = baseWindow;
    for (;;) {
      await window.fill(size);
      const atEof = window.eof && window.available() <= size;
      let end = window.offset + Math.min(size, window.available());
      if (!atEof) {
        const cut = window.lastIndexOf(SEMICOLON, end - 1);
        if (cut < 0) {
          size *= 2;
          continue;
        }
        end = cut + 1;
      }
      const text = window.text(window.offset, end);
      let parsed: ParsedPiece[] | undefined;
      try {
        parsed = piecesFromParse(parser.parse(text), text, window.offset);
      } catch (error) {
        if (!(error instanceof SqlSyntaxError)) throw error;
      }

      if (parsed) {
        if (!atEof && parsed.length < 2) {
          // The only statement may not be complete: look further.
          size *= 2;
          continue;
        }
        const complete = atEof ? parsed : parsed.slice(0, -1);
        for (const piece of complete) {
          const statement = makeStatement(piece, index, window, parser);
          if (statement) {
            index++;
            yield statement;
          }
        }
        window.advance(atEof ? end : parsed[parsed.length - 1]!.start);
        break;
      }

      // A syntax error somewhere in the window: split it with the scanner and parse piece by piece.
      let tokens: SqlToken[] | undefined;
      try {
        tokens = parser.scan(text);
      } catch (error) {
        if (!(error instanceof SqlScanError)) throw error;
        if (!atEof) {
          // An unterminated literal or comment: its end lies further on.
          size *= 2;
          continue;
        }
      }
      const split = tokens
        ? splitWithTokens(tokens, text, window.offset, atEof)
        : splitUnterminated(text, window.offset, parser);
      if (!split) {
        size *= 2;
        continue;
      }
      for (const statement of parsePieces(split.pieces, parser, window, index)) {
        index++;
        yield statement;
      }
      window.advance(split.next);
      break;
    }
  }
}

/** A statement's extent in the source, before its first token is found. */
interface ParsedPiece {
  start: number;
  end: number;
  node?: Node;
  locationBase: number;
  error?: { message: string; offset: number };
  /** Scanner tokens of the piece, when they are known (offsets relative to `start`). */
  tokens?: SqlToken[];
}

function piecesFromParse(
  result: { stmts?: { stmt?: Node; stmt_location?: number; stmt_len?: number }[] },
  text: string,
  base: number
): ParsedPiece[] {
  const total = Buffer.byteLength(text);
  return (result.stmts ?? []).map((raw) => {
    const location = raw.stmt_location ?? 0;
    const length = raw.stmt_len ?? 0;
    return {
      start: base + location,
      end: base + (length > 0 ? location + length : total),
      ...(raw.stmt ? { node: raw.stmt } : {}),
      locationBase: base
    };
  });
}

/**
 * Pieces between the scanner's `;` tokens. Unless at the end of the source, the text after the
 * last `;` is left for the next window. Undefined when there is no `;` token to cut at.
 */
function splitWithTokens(
  tokens: SqlToken[],
  text: string,
  base: number,
  atEof: boolean
): { pieces: ParsedPiece[]; next: number } | undefined {
  const total = Buffer.byteLength(text);
  const pieces: ParsedPiece[] = [];
  let pieceStart = 0;
  let pieceTokens: SqlToken[] = [];
  for (const token of tokens) {
    if (token.tokenName === 'ASCII_59') {
      pieces.push(tokenPiece(base, pieceStart, token.start, pieceTokens));
      pieceStart = token.end;
      pieceTokens = [];
    } else {
      pieceTokens.push(token);
    }
  }
  if (atEof) {
    pieces.push(tokenPiece(base, pieceStart, total, pieceTokens));
    return { pieces, next: base + total };
  }
  if (pieces.length === 0) return undefined;
  return { pieces, next: base + pieceStart };
}

/**
 * The end of the source holds an unterminated literal or comment, so the scanner cannot read it
 * whole: find the longest prefix ending at a `;` that it can read, split that, and make the rest
 * one piece (which will not parse, and so becomes a syntax-error finding with its position).
 */
function splitUnterminated(
  text: string,
  base: number,
  parser: PgParser
): { pieces: ParsedPiece[]; next: number } {
  const bytes = Buffer.from(text);
  const total = bytes.length;
  let cut = bytes.lastIndexOf(SEMICOLON);
  for (let tries = 0; cut >= 0 && tries < MAX_JOINED_PIECES; tries++) {
    try {
      const tokens = parser.scan(bytes.toString('utf8', 0, cut + 1));
      const split = splitWithTokens(tokens, bytes.toString('utf8', 0, cut + 1), base, false);
      if (split) {
        split.pieces.push({ start: split.next, end: base + total, locationBase: split.next });
        return { pieces: split.pieces, next: base + total };
      }
    } catch (error) {
      if (!(error instanceof SqlScanError)) throw error;
    }
    cut = cut > 0 ? bytes.lastIndexOf(SEMICOLON, cut - 1) : -1;
  }
  return { pieces: [{ start: base, end: base + total, locationBase: base }], next: base + total };
}

function tokenPiece(base: number, start: number, end: number, tokens: SqlToken[]): ParsedPiece {
  return {
    start: base + start,
    end: base + end,
    locationBase: base + start,
    tokens: tokens.map((token) => ({ ...token, start: token.start - start, end: token.end - start }))
  };
}

/** Parses scanner pieces one by one; a piece that does not parse is retried joined to the next ones. */
function* parsePieces(
  pieces: ParsedPiece[],
  parser: PgParser,
  window: SourceWindow,
  firstIndex: number
): Generator<SqlStatement> {
  let index = firstIndex;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece.tokens && piece.tokens.every(isComment)) continue;
    let result = parsePiece(piece, parser, window);
    if (result.error && result.error.offset >= lastTokenEnd(piece)) {
      // `CREATE FUNCTION ... BEGIN ATOMIC a; b; END` holds `;` tokens: join pieces until it parses.
      for (let j = i + 1; j < Math.min(pieces.length, i + MAX_JOINED_PIECES); j++) {
        const joined: ParsedPiece = {
          start: piece.start,
          end: pieces[j]!.end,
          locationBase: piece.start
        };
        const attempt = parsePiece(joined, parser, window);
        if (!attempt.error) {
          result = attempt;
          i = j;
          break;
        }
      }
    }
    const statement = makeStatement(result, index, window, parser);
    if (statement) {
      index++;
      yield statement;
    }
  }
}

function parsePiece(piece: ParsedPiece, parser: PgParser, window: SourceWindow): ParsedPiece {
  const text = window.text(piece.start, piece.end);
  try {
    const result = parser.parse(text);
    const stmt = result.stmts?.[0]?.stmt;
    return { ...piece, ...(stmt ? { node: stmt } : {}), locationBase: piece.start };
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    return { ...piece, error: { message: error.message, offset: piece.start + error.position } };
  }
}

/** Where the piece's last token ends (the parser's "at end of input" errors point there). */
function lastTokenEnd(piece: ParsedPiece): number {
  const last = piece.tokens?.findLast((token) => !isComment(token));
  return last ? piece.start + last.end : piece.end;
}

const isComment = (token: SqlToken) => token.tokenName === 'SQL_COMMENT' || token.tokenName === 'C_COMMENT';

/** Finds the first token of a piece and builds the statement; undefined for a piece of only comments. */
function makeStatement(
  piece: ParsedPiece,
  index: number,
  window: SourceWindow,
  parser: PgParser
): SqlStatement | undefined {
  const start = firstTokenOffset(piece, window, parser);
  if (start === undefined) return undefined;
  let end = piece.end;
  while (end > start && isBlank(window.byteAt(end - 1))) end--;
  const position = window.locate(start);
  const statement: SqlStatement = {
    index,
    start,
    end,
    line: position.line,
    column: position.column,
    text: window.text(start, end),
    locationBase: piece.locationBase,
    locate: window.locator
  };
  if (piece.node) statement.node = piece.node;
  if (piece.error) {
    const at = Math.min(Math.max(piece.error.offset, start), Math.max(start, end));
    statement.error = { message: piece.error.message, offset: at, ...window.locate(at) };
  }
  return statement;
}

function firstTokenOffset(piece: ParsedPiece, window: SourceWindow, parser: PgParser): number | undefined {
  if (piece.tokens) {
    const first = piece.tokens.find((token) => !isComment(token));
    return first ? piece.start + first.start : undefined;
  }
  let at = piece.start;
  while (at < piece.end && isBlank(window.byteAt(at))) at++;
  if (at >= piece.end) return undefined;
  const next = window.byteAt(at + 1);
  const startsComment =
    (window.byteAt(at) === 0x2d && next === 0x2d) || (window.byteAt(at) === 0x2f && next === 0x2a);
  if (!startsComment) return at;
  // Leading comments: let the scanner say where they end (they may nest, and hold `;`).
  try {
    const first = parser.scan(window.text(at, piece.end)).find((token) => !isComment(token));
    return first ? at + first.start : undefined;
  } catch {
    return at;
  }
}

/** Space, tab, new line, carriage return, form feed, vertical tab: what PostgreSQL skips between tokens. */
function isBlank(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0c || byte === 0x0b;
}

/**
 * The part of the source not yet handed out, read from the stream as needed, with a line index
 * over the bytes it holds. Bytes before the current statement are dropped as the reader advances;
 * the line and column of the first byte kept carry the count forward.
 */
class SourceWindow {
  private readonly iterator: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  private buffer: Buffer = Buffer.alloc(0);
  /** Source offset of buffer[0], and its line and column. */
  private base = 0;
  private baseLine = 1;
  private baseColumn = 1;
  /** Source offset where the unread part starts (what the window starts with). */
  offset = 0;
  eof = false;
  /** Offsets of the new lines in the buffer, indexed up to `indexedTo`. */
  private newlines: number[] = [];
  private indexedTo = 0;

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.iterator =
      Symbol.asyncIterator in source
        ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
        : (source as Iterable<Uint8Array>)[Symbol.iterator]();
  }

  /** Reads until `bytes` past `offset` are held or the stream ends. */
  async fill(bytes: number): Promise<void> {
    const parts: Buffer[] = [];
    let held = this.available();
    while (!this.eof && held < bytes) {
      const next = await this.iterator.next();
      if (next.done) {
        this.eof = true;
        break;
      }
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      parts.push(chunk);
      held += chunk.length;
    }
    if (parts.length > 0) {
      this.dropBefore(this.offset);
      this.buffer = Buffer.concat([this.buffer, ...parts]);
    }
  }

  async atEnd(): Promise<boolean> {
    if (this.available() === 0) await this.fill(1);
    return this.available() === 0;
  }

  available(): number {
    return this.buffer.length - (this.offset - this.base);
  }

  skipByteOrderMark(): void {
    if (this.byteAt(0) === 0xef && this.byteAt(1) === 0xbb && this.byteAt(2) === 0xbf) {
      this.advance(3);
      this.dropBefore(3);
      this.baseColumn = 1;
    }
  }

  byteAt(offset: number): number | undefined {
    return this.buffer[offset - this.base];
  }

  lastIndexOf(byte: number, from: number): number {
    const at = this.buffer.lastIndexOf(byte, from - this.base);
    return at < this.offset - this.base ? -1 : at + this.base;
  }

  text(start: number, end: number): string {
    return this.buffer.toString('utf8', start - this.base, end - this.base);
  }

  /** Marks everything before `offset` as handed out. */
  advance(offset: number): void {
    this.offset = offset;
  }

  /** `locate`, bound once, for the statements to share. */
  readonly locator = (offset: number): SqlSourcePosition => this.locate(offset);

  locate(offset: number): SqlSourcePosition {
    this.indexTo(offset);
    // How many new lines lie before `offset`.
    let low = 0;
    let high = this.newlines.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.newlines[mid]! < offset) low = mid + 1;
      else high = mid;
    }
    if (low === 0)
      return { line: this.baseLine, column: this.baseColumn + this.text(this.base, offset).length };
    return { line: this.baseLine + low, column: this.text(this.newlines[low - 1]! + 1, offset).length + 1 };
  }

  private indexTo(offset: number): void {
    const limit = Math.min(offset, this.base + this.buffer.length);
    for (let at = Math.max(this.indexedTo, this.base); at < limit; at++) {
      if (this.buffer[at - this.base] === 0x0a) this.newlines.push(at);
    }
    this.indexedTo = Math.max(this.indexedTo, limit);
  }

  /** Forgets the bytes before `offset`, keeping the line and column count of what remains right. */
  private dropBefore(offset: number): void {
    if (offset <= this.base) return;
    const position = this.locate(offset);
    this.buffer = this.buffer.subarray(offset - this.base);
    this.base = offset;
    this.baseLine = position.line;
    this.baseColumn = position.column;
    this.newlines = this.newlines.filter((at) => at >= offset);
  }
}
