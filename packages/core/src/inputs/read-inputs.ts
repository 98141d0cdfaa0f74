import type { z } from 'zod';
import { ConfigurationError, type InputProblem } from '../errors.ts';

/** How a secret input's raw value yields the strings to mask (the whole value unless given). */
export type SecretExtractor = 'whole' | ((raw: string) => string[]);

export interface ReadInputsOptions {
  /** Inputs whose values are secret, masked before parsing so no error message can show them. */
  secrets?: Record<string, SecretExtractor>;
  /** Registers a value with the runner's log masking (`core.setSecret`). */
  setSecret: (value: string) => void;
}

const SHOWN_VALUE_LIMIT = 80;

/**
 * Reads every key of `schema` as an action input, masks the secret ones, maps `''` to `undefined`
 * (so schema defaults apply), and parses once. All invalid inputs are reported together in one
 * ConfigurationError, each with its name, its value (`***` when secret) and what was expected.
 */
export function readInputs<Schema extends z.ZodObject>(
  schema: Schema,
  getInput: (name: string) => string,
  options: ReadInputsOptions
): z.output<Schema> {
  const raw: Record<string, string | undefined> = {};
  const secrets = options.secrets ?? {};
  const secretValues: string[] = [];
  for (const name of Object.keys(schema.shape)) {
    const value = getInput(name).trim();
    raw[name] = value === '' ? undefined : value;
    const extractor = secrets[name];
    if (value !== '' && extractor) {
      for (const secret of extractor === 'whole' ? [value] : extractor(value)) {
        options.setSecret(secret);
        secretValues.push(secret);
      }
    }
  }

  const result = schema.safeParse(raw);
  if (result.success) return result.data;

  const problems: InputProblem[] = [];
  const seen = new Set<string>();
  for (const issue of result.error.issues) {
    const input = String(issue.path[0] ?? '(inputs)');
    if (seen.has(input)) continue;
    seen.add(input);
    const value = raw[input];
    problems.push({
      input,
      shownValue: showValue(value, secretValues),
      expected:
        value === undefined && issue.code === 'invalid_type'
          ? 'a value (this input is required)'
          : issue.message
    });
  }
  const lines = problems.map(formatProblem);
  throw new ConfigurationError(
    problems.length === 1 ? lines[0]! : `${problems.length} inputs are invalid:\n${lines.join('\n')}`,
    problems
  );
}

/** `Input `interval`: got "abc"; expected a duration ...` */
export function formatProblem(problem: InputProblem): string {
  return `Input \`${problem.input}\`: got ${problem.shownValue}; expected ${problem.expected}`;
}

function showValue(value: string | undefined, secrets: readonly string[]): string {
  if (value === undefined) return 'nothing';
  // Longest first, so a secret that contains another is masked whole (as the Redactor does).
  const masked = [...secrets]
    .sort((a, b) => b.length - a.length)
    .reduce((text, secret) => text.split(secret).join('***'), value);
  const oneLine = masked.replace(/\n/g, '\\n');
  return JSON.stringify(
    oneLine.length > SHOWN_VALUE_LIMIT ? `${oneLine.slice(0, SHOWN_VALUE_LIMIT)}…` : oneLine
  );
}
