/**
 * action.yml as data, for the unit tests of each action (schema and outputs against it) and for
 * runAction (defaults applied as the runner applies them).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const actionsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'actions');

export interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

/** actions/<action>/action.yml, parsed. */
export function readActionYml(action: string): ActionYml {
  return parse(readFileSync(path.join(actionsDir, action, 'action.yml'), 'utf8')) as ActionYml;
}

/** The inputs as the runner passes them: action.yml's defaults, overridden by what a workflow sets. */
export function runnerInputs(actionYml: ActionYml, given: Record<string, string>): Record<string, string> {
  const defaults = Object.fromEntries(
    Object.entries(actionYml.inputs ?? {}).flatMap(([name, input]) =>
      input.default !== undefined ? [[name, String(input.default)]] : []
    )
  );
  return { ...defaults, ...given };
}
