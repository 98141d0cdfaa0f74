/**
 * Programs whose output is the step's own log, on `@actions/exec`: the action relaunching itself,
 * whose lines (runner commands included) are what the action would have printed. They run in the
 * step's process group and for as long as the step, so they need no time limit of their own and
 * none of the process-group handling of createExec.
 */
import { exec } from '@actions/exec';

/** `@actions/exec` splits its command line on spaces; quoted, a path with spaces stays one word. */
const quoted = (program: string) => `"${program.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * Runs `program` with `args` and this process's environment (it is the action itself: it needs
 * its inputs), copying its stdout and stderr to this process's unchanged
 * (no `[command]` echo line). Resolves with its exit status (1 when a signal ended it); rejects
 * when it cannot be started.
 */
export async function runWithOwnOutput(program: string, args: readonly string[]): Promise<number> {
  const status = await exec(quoted(program), [...args], {
    silent: true,
    ignoreReturnCode: true,
    listeners: {
      stdout: (data) => process.stdout.write(data),
      stderr: (data) => process.stderr.write(data)
    }
  });
  // @actions/exec passes on the null status of a program a signal ended.
  return status ?? 1;
}
