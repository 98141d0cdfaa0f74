/**
 * The files the bundle needs beside its code: the alembic driver (Python, run with the project's
 * interpreter) and PostgreSQL's parser compiled to WebAssembly. The bundler (ncc) copies each file
 * next to the bundle because of these literal paths, which it rewrites; it only recognises the
 * pattern written this plainly. The module is not re-exported by the core's index: the bundler
 * copies such files for every action that imports the module, used or not, so only the actions that
 * run alembic (migrate-dry-run, rollback) import it, through alembic-setup.ts.
 */
import { readFileSync, statSync } from 'node:fs';

/** The source of packages/core/src/migrate/alembic_driver.py. */
export function readAlembicDriverSource(): string {
  return readFileSync(new URL('./alembic_driver.py', import.meta.url), 'utf8');
}

/** Throws (ENOENT) when the parser's WebAssembly file is missing, clearer than the loader's own failure. */
export function checkParserWasm(): void {
  statSync(new URL('../../../../node_modules/libpg-query/wasm/libpg-query.wasm', import.meta.url));
}
