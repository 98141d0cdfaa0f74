/**
 * Scanner reports on disk: globs resolved with tinyglobby under one directory (the workspace),
 * files read as UTF-8 only when they really are inside the readable roots (a link in the
 * workspace to /etc/passwd is refused). Both modules load on first use: a run with no report
 * globs skips them.
 */
import { describeRoots, isInsideRoots } from '../inputs/paths.ts';
import type { ReportFileAccess } from './security.ts';

/**
 * File access for the security check, rooted at `cwd`; paths come back relative to it, sorted.
 * A file whose real path (links followed) is outside `roots` is not read.
 */
export function createReportFileAccess(cwd: string, roots: readonly string[] = [cwd]): ReportFileAccess {
  return {
    async glob(pattern) {
      const { glob } = await import('tinyglobby');
      const files = await glob(pattern, { cwd, onlyFiles: true, dot: true, expandDirectories: false });
      return files.sort();
    },
    async readFile(file) {
      const { readFile, realpath } = await import('node:fs/promises');
      const { resolve } = await import('node:path');
      const real = await realpath(resolve(cwd, file));
      if (!isInsideRoots(real, roots)) {
        throw new Error(`${file} is outside ${describeRoots(roots)}; it was not read`);
      }
      return readFile(real, 'utf8');
    }
  };
}
