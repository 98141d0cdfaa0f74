/** Step 4, the database back to the previous revision, only after its SQL was checked. */
import type { RollbackStep } from './rollback-run.ts';

export const migrateDowngradeStep: RollbackStep = {
  name: 'migrate-downgrade',
  warningOnly: false,
  skipReason: ({ config }) => (config.downgrade ? undefined : 'migrate-downgrade is false'),
  async run({ config, deps, facts }) {
    if (!deps.downgradeDatabase) throw new Error('no alembic driver was given to run the downgrade');
    const downgrade = (facts.downgrade = await deps.downgradeDatabase(config.downgrade!));
    if (downgrade.decision !== 'ran') throw new Error(downgrade.problem ?? downgrade.decision);
    const note = downgrade.destructive ? ', destructive (allowed)' : '';
    return {
      detail: `${downgrade.from} -> ${downgrade.to} (${downgrade.statements} statement(s) checked${note})`
    };
  },
  whenFailed:
    'The database was NOT downgraded: read the downgrade SQL and findings below; if losing that data is acceptable, run again with allow-destructive-downgrade: true, otherwise keep the schema (expand/contract: the old version may run on it).'
};
