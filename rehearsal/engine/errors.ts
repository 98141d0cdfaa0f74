/**
 * The one error a rehearsal stops on: something it cannot run as GitHub would (a parser error, an
 * unknown expression function or context, a key it does not support, a missing stand-in). The
 * message starts with `file:line:column` so the user can go straight to it. Anything else that
 * goes wrong inside a step only fails that step, as on GitHub.
 */
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/index';

export class RehearsalError extends Error {
  override readonly name = 'RehearsalError';
}

/** Where a token sits: `file:line:column` (file relative to the repository root). */
export interface Location {
  file: string;
  line: number;
  column: number;
}

export function locate(file: string, token: TemplateToken | undefined): Location {
  return { file, line: token?.line ?? 1, column: token?.col ?? 1 };
}

export function formatLocation(at: Location): string {
  return `${at.file}:${at.line}:${at.column}`;
}

/** A RehearsalError whose message starts with the token's `file:line:column`. */
export function refuse(file: string, token: TemplateToken | undefined, message: string): RehearsalError {
  return new RehearsalError(`${formatLocation(locate(file, token))}: ${message}`);
}

/**
 * The message of anything thrown. (packages/core has the same helper, but its errors.ts uses
 * TypeScript syntax that Node's type stripping cannot run, and the rehearsal runs that way.)
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
