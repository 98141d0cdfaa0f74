/**
 * The HAProxy router: sets both tracks' server weights in one backend through HAProxy's runtime
 * API (`set server <backend>/<server> weight N`), without a reload, and reads them back with
 * `get weight` to confirm.
 */
import net from 'node:net';
import { z } from 'zod';
import { ConfigurationError, errorMessage } from '../../errors.ts';
import { neutralise } from '../../logger.ts';
import { shorten } from '../../text.ts';
import {
  TrafficRouterError,
  defineTrafficRouter,
  type TrafficRouter,
  type TrafficRouterDeps
} from './router.ts';

export const haproxyRouterSpecSchema = z.object({
  type: z.literal('haproxy'),
  /** `unix:/path/to/socket` or `host:port` of the runtime API (a `stats socket … level admin`). */
  runtimeApi: z.string().min(1),
  backend: z.string().min(1),
  stableServer: z.string().min(1),
  canaryServer: z.string().min(1),
  /** Limit for each runtime API call. */
  timeoutMs: z.number().int().positive()
});

export type HaproxyRouterSpec = z.output<typeof haproxyRouterSpecSchema>;

/** Where the runtime API listens. */
export type RuntimeApiAddress = { path: string } | { host: string; port: number };

/** `unix:/path` or `host:port` (`[ipv6]:port`); undefined for anything else. */
export function parseRuntimeApiAddress(value: string): RuntimeApiAddress | undefined {
  const unix = /^unix:(\/[^\0\n\r]+)$/.exec(value);
  if (unix) return { path: unix[1]! };
  const tcp = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?):(\d{1,5})$/.exec(value);
  if (!tcp) return undefined;
  const port = Number(tcp[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: tcp[1]!.replace(/^\[|\]$/g, ''), port };
}

function runtimeApiAddress() {
  const expected =
    'the HAProxy runtime API address: unix:/path/to/admin.sock or host:port (a `stats socket` line with `level admin`)';
  return z
    .string({ error: expected })
    .refine((value) => parseRuntimeApiAddress(value) !== undefined, expected);
}

/**
 * An HAProxy backend or server name. Only the characters HAProxy allows in names, which also keeps
 * a value from adding a runtime API command (`;`, spaces and new lines separate them).
 */
function proxyName(what: string) {
  return z
    .string()
    .regex(
      /^[A-Za-z0-9_.:-]{1,128}$/,
      `an HAProxy ${what} name: letters, digits, \`_\`, \`.\`, \`:\`, \`-\``
    );
}

/** Sends one runtime API command (one connection, non-interactive) and resolves with the answer. */
export type RuntimeApiSend = (command: string) => Promise<string>;

/** The runtime API over a UNIX or TCP socket: HAProxy answers and closes the connection. */
export function runtimeApiClient(spec: Pick<HaproxyRouterSpec, 'runtimeApi' | 'timeoutMs'>): RuntimeApiSend {
  const address = parseRuntimeApiAddress(spec.runtimeApi);
  return (command) =>
    new Promise((resolve, reject) => {
      if (!address) {
        reject(new Error(`${spec.runtimeApi} is not a runtime API address`));
        return;
      }
      const socket = net.connect(address);
      const chunks: Buffer[] = [];
      socket.setTimeout(spec.timeoutMs, () =>
        socket.destroy(new Error(`no answer within ${spec.timeoutMs} ms`))
      );
      socket.on('connect', () => socket.end(`${command}\n`));
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', (error) => reject(error));
      socket.on('close', (hadError) => {
        if (!hadError) resolve(Buffer.concat(chunks).toString('utf8').trim());
      });
    });
}

/** The current weight in a `get weight` answer (`10 (initial 1)`), or undefined for anything else. */
export function parseWeightAnswer(answer: string): number | undefined {
  const match = /^(\d{1,3}) \(initial \d{1,3}\)$/.exec(answer.trim());
  return match ? Number(match[1]) : undefined;
}

/** HAProxy's words, safe for the log and one line long. */
const quote = (answer: string) => JSON.stringify(neutralise(shorten(answer.replace(/\s+/g, ' '), 160)));

/**
 * The HAProxy router. A weight `w` sets the canary server's weight to `w` and the stable server's
 * to `100 - w` (HAProxy takes 0-256; 0 takes a server out of the rotation without marking it
 * down). The two weights change one after the other, the growing one first, so the canary's share
 * only ever lies between the old and the new one, and the backend never has both at 0. If the
 * second change fails, the first is put back. Weights are read back with `get weight`.
 */
