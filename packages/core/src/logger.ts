/** Where core logic writes progress. The action adapter maps it to `@actions/core`; tests collect it. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

/** A logger that keeps every line, for tests and for reports. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  debug(message: string): void {
    this.lines.push(`debug: ${message}`);
  }
  info(message: string): void {
    this.lines.push(`info: ${message}`);
  }
  warning(message: string): void {
    this.lines.push(`warning: ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error: ${message}`);
  }
}

/** Control characters (C0 with the line breaks, DEL, C1) and the Unicode line separators. */
const CONTROL = /[\p{Cc}\u2028\u2029]/gu;

/** A control character shown as an escape; a tab stays, it does no harm in a line. */
const escapeControl = (char: string) =>
  char === '\t'
    ? char
    : char === '\n'
      ? '\\n'
      : char === '\r'
        ? '\\r'
        : `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Breaks the runner's command markers in one line: `::` at its start (after whitespace: the runner
 * trims it) and the legacy `##[`, which the runner looks for anywhere in a line.
 */
function defuseCommands(line: string): string {
  return line.replace(/^(\s*):(?=:)/, '$1: ').replace(/##\[/g, '# #[');
}

/**
 * Text from outside (an HTTP body, a file name, a string from an API) made safe to embed in a log
 * line or a message: line breaks and other control characters are shown as escapes (`\n`,
 * `\u001b`), and the runner's command markers are broken, so the runner reads it as text and
 * a person sees what was sent. A `version` of `"2.0.0\n::add-mask::x"` otherwise reaches the
 * log as a line of its own, which the runner executes.
 */
export function neutralise(text: string): string {
  return defuseCommands(text.replace(CONTROL, escapeControl));
}

/**
 * A plain log message as lines the runner reads as text only: split where its parser splits
 * (`\r`, `\n`, `\r\n`), other control characters escaped, and command markers broken in every
 * line. Messages of this code never mean to issue commands: those go through `@actions/core`.
 */
export function plainLogLines(message: string): string[] {
  return message.split(/\r\n|\r|\n/).map(neutralise);
}
