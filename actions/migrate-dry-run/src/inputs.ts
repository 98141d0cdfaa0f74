/**
 * The migrate-dry-run inputs: one zod schema whose keys are exactly the action.yml input names.
 * Defaults here equal action.yml's (a test checks), so local runs behave as on GitHub.
 */
import { z } from 'zod';
import {
  databaseUrlSecrets,
  duration,
  oneOf,
  postgresUrl,
  readInputs,
  splitList
} from '@deploy-actions/core/inputs';
import { type MigrateFailOn } from '@deploy-actions/core/migrate';
import { MIGRATION_RULES, isMigrationRuleId } from '@deploy-actions/core/sql';

/** A path or command: one line, no NUL. */
const pathLike = (what: string) =>
  z
    .string()
    .refine((value) => !value.includes('\n') && !value.includes('\0'), `${what} on one line`)
    .transform((value) => value.trim());

/** What alembic accepts as a revision: an id or prefix, head, heads, base, branch@head, head-1. */
const revision = z
  .string()
  .regex(/^[A-Za-z0-9_.@+-]{1,255}$/, 'a revision id (or a unique prefix), head, base or branch@head');

const pgVersion = z.string().transform((value, ctx) => {
  const match = /^(\d{1,2})(\.\d+)?$/.exec(value);
  const major = match ? Number(match[1]) : Number.NaN;
  if (!(major >= 10 && major <= 30)) {
    ctx.addIssue({ code: 'custom', message: 'a PostgreSQL major version from 10 to 30, such as 16' });
    return z.NEVER;
  }
  return major;
});

const ruleIds = (which: 'any' | 'opt-in') =>
  z.string().transform((value, ctx) => {
    const ids = splitList(value);
    const wrong = ids.filter((id) =>
      which === 'any' ? !isMigrationRuleId(id) : !MIGRATION_RULES.some((rule) => rule.id === id && rule.optIn)
    );
    if (wrong.length > 0) {
      const optIn = MIGRATION_RULES.filter((rule) => rule.optIn).map((rule) => rule.id);
      ctx.addIssue({
        code: 'custom',
        message:
          which === 'any'
            ? `rule ids from docs/migrate-rules.md (${wrong.join(', ')} ${wrong.length === 1 ? 'is' : 'are'} not one)`
            : `opt-in rule ids (${optIn.join(', ')}); ${wrong.join(', ')} ${wrong.length === 1 ? 'is' : 'are'} not one`
      });
      return z.NEVER;
    }
    return ids;
  });

const globs = z.string().transform((value, ctx) => {
  const patterns = splitList(value);
  if (patterns.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'one or more globs such as migrations/*.up.sql' });
    return z.NEVER;
  }
  return patterns;
});

const seedSql = z.string().transform((value, ctx): { file: string } | { sql: string } => {
  // One line ending in .sql names a file; anything else is the SQL itself.
  if (!value.includes('\n') && value.toLowerCase().endsWith('.sql') && !value.includes(';'))
    return { file: value };
  if (value.trim() === '') {
    ctx.addIssue({ code: 'custom', message: 'SQL, or the path of a .sql file' });
    return z.NEVER;
  }
  return { sql: value };
});

export const migrateDryRunSchema = z
  .object({
    'working-directory': pathLike('a directory').prefault('.'),
    'alembic-config': pathLike('a file name').prefault('alembic.ini'),
    python: pathLike('an interpreter').prefault('python3'),
    'from-revision': revision.optional(),
    'to-revision': revision.prefault('head'),
    'sql-files': globs.optional(),
    // No default: unset, the rules follow database-url's server (else 16).
    'pg-version': pgVersion.optional(),
    'database-url': postgresUrl('postgresql://user:password@host:5432/scratch').optional(),
    'seed-sql': seedSql.optional(),
    allow: ruleIds('any').optional(),
    'allow-file': pathLike('a file').optional(),
    'fail-on': oneOf(['error', 'warning', 'never'] as const).prefault('error'),
    'lock-timeout': duration({ min: 100, max: 600_000 }).prefault('5s'),
    'statement-timeout': duration({ min: 1_000, max: 6 * 3_600_000 }).prefault('5m'),
    include: ruleIds('opt-in').optional()
  })
  .superRefine((inputs, ctx) => {
    if (inputs['sql-files'] && inputs['from-revision'] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['from-revision'],
        message: 'nothing with sql-files: revisions are alembic ones (leave from-revision out, or sql-files)'
      });
    }
    if (inputs['sql-files'] && inputs['database-url'] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['database-url'],
        message: 'nothing with sql-files: the rehearsal needs alembic revisions with downgrades'
      });
    }
    if (inputs['seed-sql'] !== undefined && inputs['database-url'] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['seed-sql'],
        message: 'nothing without database-url: seed data is only loaded for the rehearsal'
      });
    }
  });

export type MigrateDryRunInputs = z.output<typeof migrateDryRunSchema>;
export type { MigrateFailOn };

/** Reads and validates every input, masking database-url first. */
export function readMigrateDryRunInputs(
  getInput: (name: string) => string,
  setSecret: (value: string) => void
): MigrateDryRunInputs {
  return readInputs(migrateDryRunSchema, getInput, {
    setSecret,
    secrets: { 'database-url': databaseUrlSecrets }
  });
}
