/** The command router: runs the user's command to set a weight, for any load balancer. */
import { z } from 'zod';
import { describeExecResult, succeeded } from '../../exec/exec.ts';
import { formatCommandLine } from '../../exec/command-line.ts';
import { commandLineArgs } from './fragments.ts';
import {
  TrafficRouterError,
  defineTrafficRouter,
  type TrafficRouter,
  type TrafficRouterDeps
} from './router.ts';

export const commandRouterSpecSchema = z.object({
  type: z.literal('command'),
  /** Argument list; `{weight}` in any argument is replaced, and CANARY_WEIGHT is set. */
  command: z.array(z.string()).min(1),
  timeoutMs: z.number().int().positive()
});

export type CommandRouterSpec = z.output<typeof commandRouterSpecSchema>;

/** The arguments for one weight: `{weight}` replaced in every argument. */
export function commandForWeight(command: readonly string[], weight: number): string[] {
  return command.map((arg) => arg.replace(/\{weight\}/g, String(weight)));
}

/**
 * The command router: runs the user's command with `{weight}` replaced and CANARY_WEIGHT set,
 * directly (no shell unless the command is one), with a time limit; anything but exit status 0 in
 * time is a failure. It cannot verify the weight, so verifyWeight answers undefined.
 */
export function createCommandRouter(spec: CommandRouterSpec, deps: TrafficRouterDeps): TrafficRouter {
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

/** The command router's module: its input, its rule and its advice. */
export const commandRouter = defineTrafficRouter({
  type: 'command',
  description: 'runs set-weight-command with the weight, for any load balancer a command can drive',
  inputs: { 'set-weight-command': commandLineArgs().optional() },
  spec: commandRouterSpecSchema,
  checkInputs(_values, check) {
    check.need(
      'set-weight-command',
      'a command that sets the canary weight, e.g. `./set-weight.sh {weight}`'
    );
  },
  toSpec: (values) => ({
    type: 'command',
    command: values['set-weight-command']!,
    timeoutMs: values['command-timeout']
  }),
  create: createCommandRouter,
  adviceWhenNotApplied:
    'The router could not change the weight: run set-weight-command by hand to see why, then run the step again.'
});
