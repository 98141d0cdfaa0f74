/** action.yml as data, so tests can check the schema and the outputs against it. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

export const actionYml = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as ActionYml;

/** The inputs as the runner passes them: action.yml's defaults, overridden by what a workflow sets. */
export function runnerInputs(given: Record<string, string>): Record<string, string> {
  const defaults = Object.fromEntries(
    Object.entries(actionYml.inputs).flatMap(([name, input]) =>
      input.default !== undefined ? [[name, String(input.default)]] : []
    )
  );
  return { ...defaults, ...given };
}
