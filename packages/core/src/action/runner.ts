/**
 * The GitHub runner's protocol for JavaScript actions, which is all an action needs to talk to
 * the runner: inputs arrive as `INPUT_<NAME>` variables, state as `STATE_<NAME>`; outputs and
 * state are appended as heredocs to the files named by `GITHUB_OUTPUT` / `GITHUB_STATE`; log
 * commands (`::add-mask::`, `::error …::`) go to stdout; the job summary is appended to
 * `GITHUB_STEP_SUMMARY`.
 *
 * Why not `@actions/core`: version 3 imports its OIDC client eagerly, which pulls in
 * `@actions/http-client` and undici — 490 KB that every start must load and compile (about 55 ms
 * of a 105 ms start, measured; see docs/adrs/0001-runner-protocol.md). These few commands are
 * stable, documented and tested here against the same parser the action-tests use.
 */
import { appendFileSync, writeSync } from 'node:fs';
import { EOL } from 'node:os';
import { plainLogLines } from '../logger.ts';

export interface CommandProperties {
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
}

/** Escapes a command's message: `%`, CR and LF. */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a command property: as data, plus `:` and `,`. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** Formats `::name key=value,…::message`. */
export function formatCommand(name: string, message: string, properties: CommandProperties = {}): string {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/** A heredoc entry for GITHUB_OUTPUT / GITHUB_STATE with a delimiter that cannot occur in the value. */
export function formatFileEntry(name: string, value: string): string {
  // The global Web Crypto, not node:crypto: importing that module costs start-up time.
  const next = () => `ghadelimiter_${globalThis.crypto.randomUUID()}`;
  let delimiter = next();
  while (value.includes(delimiter) || name.includes(delimiter)) delimiter = next();
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

/** The input as the runner passes it: `INPUT_` + the name upper-cased with spaces as underscores, trimmed. */
export function readInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/**
 * Writes to file descriptor 1 directly. Creating `process.stdout` loads the stream machinery (about
 * 4 ms of every start); a synchronous write also keeps the log in order with the files written.
 * EAGAIN (a non-blocking pipe that is full) is retried until the reader catches up.
 */
export function writeStdout(text: string): void {
  const buffer = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += writeSync(1, buffer, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

/** Writes runner commands and files; `write` is injectable so tests can collect the log. */
export class RunnerChannel {
  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly write: (line: string) => void = (line) => writeStdout(`${line}${EOL}`)
  ) {}

  /** A plain log line (or several): never read as a command, whatever text it carries. */
  log(message: string): void {
    this.write(plainLogLines(message).join(EOL));
  }

  command(name: string, message: string, properties?: CommandProperties): void {
    this.write(formatCommand(name, message, properties));
  }

  /** Appends to GITHUB_OUTPUT; outside a runner, falls back to the legacy `::set-output` command. */
  setOutput(name: string, value: string): void {
    if (!this.appendTo('GITHUB_OUTPUT', formatFileEntry(name, value))) {
      this.write(EOL + formatCommand('set-output', value, { name } as CommandProperties));
    }
  }

  saveState(name: string, value: string): void {
    if (!this.appendTo('GITHUB_STATE', formatFileEntry(name, value))) {
      this.write(formatCommand('save-state', value, { name } as CommandProperties));
    }
  }

  getState(name: string): string {
    return this.env[`STATE_${name}`] ?? '';
  }

  /** Appends Markdown to the job summary; false when there is no summary file (not on a runner). */
  appendSummary(markdown: string): boolean {
    return this.appendTo('GITHUB_STEP_SUMMARY', markdown.endsWith(EOL) ? markdown : `${markdown}${EOL}`);
  }

  private appendTo(variable: string, text: string): boolean {
    const file = this.env[variable];
    if (!file) return false;
    appendFileSync(file, text, { encoding: 'utf8' });
    return true;
  }
}
