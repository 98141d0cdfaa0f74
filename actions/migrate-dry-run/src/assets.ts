/**
 * The files the bundle needs beside its code: the alembic driver (Python, run with the project's
 * interpreter) and PostgreSQL's parser compiled to WebAssembly. The bundler (ncc) copies each file
 * next to the bundle because of these literal paths, which it rewrites; it only recognises the
 * pattern written this plainly. They live here, in the action, and not in the core library: the
 * bundler copies such files for every action that imports the module, used or not.
 */
import { readFileSync, statSync } from 'node:fs';

/** The source of packages/core/src/migrate/alembic_driver.py. */
export function readAlembicDriverSource(): string {
  return readFileSync(
    new URL('../../../packages/core/src/migrate/alembic_driver.py', import.meta.url),
    'utf8'
  );
}

/** Throws (ENOENT) when the parser's WebAssembly file is missing, clearer than the loader's own failure. */
export function checkParserWasm(): void {
  statSync(new URL('../../../node_modules/libpg-query/wasm/libpg-query.wasm', import.meta.url));
}
