/**
 * Small readers over the parser's token tree: mappings as entries with their key tokens, literal
 * values, and the refusal of keys the rehearsal does not run.
 */
import { isBasicExpression, isLiteral, isMapping, isSequence } from '@actions/workflow-parser';
import type {
  MappingToken,
  ScalarToken,
  SequenceToken,
  TemplateToken
} from '@actions/workflow-parser/templates/tokens/index';
import { refuse } from './errors.ts';

export interface Entry {
  key: string;
  keyToken: ScalarToken;
  value: TemplateToken;
}

export function asMapping(file: string, token: TemplateToken, what: string): MappingToken {
  if (!isMapping(token)) throw refuse(file, token, `${what} must be a mapping here`);
  return token;
}

export function asSequence(file: string, token: TemplateToken, what: string): SequenceToken {
  if (!isSequence(token)) throw refuse(file, token, `${what} must be a list here`);
  return token;
}

export function entries(mapping: MappingToken): Entry[] {
  return [...mapping].map((pair) => ({ key: pair.key.toString(), keyToken: pair.key, value: pair.value }));
}

/** The value of `key` in `mapping`, if present. */
export function child(mapping: MappingToken, key: string): TemplateToken | undefined {
  return mapping.find(key);
}

/** A literal (no `${{ }}`) as a string; refuses an expression where GitHub allows none. */
export function literalText(file: string, token: TemplateToken, what: string): string {
  if (isBasicExpression(token) || !isLiteral(token)) throw refuse(file, token, `${what} must be a literal`);
  return token.toString();
}

/**
 * Refuses the first key of `mapping` that is not in `supported`, naming what the rehearsal does
 * support, so an unsupported feature never passes silently.
 */
export function refuseUnknownKeys(
  file: string,
  mapping: MappingToken,
  supported: readonly string[],
  where: string
): void {
  for (const { key, keyToken } of entries(mapping)) {
    if (!supported.includes(key)) {
      throw refuse(
        file,
        keyToken,
        `the rehearsal does not support '${key}' in ${where} (it supports: ${supported.join(', ')})`
      );
    }
  }
}
