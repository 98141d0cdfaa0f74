/**
 * The one alembic setup of the actions that run alembic (migrate-dry-run, rollback): the driver
 * written to a private temporary folder and run with the project's Python, the client over it, and
 * PostgreSQL's parser checked before it is loaded. It has its own entry
 * (`@deploy-actions/core/alembic-setup`) because it reads the bundled files of assets.ts, which the
 * bundler copies for every action that imports them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.ts';
import { loadPgParser, type PgParser } from '../sql/parser.ts';
import { AlembicClient, type DriverTransport } from './alembic.ts';
import { checkParserWasm, readAlembicDriverSource } from './assets.ts';
import { PythonDriverTransport } from './python-transport.ts';

export interface AlembicSetup {
  /** The interpreter that has alembic (the `python` input). */
  python: string;
  /** Absolute: where alembic runs (the `working-directory` input, checked). */
  workingDirectory: string;
  /** alembic.ini, absolute or relative to workingDirectory (the `alembic-config` input, checked). */
  config: string;
  /** Under it a private folder holds the driver and its request and result files. */
  tempRoot: string;
  logger: Logger;
  /** Replaces the Python driver (tests of the entries). */
  transport?: DriverTransport;
}

/** An alembic client for the project; `close` removes the driver's folder. Starts nothing yet. */
export function openAlembicClient(setup: AlembicSetup): { client: AlembicClient; close: () => void } {
  const tempDir = mkdtempSync(path.join(setup.tempRoot, 'alembic-driver-'));
  const transport =
    setup.transport ??
    new PythonDriverTransport({
      python: setup.python,
      driverSource: readAlembicDriverSource(),
      cwd: setup.workingDirectory,
      tempDir,
      logger: setup.logger
    });
  return {
    client: new AlembicClient(transport, { config: setup.config }),
    close: () => rmSync(tempDir, { recursive: true, force: true })
  };
}

/** PostgreSQL's parser, after checking its WebAssembly file is beside the bundle. */
export function loadBundledPgParser(): Promise<PgParser> {
  checkParserWasm();
  return loadPgParser();
}
