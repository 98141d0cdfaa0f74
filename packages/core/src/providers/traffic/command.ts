import { describeExecResult, succeeded, type Exec } from '../../exec/exec.ts';
import { formatCommandLine } from '../../exec/command-line.ts';
import type { Logger } from '../../logger.ts';
import type { CommandRouterSpec } from './spec.ts';
import { TrafficRouterError, type TrafficRouter } from './router.ts';

export interface CommandRouterDeps {
  exec: Exec;
  logger?: Logger;
}

/** The arguments for one weight: `{weight}` replaced in every argument. */
export function commandForWeight(command: readonly string[], weight: number): string[] {
  return command.map((arg) => arg.replace(/\{weight\}/g, String(weight)));
}

/**
 * The command router: runs the user's command with `{weight}` replaced and CANARY_WEIGHT set,
 * directly (no shell unless the command is one), with a time limit; anything but exit status 0 in
 * time is a failure. It cannot verify the weight, so verifyWeight answers undefined.
 */
export function createCommandRouter(spec: CommandRouterSpec, deps: CommandRouterDeps): TrafficRouter {
  const router: TrafficRouter = {
    type: 'command',
    target: `command \`${formatCommandLine(spec.command)}\``,
    async setWeight(weight) {
      const argv = commandForWeight(spec.command, weight);
      const result = await deps.exec.run(argv, {
        env: { CANARY_WEIGHT: String(weight) },
        timeoutMs: spec.timeoutMs
      });
      if (!succeeded(result)) {
        throw new TrafficRouterError(
          `set-weight-command failed for weight ${weight}: ${describeExecResult(argv, result)}`,
          undefined
        );
      }
      const said = result.stdout.trim();
      deps.logger?.info(
        `set-weight-command: canary weight ${weight}%${said ? ` (${said.split('\n').slice(-1)[0]})` : ''}`
      );
    },
    verifyWeight: async () => undefined,
    reset: () => router.setWeight(0)
  };
  return router;
}
