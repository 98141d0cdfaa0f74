/**
 * CODEOWNERS as GitHub reads it: one `pattern owner…` rule a line, gitignore-style patterns, the
 * last matching rule wins, and a rule without owners leaves its files unowned. Pure.
 */
import picomatch from 'picomatch';

export interface CodeownersRule {
  pattern: string;
  owners: string[];
  matches: (file: string) => boolean;
}

/** Where GitHub looks for the file, in its order. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

/**
 * A gitignore-style pattern as globs: anchored when it starts with or holds a `/`, else matched at
 * any depth; a directory (or any match) also owns everything below it.
 */
function toMatcher(pattern: string): (file: string) => boolean {
  let glob = pattern;
  const anchored = glob.startsWith('/') || glob.slice(0, -1).includes('/');
  glob = glob.replace(/^\//, '');
  if (glob.endsWith('/')) glob = `${glob}**`;
  if (!anchored) glob = `**/${glob}`;
  const options = { dot: true };
  const self = picomatch(glob, options);
  const below = picomatch(`${glob}/**`, options);
  return (file) => self(file) || below(file);
}

/** The rules of a CODEOWNERS file; comments, blank lines and email owners are left out. */
export function parseCodeowners(text: string): CodeownersRule[] {
  const rules: CodeownersRule[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const [pattern, ...owners] = line.split(/\s+/);
    rules.push({
      pattern: pattern!,
      owners: owners.filter((owner) => owner.startsWith('@')),
      matches: toMatcher(pattern!)
    });
  }
  return rules;
}

/** The owners of the changed files (each file's last matching rule), in first-seen order. */
export function ownersOf(rules: readonly CodeownersRule[], files: readonly string[]): string[] {
  const owners = new Set<string>();
  for (const file of files) {
    const rule = rules.findLast((r) => r.matches(file));
    for (const owner of rule?.owners ?? []) owners.add(owner);
  }
  return [...owners];
}
