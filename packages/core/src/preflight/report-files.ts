/**
 * Scanner reports on disk: globs resolved with tinyglobby under one directory (the workspace),
 * files read as UTF-8. Both modules load on first use: a run with no report globs skips them.
 */
import type { ReportFileAccess } from './security.ts';

/** File access for the security check, rooted at `cwd`; paths come back relative to it, sorted. */
export function createReportFileAccess(cwd: string): ReportFileAccess {
  return {
    async glob(pattern) {
      const { glob } = await import('tinyglobby');
      const files = await glob(pattern, { cwd, onlyFiles: true, dot: true, expandDirectories: false });
      return files.sort();
    },
    async readFile(file) {
      const { readFile } = await import('node:fs/promises');
      const { resolve } = await import('node:path');
      return readFile(resolve(cwd, file), 'utf8');
    }
  };
}
