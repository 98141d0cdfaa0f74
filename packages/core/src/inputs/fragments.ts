/**
 * Shared zod fragments for action inputs. Each takes the raw input string (already trimmed, with
 * `''` mapped to `undefined` by readInputs) and yields a typed value; its error message says what
 * was expected, and readInputs adds the input's name and value.
 */
import { z } from 'zod';
import { DURATION_HINT, formatDuration, parseDuration } from './duration.ts';

// Each schema parses once per run: zod's compiled fast path (built with `new Function`) costs more
// to build than it saves, and some runners forbid code generation.
z.config({ jitless: true });

function refineString<T>(expected: string, parse: (value: string) => T | undefined) {
  return z.string({ error: expected }).transform((value, ctx) => {
    const parsed = parse(value);
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    }
    return parsed;
  });
}

/** A duration in milliseconds, optionally bounded. */
export function duration(bounds: { min?: number; max?: number } = {}) {
  const { min = 0, max = Number.POSITIVE_INFINITY } = bounds;
  let expected = DURATION_HINT;
  if (min > 0 && Number.isFinite(max)) expected += `, from ${formatDuration(min)} to ${formatDuration(max)}`;
  else if (min > 0) expected += `, at least ${formatDuration(min)}`;
  else if (Number.isFinite(max)) expected += `, at most ${formatDuration(max)}`;
  return refineString(expected, (value) => {
    const ms = parseDuration(value);
    return ms !== undefined && ms >= min && ms <= max ? ms : undefined;
  });
}

/** A whole number in a range. */
export function integer(bounds: { min?: number; max?: number } = {}) {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = bounds;
  const expected =
    max === Number.MAX_SAFE_INTEGER
      ? `a whole number of at least ${min}`
      : `a whole number from ${min} to ${max}`;
  return refineString(expected, (value) => {
    if (!/^[+-]?\d+$/.test(value)) return undefined;
    const n = Number(value);
    return n >= min && n <= max ? n : undefined;
  });
}

/** A decimal number in a range. */
export function decimal(bounds: { min?: number; max?: number } = {}) {
  const { min = 0, max = Number.POSITIVE_INFINITY } = bounds;
  const expected = Number.isFinite(max) ? `a number from ${min} to ${max}` : `a number of at least ${min}`;
  return refineString(expected, (value) => {
    if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value)) return undefined;
    const n = Number(value);
    return n >= min && n <= max ? n : undefined;
  });
}

/** `true` or `false` as YAML 1.2's core schema writes them. */
export function boolean() {
  return refineString('true or false', (value) => {
    if (['true', 'True', 'TRUE'].includes(value)) return true;
    if (['false', 'False', 'FALSE'].includes(value)) return false;
    return undefined;
  });
}

/** Splits a list written with commas or new lines; empty items are dropped. */
export function splitList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Splits a multi-line input into its non-empty, trimmed lines; `#` starts a comment line. */
export function splitLines(value: string): string[] {
  return value
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** An http(s) URL; user info in it is allowed (it is masked as a secret by the caller). */
export function httpUrl() {
  return refineString('an http:// or https:// URL such as https://api.example.com', (value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:' ? value.replace(/\/+$/, '') : undefined;
    } catch {
      return undefined;
    }
  });
}

/**
 * A PostgreSQL URL (postgresql://, postgres://, or postgresql+driver:// as SQLAlchemy writes it);
 * `example` is shown in the error message.
 */
export function postgresUrl(example = 'postgresql://user:password@host:5432/app') {
  return refineString(`a PostgreSQL URL such as ${example}`, (value) => {
    try {
      const { protocol } = new URL(value);
      return protocol === 'postgres:' || protocol === 'postgresql:' || protocol.startsWith('postgresql+')
        ? value
        : undefined;
    } catch {
      return undefined;
    }
  });
}

/**
 * The secret parts of a database URL input: the whole URL and its password alone (an error
 * message or a driver can print the password without the rest of the URL).
 */
export function databaseUrlSecrets(raw: string): string[] {
  try {
    const password = decodeURIComponent(new URL(raw).password);
    return password ? [raw, password] : [raw];
  } catch {
    return [raw];
  }
}

/** A URL path starting with `/` (query allowed), no spaces. */
export function urlPath() {
  return refineString('a path starting with /, such as /health', (value) =>
    /^\/[^\s]*$/.test(value) ? value : undefined
  );
}

/** One of a fixed set of words. */
export function oneOf<const T extends readonly string[]>(values: T) {
  return refineString(`one of ${values.join(', ')}`, (value) =>
    (values as readonly string[]).includes(value) ? (value as T[number]) : undefined
  );
}

/** HTTP header lines `Name: value`, one a line. */
export function headerLines() {
  const expected = 'one `Name: value` header a line, with a valid header name';
  return refineString(expected, (value) => {
    const headers: Record<string, string> = {};
    for (const line of splitLines(value)) {
      const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
      if (!match) return undefined;
      headers[match[1]!.toLowerCase()] = match[2]!;
    }
    return headers;
  });
}

/** The secret parts of a `headers` input: every value, so each can be masked before anything is logged. */
export function headerSecretValues(raw: string): string[] {
  return splitLines(raw)
    .map((line) => line.slice(line.indexOf(':') + 1).trim())
    .filter((value) => value.length > 0);
}
