/**
 * Inputs that name files and directories, checked before anything is run: a missing path is a
 * ConfigurationError naming the input and the path it resolved to.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../errors.ts';

/** A ConfigurationError for one input. */
export function inputError(input: string, shownValue: string, expected: string): ConfigurationError {
  return new ConfigurationError(`${input}: ${expected}`, [
    { input, shownValue: JSON.stringify(shownValue), expected }
  ]);
}

/** The directory, which must exist. */
export function existingDirectory(input: string, given: string, base: string): string {
  const directory = path.resolve(base, given);
  if (!existsSync(directory) || !statSync(directory).isDirectory()) {
    throw inputError(input, given, `an existing directory (${directory} is not one)`);
  }
  return directory;
}

/** The file, which must exist. */
export function existingFile(input: string, given: string, base: string): string {
  const file = path.resolve(base, given);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw inputError(input, given, `an existing file (${file} is not one)`);
  }
  return file;
}

/**
 * The directories an action reads files from when an input names them: the workspace and the
 * runner's temporary directory (`GITHUB_WORKSPACE`, `RUNNER_TEMP`), or `cwd` outside a runner.
 * A report glob or a file input is refused outside them: `trivy-reports: /etc/passwd` must not
 * read the runner's files into an error message.
 */
export function readableRoots(env: Record<string, string | undefined>, cwd: string): string[] {
  const roots = [env.GITHUB_WORKSPACE, env.RUNNER_TEMP].filter((root): root is string => !!root);
  // Real paths, as the files read are compared by theirs (a temporary directory may be a link).
  return (roots.length > 0 ? roots : [cwd]).map((root) =>
    existsSync(root) ? realpathSync(root) : path.resolve(root)
  );
}

/** Whether `file` (absolute) is one of `roots` or inside one. */
export function isInsideRoots(file: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const relative = path.relative(root, file);
    return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
  });
}

/** What the roots are called in messages. */
export function describeRoots(roots: readonly string[]): string {
  return roots.length === 1 ? roots[0]! : `${roots.slice(0, -1).join(', ')} or ${roots.at(-1)}`;
}

const GLOB_MAGIC = /[*?[\]{}()!+@]/;

/**
 * Why a glob could match files outside `roots` (undefined when it cannot): its fixed part (the
 * segments before the first wildcard) resolved against `cwd` must be inside them, and no `..`
 * may follow a wildcard.
 */
export function globOutsideRoots(pattern: string, cwd: string, roots: readonly string[]): string | undefined {
  const segments = pattern.split(/[\\/]/);
  const firstMagic = segments.findIndex((segment) => GLOB_MAGIC.test(segment));
  const fixed = firstMagic < 0 ? segments : segments.slice(0, firstMagic);
  if (firstMagic >= 0 && segments.slice(firstMagic).includes('..')) {
    return '`..` after a wildcard can leave the workspace';
  }
  const base = path.resolve(cwd, fixed.join('/') || '.');
  return isInsideRoots(base, roots) ? undefined : `${base} is outside ${describeRoots(roots)}`;
}
