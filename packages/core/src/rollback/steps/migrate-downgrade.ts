/** Step 4, the database back to the restored release's revision, only after its SQL was checked. */
import type { RollbackStep } from './rollback-run.ts';

export const migrateDowngradeStep: RollbackStep = {
  name: 'migrate-downgrade',
  warningOnly: false,
  skipReason: ({ config }) => (config.downgrade ? undefined : 'migrate-downgrade is false'),
  async run({ config, deps, facts }) {
    if (!deps.downgradeDatabase) throw new Error('no alembic driver was given to run the downgrade');
    const downgrade = (facts.downgrade = await deps.downgradeDatabase(config.downgrade!, {
      target: facts.target,
      environment: config.environment
    }));
    if (downgrade.decision !== 'ran') throw new Error(downgrade.problem ?? downgrade.decision);
    const note = downgrade.destructive ? ', destructive (allowed)' : '';
    return {
      detail: `${downgrade.from} -> ${downgrade.to} (${downgrade.revisions.length} revision(s), ${downgrade.statements} statement(s) checked${note})`
    };
  },
  whenFailed:
    'The database step failed: read its problem, findings and SQL below. If it was refused as destructive, keep the schema (expand/contract: the old version may run on it) or run again with allow-destructive-downgrade: true and a backup-command; if it ran but lost rows in a table it keeps, restore them from the backup.'
};
