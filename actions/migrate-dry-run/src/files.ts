/** The files migrate-dry-run reads and writes: .sql migrations, the allow file, seed SQL, the sql-file. */
import { createReadStream, readFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { existingFile, inputError } from '@deploy-actions/core/inputs';
import { type SqlFileSink } from '@deploy-actions/core/migrate';

/**
 * The files the globs match under `directory`, in name order (the order numbered migrations run
 * in). Names sort by code point, so `0002_x` comes before `0010_x` and before `1.up.sql` as well.
 */
export async function matchSqlFiles(patterns: string[], directory: string): Promise<string[]> {
  const files = await glob(patterns, { cwd: directory, absolute: true, onlyFiles: true, dot: false });
  const unique = [...new Set(files.map((file) => path.resolve(file)))];
  if (unique.length === 0) {
    throw inputError(
      'sql-files',
      patterns.join(', '),
      `globs that match .sql files under ${directory} (none matched)`
    );
  }
  return unique.sort((a, b) => {
    const x = path.relative(directory, a);
    const y = path.relative(directory, b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** A file read in 64 KiB chunks, so a large migration never sits in memory whole. */
export function readChunks(file: string): AsyncIterable<Uint8Array> {
  return createReadStream(file, { highWaterMark: 64 * 1024 });
}

/** A text file read whole (allow-file, seed-sql), with the input named when it is missing. */
export function readTextFile(input: string, given: string, base: string): { file: string; text: string } {
  const file = existingFile(input, given, base);
  return { file, text: readFileSync(file, 'utf8') };
}

/** The sql-file output, written as the analysis goes. */
export async function openSqlFile(file: string): Promise<SqlFileSink> {
  const handle: FileHandle = await open(file, 'w');
  let closed = false;
  return {
    path: file,
    async write(text) {
      await handle.write(text);
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    }
  };
}
