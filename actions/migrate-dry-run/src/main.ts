/**
 * migrate-dry-run: read inputs, check the paths they name, build the dependencies (the project's
 * Python running the alembic driver, files, the parser), run the core, write outputs, annotations
 * and the summary. Every decision lives in the core library.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runAction, type ActionContext } from '@deploy-actions/core/action';
import { systemClock, type Clock } from '@deploy-actions/core/clock';
import { VerdictFailure } from '@deploy-actions/core/errors';
import { existingDirectory, existingFile, inputError } from '@deploy-actions/core/inputs';
import {
  migrateAnnotations,
  migrateFindingsOutput,
  parseAllowFile,
  renderMigrateSummary,
  runMigrateDryRun,
  type DriverTransport,
  type MigrateDryRunConfig,
  type MigrateDryRunResult
} from '@deploy-actions/core/migrate';
import { matchSqlFiles, openSqlFile, readChunks, readTextFile } from './files.ts';
import { readMigrateDryRunInputs, type MigrateDryRunInputs } from './inputs.ts';
import { loadBundledPgParser, openAlembicClient } from '@deploy-actions/core/alembic-setup';

export interface MigrateDryRunDependencies {
  /** Replaces the Python driver (tests of the entry). */
  transport?: DriverTransport;
  clock?: Clock;
  /** The environment (GITHUB_WORKSPACE, RUNNER_TEMP); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where relative paths start; default process.cwd() (the runner starts actions in the workspace). */
  cwd?: string;
}

/** Checks the paths the inputs name and builds the core's configuration; nothing is run yet. */
export async function toMigrateConfig(
  inputs: MigrateDryRunInputs,
  where: { cwd: string; repositoryRoot: string }
): Promise<MigrateDryRunConfig> {
  const workingDirectory = existingDirectory('working-directory', inputs['working-directory'], where.cwd);
  const mode = inputs['sql-files'] ? 'sql-files' : 'alembic';
  if (mode === 'alembic') existingFile('alembic-config', inputs['alembic-config'], workingDirectory);
  const sqlFiles = inputs['sql-files'] ? await matchSqlFiles(inputs['sql-files'], workingDirectory) : [];

  let allowEntries: MigrateDryRunConfig['allowEntries'] = [];
  let allowFile: string | undefined;
  if (inputs['allow-file'] !== undefined) {
    const { file, text } = readTextFile('allow-file', inputs['allow-file'], workingDirectory);
    const parsed = parseAllowFile(text);
    if (parsed.problems.length > 0) {
      throw inputError(
        'allow-file',
        inputs['allow-file'],
        `a YAML list of {revision, rule, reason} entries (${parsed.problems.join('; ')})`
      );
    }
    allowEntries = parsed.entries;
    allowFile = path.relative(where.repositoryRoot, file).split(path.sep).join('/');
  }

  let seedSql: string | undefined;
  const seed = inputs['seed-sql'];
  if (seed !== undefined) {
    seedSql = 'file' in seed ? readTextFile('seed-sql', seed.file, workingDirectory).text : seed.sql;
  }

  return {
    mode,
    workingDirectory,
    repositoryRoot: where.repositoryRoot,
    alembicConfig: inputs['alembic-config'],
    python: inputs.python,
    ...(inputs['from-revision'] !== undefined ? { fromRevision: inputs['from-revision'] } : {}),
    toRevision: inputs['to-revision'],
    sqlFiles,
    ...(inputs['pg-version'] !== undefined ? { pgVersion: inputs['pg-version'] } : {}),
    include: inputs.include ?? [],
    ...(inputs['database-url'] !== undefined ? { databaseUrl: inputs['database-url'] } : {}),
    ...(seedSql !== undefined ? { seedSql } : {}),
    allow: inputs.allow ?? [],
    allowEntries,
    ...(allowFile !== undefined ? { allowFile } : {}),
    failOn: inputs['fail-on'],
    lockTimeoutMs: inputs['lock-timeout'],
    statementTimeoutMs: inputs['statement-timeout']
  };
}

/** Sets every output of the contract. */
export function writeMigrateOutputs(context: ActionContext, result: MigrateDryRunResult): void {
  context.setOutput('destructive', result.report.destructive);
  context.setOutput('findings', migrateFindingsOutput(result.findings));
  context.setOutput('sql-file', result.report.sqlFile);
  context.setOutput('roundtrip', result.report.roundtrip.status);
  context.setOutput('report', JSON.stringify(result.report));
}

export async function runWith(context: ActionContext, deps: MigrateDryRunDependencies = {}): Promise<void> {
  const env = deps.env ?? process.env;
  const cwd = deps.cwd ?? process.cwd();
  const inputs = readMigrateDryRunInputs(
    (name) => context.getInput(name),
    (value) => context.setSecret(value)
  );
  const repositoryRoot = path.resolve(cwd, env.GITHUB_WORKSPACE ?? cwd);
  const config = await toMigrateConfig(inputs, { cwd, repositoryRoot });

  const outputDirectory = mkdtempSync(path.join(env.RUNNER_TEMP ?? os.tmpdir(), 'migrate-dry-run-'));
  const sqlFile = await openSqlFile(path.join(outputDirectory, 'migrations.sql'));
  const alembic =
    config.mode === 'alembic'
      ? openAlembicClient({
          python: inputs.python,
          workingDirectory: config.workingDirectory,
          config: existingFile('alembic-config', inputs['alembic-config'], config.workingDirectory),
          tempRoot: outputDirectory,
          logger: context.logger,
          ...(deps.transport ? { transport: deps.transport } : {})
        })
      : undefined;
  let result: MigrateDryRunResult;
  try {
    result = await runMigrateDryRun(config, {
      ...(alembic ? { alembic: alembic.client } : {}),
      loadParser: loadBundledPgParser,
      readFile: readChunks,
      sqlFile,
      logger: context.logger,
      clock: deps.clock ?? systemClock
    });
  } finally {
    await sqlFile.close();
    alembic?.close();
  }

  writeMigrateOutputs(context, result);
  for (const annotation of migrateAnnotations(result.findings)) {
    context.annotate(annotation.level, annotation.message, annotation.properties);
  }
  await context.writeSummary(renderMigrateSummary(result.report, result.findings, result.sql));
  context.logger.info(`migrate-dry-run ${result.report.headline}. Offline SQL: ${result.report.sqlFile}`);
  if (result.report.verdict === 'fail') {
    const worst = result.findings
      .filter(
        (finding) =>
          finding.severity === 'error' || (config.failOn === 'warning' && finding.severity === 'warning')
      )
      .slice(0, 3)
      .map((finding) => `${finding.rule} in ${finding.revision} (${finding.file}:${finding.line})`);
    throw new VerdictFailure(`migrate-dry-run ${result.report.headline}: ${worst.join('; ')}`);
  }
}

/**
 * The entry, with no arguments as `@github/local-action` calls it: the runner's context and the
 * real dependencies. Tests call runWith with their own.
 */
export async function run(): Promise<void> {
  await runAction('migrate-dry-run', (context) => runWith(context));
}
