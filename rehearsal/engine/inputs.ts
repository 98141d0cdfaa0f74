/**
 * Inputs of a `workflow_dispatch` or `workflow_call` trigger, checked as GitHub checks them: an
 * undeclared input is refused, a required one without a value or default is refused, `choice`
 * values must be among the options, booleans must be true or false, numbers numbers. Values get
 * their declared type in the `inputs` context; unset inputs get the type's empty value.
 */
import { isMapping } from '@actions/workflow-parser';
import type { MappingToken, TemplateToken } from '@actions/workflow-parser/templates/tokens/index';
import { refuse } from './errors.ts';
import { asText, evaluateToken, type Scope } from './expressions.ts';
import { asMapping, entries } from './tokens.ts';

export type InputValue = string | boolean | number;

interface Definition {
  type?: string;
  required?: boolean;
  default?: unknown;
  options?: unknown[];
}

function typed(
  file: string,
  token: TemplateToken,
  name: string,
  definition: Definition,
  value: unknown
): InputValue {
  switch (definition.type ?? 'string') {
    case 'boolean':
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      throw refuse(file, token, `input ${name} is a boolean: expected true or false, got '${asText(value)}'`);
    case 'number': {
      const number = typeof value === 'number' ? value : Number(asText(value));
      if (asText(value).trim() === '' || !Number.isFinite(number)) {
        throw refuse(file, token, `input ${name} is a number: got '${asText(value)}'`);
      }
      return number;
    }
    case 'choice': {
      const options = (definition.options ?? []).map(asText);
      if (!options.includes(asText(value))) {
        throw refuse(
          file,
          token,
          `input ${name} must be one of ${options.join(', ')}: got '${asText(value)}'`
        );
      }
      return asText(value);
    }
    case 'string':
    case 'environment':
      return asText(value);
    default:
      throw refuse(
        file,
        token,
        `input ${name} has type '${definition.type}', which the rehearsal does not know`
      );
  }
}

const EMPTY: Record<string, InputValue> = { boolean: false, number: 0 };

/**
 * The `inputs` context from `definitions` (the trigger's `inputs:` mapping in `ownerFile`) and
 * the given values; refusals point into `file`. `givenAt` locates a given value (a `with:` key) for refusals; values given from the
 * command line or a test are refused at the definitions.
 */
export function resolveInputs(
  file: string,
  ownerFile: string,
  definitionsToken: TemplateToken | undefined,
  given: Record<string, unknown>,
  givenAt: Record<string, TemplateToken>,
  defaultsScope: Scope,
  at: TemplateToken
): Record<string, InputValue> {
  const definitions = new Map<string, { token: MappingToken | undefined; definition: Definition }>();
  if (definitionsToken) {
    for (const entry of entries(asMapping(file, definitionsToken, 'inputs'))) {
      const mapping = isMapping(entry.value) ? entry.value : undefined;
      const definition = (mapping ? evaluateToken(mapping, defaultsScope) : {}) as Definition;
      definitions.set(entry.key, { token: mapping, definition });
    }
  }
  const values: Record<string, InputValue> = {};
  for (const [name, value] of Object.entries(given)) {
    const declared = definitions.get(name);
    if (!declared) {
      throw refuse(
        file,
        givenAt[name] ?? definitionsToken ?? at,
        `'${name}' is not an input of ${ownerFile} (inputs: ${[...definitions.keys()].join(', ') || 'none'})`
      );
    }
    values[name] = typed(file, givenAt[name] ?? declared.token ?? at, name, declared.definition, value);
  }
  for (const [name, { token, definition }] of definitions) {
    if (name in values) continue;
    if (definition.default !== undefined && definition.default !== null) {
      values[name] = typed(file, token ?? at, name, definition, definition.default);
    } else if (definition.required) {
      throw refuse(file, givenAt[name] ?? at, `input ${name} of ${ownerFile} is required and was not given`);
    } else {
      values[name] = EMPTY[definition.type ?? 'string'] ?? '';
    }
  }
  return values;
}