export function createHaproxyRouter(
  spec: HaproxyRouterSpec,
  deps: TrafficRouterDeps,
  send: RuntimeApiSend = runtimeApiClient(spec)
): TrafficRouter {
  const servers = { stable: spec.stableServer, canary: spec.canaryServer } as const;
  const path = (track: keyof typeof servers) => `${spec.backend}/${servers[track]}`;

  const readWeight = async (track: keyof typeof servers): Promise<number> => {
    const answer = await send(`get weight ${path(track)}`);
    const weight = parseWeightAnswer(answer);
    if (weight === undefined) throw new Error(`\`get weight ${path(track)}\` answered ${quote(answer)}`);
    return weight;
  };
  const writeWeight = async (track: keyof typeof servers, weight: number): Promise<void> => {
    const answer = await send(`set server ${path(track)} weight ${weight}`);
    // HAProxy answers a change it made with nothing, and one it refused with the reason.
    if (answer !== '')
      throw new Error(`\`set server ${path(track)} weight ${weight}\` answered ${quote(answer)}`);
  };

  const router: TrafficRouter = {
    type: 'haproxy',
    target: `haproxy backend ${spec.backend} via ${spec.runtimeApi}`,
    async preflight() {
      const unchanged = 'nothing was changed';
      let level: string;
      try {
        level = await send('show cli level');
      } catch (error) {
        throw new ConfigurationError(
          `Input \`haproxy-runtime-api\`: ${spec.runtimeApi} does not answer (${errorMessage(error)}); ${unchanged}.`
        );
      }
      if (level === 'user' || level === 'operator') {
        throw new ConfigurationError(
          `Input \`haproxy-runtime-api\`: ${spec.runtimeApi} answers at level ${level}; setting weights needs \`level admin\` on its \`stats socket\` line; ${unchanged}.`
        );
      }
      for (const track of ['stable', 'canary'] as const) {
        const answer = await send(`get weight ${path(track)}`).catch((error: unknown) => {
          throw new ConfigurationError(
            `Input \`haproxy-runtime-api\`: ${spec.runtimeApi} stopped answering (${errorMessage(error)}); ${unchanged}.`
          );
        });
        if (parseWeightAnswer(answer) !== undefined) continue;
        if (/^No such backend/i.test(answer)) {
          throw new ConfigurationError(
            `Input \`haproxy-backend\`: HAProxy has no backend \`${spec.backend}\` (${quote(answer)}); ${unchanged}.`
          );
        }
        if (/^No such server/i.test(answer)) {
          throw new ConfigurationError(
            `Input \`haproxy-${track}-server\`: backend \`${spec.backend}\` has no server \`${servers[track]}\` (${quote(answer)}); ${unchanged}.`
          );
        }
        throw new ConfigurationError(
          `Input \`haproxy-runtime-api\`: \`get weight ${path(track)}\` answered ${quote(answer)}; ${unchanged}.`
        );
      }
    },
    async setWeight(weight) {
      const target = { stable: 100 - weight, canary: weight };
      let before: { stable: number; canary: number };
      try {
        before = { stable: await readWeight('stable'), canary: await readWeight('canary') };
      } catch (error) {
        throw new TrafficRouterError(
          `haproxy: reading the weights failed: ${errorMessage(error)}; nothing was changed`,
          false
        );
      }
      const order =
        target.canary > before.canary ? (['canary', 'stable'] as const) : (['stable', 'canary'] as const);
      const [first, second] = order;
      try {
        await writeWeight(first, target[first]);
      } catch (error) {
        throw new TrafficRouterError(`haproxy: ${errorMessage(error)}; traffic is unchanged`, false);
      }
      try {
        await writeWeight(second, target[second]);
      } catch (error) {
        const restored = await writeWeight(first, before[first]).then(
          () => true,
          () => false
        );
        throw new TrafficRouterError(
          `haproxy: ${errorMessage(error)}; ${restored ? `the ${first} weight was put back to ${before[first]}: traffic is unchanged` : `the ${first} weight is now ${target[first]} and could not be put back`}`,
          restored ? false : undefined
        );
      }
      deps.logger?.info(
        `haproxy: canary weight ${weight}% (${path('canary')}), stable ${100 - weight}% (${path('stable')})`
      );
    },
    async verifyWeight(weight) {
      const [stable, canary] = [await readWeight('stable'), await readWeight('canary')];
      return canary === weight && stable === 100 - weight;
    },
    reset: () => router.setWeight(0)
  };
  return router;
}

/** The HAProxy router's module: its inputs, their rules and its advice. */
export const haproxyRouter = defineTrafficRouter({
  type: 'haproxy',
  description: "sets both tracks' server weights through HAProxy's runtime API, without a reload",
  inputs: {
    'haproxy-runtime-api': runtimeApiAddress().optional(),
    'haproxy-backend': proxyName('backend').optional(),
    'haproxy-stable-server': proxyName('server').optional(),
    'haproxy-canary-server': proxyName('server').optional()
  },
  spec: haproxyRouterSpecSchema,
  checkInputs(values, check) {
    check.need(
      'haproxy-runtime-api',
      'the runtime API address, unix:/path/to/admin.sock or host:port (a `stats socket` with `level admin`)'
    );
    check.need('haproxy-backend', 'the name of the backend that holds both tracks');
    check.need('haproxy-stable-server', 'the name of the server of the stable version in that backend');
    check.need('haproxy-canary-server', 'the name of the server of the canary in that backend');
    if (
      values['haproxy-stable-server'] !== undefined &&
      values['haproxy-stable-server'] === values['haproxy-canary-server']
    ) {
      check.problem(
        'haproxy-canary-server',
        'a server name other than haproxy-stable-server (the canary must be another server)'
      );
    }
  },
  toSpec: (values) => ({
    type: 'haproxy',
    runtimeApi: values['haproxy-runtime-api']!,
    backend: values['haproxy-backend']!,
    stableServer: values['haproxy-stable-server']!,
    canaryServer: values['haproxy-canary-server']!,
    timeoutMs: values['command-timeout']
  }),
  create: (spec, deps) => createHaproxyRouter(spec, deps),
  adviceWhenNotApplied:
    'The router could not change the weight: ask the runtime API by hand (`echo "get weight <backend>/<server>" | socat stdio <socket>`) and fix what it answers, then run the step again.'
});
