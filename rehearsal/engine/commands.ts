/**
 * What a step says to the runner: the GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE files (`name=value`
 * or `name<<DELIMITER` heredocs, parsed as the runner parses them), GITHUB_PATH, and the workflow
 * commands in its output (`::add-mask::`, `::error::`, `::group::`, `::stop-commands::`, ...), read
 * line by line with `\r`, `\n` and `\r\n` all ending a line. The deprecated commands that set
 * outputs, state, env or PATH are refused: GitHub is removing them and the workflows must not
 * depend on them.
 */

/** Parses a GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STATE file; throws on a malformed entry. */
export function parseFileCommands(text: string, fileName: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals);
      if (name === '') throw new Error(`${fileName}: a line has no name before '=': ${line}`);
      values[name] = line.slice(equals + 1);
    } else if (heredoc > 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (delimiter === '') throw new Error(`${fileName}: '${name}<<' has no delimiter`);
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] as string);
      if (i >= lines.length) {
        throw new Error(`${fileName}: no line '${delimiter}' ends the value of ${name} (heredoc)`);
      }
      values[name] = body.join('\n');
    } else {
      throw new Error(`${fileName}: '${line}' is neither name=value nor name<<DELIMITER`);
    }
  }
  return values;
}

/** GITHUB_PATH: one directory per non-empty line; the last one added comes first on PATH. */
export function parsePathFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .reverse();
}

/**
 * A line from a step's process, made safe for a terminal: colour and cursor sequences (ANSI
 * CSI/OSC) removed, other control characters shown as U+FFFD, tabs kept.
 */
export function neutralise(line: string): string {
  /* eslint-disable no-control-regex -- matching control characters is what this does */
  return line
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)?/g, '')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\ufffd');
  /* eslint-enable no-control-regex */
}

/** Replaces every registered secret in text with `***`, longest first. */
export class Masker {
  private readonly secrets = new Set<string>();

  add(secret: string): void {
    // Single characters would mask the whole log; GitHub ignores them too.
    if (secret.length < 2) return;
    this.secrets.add(secret);
    for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 2) this.secrets.add(line.trim());
  }

  mask(text: string): string {
    let masked = text;
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      masked = masked.split(secret).join('***');
    }
    return masked;
  }

  /** Whether text carries a registered secret (job outputs that do are not passed on). */
  carriesSecret(text: string): boolean {
    return [...this.secrets].some((secret) => text.includes(secret));
  }
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');

const REFUSED_COMMANDS: Record<string, string> = {
  'set-output': 'write name=value lines to $GITHUB_OUTPUT instead',
  'save-state': 'write name=value lines to $GITHUB_STATE instead',
  'set-env': 'write name=value lines to $GITHUB_ENV instead',
  'add-path': 'write the directory to $GITHUB_PATH instead'
};

/** Thrown for a deprecated workflow command in a step's output. */
export class RefusedCommand extends Error {
  override readonly name = 'RefusedCommand';
}

/**
 * Reads a step's output as the runner does: masks registered secrets, applies `::add-mask::`
 * to everything after it, collects annotations, hides `::debug::`, honours `::stop-commands::`.
 * Feed it chunks; it calls `emit` once per finished line, already masked.
 */
export class CommandReader {
  readonly annotations: Annotation[] = [];
  private pending = '';
  private stopToken: string | undefined;

  private readonly masker: Masker;
  private readonly emit: (line: string) => void;

  constructor(masker: Masker, emit: (line: string) => void) {
    this.masker = masker;
    this.emit = emit;
  }

  write(chunk: string): void {
    // A chunk may end between the \r and the \n of one line end: hold a trailing \r back.
    this.pending += chunk;
    const complete = this.pending.endsWith('\r') ? this.pending.slice(0, -1) : this.pending;
    const held = this.pending.slice(complete.length);
    const lines = complete.split(/\r\n|\r|\n/);
    this.pending = (lines.pop() as string) + held;
    for (const line of lines) this.line(line);
  }

  end(): void {
    for (const line of this.pending.split(/\r\n|\r|\n/).filter((l, i, all) => l !== '' || i < all.length - 1))
      this.line(line);
    this.pending = '';
  }

  private line(raw: string): void {
    const trimmed = raw.trimStart();
    if (this.stopToken !== undefined) {
      if (trimmed === `::${this.stopToken}::`) this.stopToken = undefined;
      else this.emit(this.masker.mask(raw));
      return;
    }
    const command = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/.exec(trimmed);
    if (!command) {
      this.emit(this.masker.mask(raw));
      return;
    }
    const [, name, , rawMessage] = command as unknown as [string, string, string | undefined, string];
    const message = unescapeData(rawMessage);
    const refused = REFUSED_COMMANDS[name];
    if (refused) throw new RefusedCommand(`the deprecated ::${name}:: command is refused: ${refused}`);
    switch (name) {
      case 'add-mask':
        this.masker.add(message);
        return;
      case 'stop-commands':
        this.stopToken = message;
        return;
      case 'debug':
      case 'echo':
      case 'endgroup':
        return;
      case 'group':
        this.emit(this.masker.mask(`▸ ${message}`));
        return;
      case 'error':
      case 'warning':
      case 'notice':
        this.annotations.push({ level: name, message: this.masker.mask(message) });
        this.emit(this.masker.mask(`${name}: ${message}`));
        return;
      default:
        this.emit(this.masker.mask(raw));
    }
  }
}
