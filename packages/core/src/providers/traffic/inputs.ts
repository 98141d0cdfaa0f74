/**
 * The router inputs as zod fragments, shared by every action that moves traffic (canary-step, and
 * rollback to put traffic back on stable), so the input names and rules are the same everywhere.
 * Spread `trafficRouterInputs` into an action's schema, call `checkTrafficRouterInputs` from its
 * superRefine, then `toTrafficRouterSpec` on the parsed values.
 */
import { z } from 'zod';
import { duration, oneOf } from '../../inputs/fragments.ts';
import { splitCommandLine } from '../../exec/command-line.ts';
import type { TrafficRouterSpec } from './spec.ts';

export const ROUTER_TYPES = ['nginx', 'command'] as const;

/** A command line split into arguments (no shell); `{weight}` is the only placeholder. */
export function commandLineArgs() {
  const expected =
    'a command line such as `nginx -s reload` (quotes group words; no shell is involved unless you write `sh -c "…"`; `{weight}` is the only placeholder)';
  return z.string({ error: expected }).transform((value, ctx) => {
    const argv = splitCommandLine(value);
    const unknownPlaceholder = /\{([A-Za-z_-]+)\}/.exec(value.replace(/\{weight\}/g, ''));
    if (!argv || argv.length === 0 || unknownPlaceholder) {
      ctx.addIssue({
        code: 'custom',
        message: unknownPlaceholder ? `${expected}; \`{${unknownPlaceholder[1]}}\` is not one` : expected
      });
      return z.NEVER;
    }
    return argv;
  });
}

/** `host:port`, `[ipv6]:port` or `unix:/path`: what an nginx `server` line takes. */
export function serverAddress() {
  const expected = 'host:port (e.g. 10.0.0.12:8000 or app-canary:8000), [ipv6]:port, or unix:/path/to.sock';
  return z.string({ error: expected }).refine((value) => {
    if (/^unix:\/[^\s;{}]+$/.test(value)) return true;
    const match = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?):(\d{1,5})$/.exec(
      value
    );
    return match !== null && Number(match[1]) >= 1 && Number(match[1]) <= 65535;
  }, expected);
}

/** A path for a file, without characters that cannot be in one written by people. */
export function upstreamFilePath() {
  return z
    .string()
    .refine(
      (value) => value !== '' && !/[\0\n\r]/.test(value),
      'a file path, e.g. /etc/nginx/canary/upstream.conf'
    );
}

/** An nginx upstream name. */
export function upstreamName() {
  return z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'an nginx upstream name: letters, digits, `_`, `.`, `-`');
}

/** The router inputs, by their action.yml names. `router` is required here; rollback makes it optional. */
export const trafficRouterInputs = {
  router: oneOf(ROUTER_TYPES),
  'nginx-upstream-file': upstreamFilePath().optional(),
  'nginx-upstream-name': upstreamName().prefault('backend'),
  'nginx-stable-server': serverAddress().optional(),
  'nginx-canary-server': serverAddress().optional(),
  'nginx-test-command': commandLineArgs().prefault('nginx -t'),
  'nginx-reload-command': commandLineArgs().prefault('nginx -s reload'),
  'set-weight-command': commandLineArgs().optional(),
  'command-timeout': duration({ min: 1000, max: 600_000 }).prefault('60s')
};

/** The parsed router inputs (router optional, for actions where moving traffic is optional). */
export type TrafficRouterInputs = Omit<z.output<z.ZodObject<typeof trafficRouterInputs>>, 'router'> & {
  router?: (typeof ROUTER_TYPES)[number] | undefined;
};

/**
 * The rules between router inputs, for an action schema's superRefine: each router's own inputs
 * are required, and nginx's two tracks must differ. Each problem names its input.
 */
export function checkTrafficRouterInputs(values: TrafficRouterInputs, ctx: z.RefinementCtx): void {
  const need = (input: keyof TrafficRouterInputs, what: string) => {
    if (values[input] === undefined)
      ctx.addIssue({
        code: 'custom',
        path: [input],
        message: `${what} (required when router is ${values.router})`
      });
  };
  if (values.router === 'nginx') {
    need(
      'nginx-upstream-file',
      'the path of the file the nginx router writes, included by your nginx configuration'
    );
    need('nginx-stable-server', 'the host:port of the stable version');
    need('nginx-canary-server', 'the host:port of the canary version');
    if (
      values['nginx-stable-server'] !== undefined &&
      values['nginx-stable-server'] === values['nginx-canary-server']
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['nginx-canary-server'],
        message: 'a host:port other than nginx-stable-server (the canary must be another instance)'
      });
    }
  } else if (values.router === 'command') {
    need('set-weight-command', 'a command that sets the canary weight, e.g. `./set-weight.sh {weight}`');
  }
}

/** The router spec of validated inputs (after checkTrafficRouterInputs); undefined without a router. */
export function toTrafficRouterSpec(values: TrafficRouterInputs): TrafficRouterSpec | undefined {
  const timeoutMs = values['command-timeout'];
  switch (values.router) {
    case 'nginx':
      return {
        type: 'nginx',
        upstreamFile: values['nginx-upstream-file']!,
        upstreamName: values['nginx-upstream-name'],
        stableServer: values['nginx-stable-server']!,
        canaryServer: values['nginx-canary-server']!,
        testCommand: values['nginx-test-command'],
        reloadCommand: values['nginx-reload-command'],
        timeoutMs
      };
    case 'command':
      return { type: 'command', command: values['set-weight-command']!, timeoutMs };
    case undefined:
      return undefined;
  }
}
