/**
 * Splits a command line into arguments the way a POSIX shell reads words, and nothing more: single
 * quotes keep everything literally, double quotes keep spaces (backslash escapes `"`, `\`, `$` and
 * `` ` `` inside them), a backslash outside quotes escapes the next character. There is no
 * expansion of variables, globs, `~`, pipes or redirections: a command that needs a shell says so
 * itself (`sh -c '…'`). Returns undefined for an unclosed quote or a trailing backslash.
 */
export function splitCommandLine(text: string): string[] | undefined {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else current += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) current += text[++i];
      else current += char;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      inWord = true;
    } else if (char === '\\') {
      if (i + 1 >= text.length) return undefined;
      const next = text[++i]!;
      // A backslash before a new line continues the line, as in a shell.
      if (next !== '\n') current += next;
      inWord = inWord || next !== '\n';
    } else if (/\s/.test(char)) {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += char;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(current);
  return words;
}

/** An argument list as a person would type it, quoting what needs it (for logs and messages). */
export function formatCommandLine(argv: readonly string[]): string {
  return argv
    .map((arg) => (arg === '' || /[^\w@%+=:,./{}-]/.test(arg) ? `'${arg.replace(/'/g, `'\\''`)}'` : arg))
    .join(' ');
}
