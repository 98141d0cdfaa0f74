/** This action's action.yml as data, so tests can check the schema and the outputs against it. */
import { readActionYml, runnerInputs as withDefaults } from '../../../action-tests/action-yml.ts';

export const actionYml = readActionYml('migrate-dry-run');

/** The inputs as the runner passes them: action.yml's defaults, overridden by what a workflow sets. */
export const runnerInputs = (given: Record<string, string>) => withDefaults(actionYml, given);
