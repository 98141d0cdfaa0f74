/**
 * GitHub writes of the steps after the safety steps. When one fails (GitHub down, its time budget
 * spent), the step fails with what was written and what was not, so people know what to record by
 * hand.
 */
import { errorMessage } from '../../errors.ts';

/** One GitHub write of a step: what it records (said when it was not written) and the call. */
export interface GitHubWrite {
  what: string;
  /** Resolves to a note on what was written. */
  write: () => Promise<string>;
}

/** Runs the writes one after the other and returns their notes; throws notWritten on the first failure. */
export async function writeInOrder(writes: readonly GitHubWrite[]): Promise<string[]> {
  const notes: string[] = [];
  for (const [index, { write }] of writes.entries()) {
    try {
      notes.push(await write());
    } catch (error) {
      throw notWritten(
        notes,
        writes.slice(index).map((w) => w.what),
        error
      );
    }
  }
  return notes;
}

/** The error of a step whose writes stopped: what was written, then what was not and why. */
export function notWritten(written: readonly string[], missing: readonly string[], error: unknown): Error {
  return new Error([...written, `not written: ${missing.join(', ')} (${errorMessage(error)})`].join('; '));
}
