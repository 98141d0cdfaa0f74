/**
 * Runs the action in a child Node process started with V8 flags, when this process was not.
 *
 * Why: V8 re-compiles the hot functions of PostgreSQL's parser (1.7 MB of WebAssembly) with its
 * optimising compiler, which costs about 550 MB of memory at once and more time than it saves on a
 * migration's worth of SQL; `--liftoff-only` keeps WebAssembly on the baseline compiler (1 MB of
 * SQL: 0.97 s and 680 MB peak without, 0.86 s and 126 MB with). A small young generation with an
 * explicit old-generation limit keeps the heap from growing with the size of the file, although
 * what stays alive does not (5 MB of SQL: 156 MB peak without, 137 MB with; 20 MB: 254 MB without,
 * 136 MB with). The live heap is bounded (at most 10,000 tables in the catalog, 20,000 findings in
 * detail), far below the limit. The flags must be on the command line (V8 freezes its flags once
 * started), and the runner starts actions as `node index.js`.
 */
import { runWithOwnOutput } from '@deploy-actions/core/exec';

export const V8_FLAGS = ['--liftoff-only', '--max-semi-space-size=2', '--max-old-space-size=512'];

/**
 * True when the action ran in a child (its exit status is this process's); false when this
 * process already has the flags, or a child could not be started (then it runs here, unflagged).
 */
export async function relaunchWithV8Flags(flags: readonly string[] = V8_FLAGS): Promise<boolean> {
  const script = process.argv[1];
  if (!script || flags.every((flag) => process.execArgv.includes(flag))) return false;
  try {
    process.exitCode = await runWithOwnOutput(process.execPath, [
      ...process.execArgv,
      ...flags,
      script,
      ...process.argv.slice(2)
    ]);
    return true;
  } catch {
    return false;
  }
}
