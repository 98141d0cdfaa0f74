/**
 * The nginx router: owns one file holding an `upstream` block with the two tracks' weights,
 * included by the user's nginx configuration; every change is tested (`nginx -t`) and reloaded.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigurationError } from '../../errors.ts';
import { describeExecResult, succeeded } from '../../exec/exec.ts';
import { commandLineArgs } from './fragments.ts';
import {
  TrafficRouterError,
  defineTrafficRouter,
  type TrafficRouter,
  type TrafficRouterDeps
} from './router.ts';

export const nginxRouterSpecSchema = z.object({
  type: z.literal('nginx'),
  /** The file the router writes: one `upstream` block, included by the nginx configuration. */
  upstreamFile: z.string().min(1),
  /** The upstream's name, as `proxy_pass http://<name>` refers to it. */
  upstreamName: z.string().min(1),
  /** `host:port` (or `unix:/path`) of each track. */
  stableServer: z.string().min(1),
  canaryServer: z.string().min(1),
  /** Validates the configuration with the new file in place (`nginx -t`), as an argument list. */
  testCommand: z.array(z.string()).min(1),
  /** Applies it (`nginx -s reload`). */
  reloadCommand: z.array(z.string()).min(1),
  /** Limit for each command. */
  timeoutMs: z.number().int().positive()
});

export type NginxRouterSpec = z.output<typeof nginxRouterSpecSchema>;

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
function upstreamFilePath() {
  return z
    .string()
    .refine(
      (value) => value !== '' && !/[\0\n\r]/.test(value),
      'a file path, e.g. /etc/nginx/canary/upstream.conf'
    );
}

/** An nginx upstream name. */
function upstreamName() {
  return z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'an nginx upstream name: letters, digits, `_`, `.`, `-`');
}

const MARKER = 'canary-step';

/**
 * The upstream block for a canary weight: stable gets `100 - weight`, the canary `weight`. nginx
 * has no weight 0, so a track without traffic is marked `down` (kept in the file, so the file still
 * says where each track lives). nginx's smooth weighted round robin then sends exactly `weight` of
 * every 100 requests of a worker to the canary.
 */
export function renderUpstream(
  spec: Pick<NginxRouterSpec, 'upstreamName' | 'stableServer' | 'canaryServer'>,
  weight: number
): string {
  const server = (address: string, share: number, track: string) =>
    `    server ${address} ${share > 0 ? `weight=${share}` : 'down'}; # ${MARKER}:${track}`;
  return [
    `# Written by ${MARKER}: canary weight ${weight}%. Every canary-step and rollback run rewrites this file.`,
    `upstream ${spec.upstreamName} {`,
    server(spec.stableServer, 100 - weight, 'stable'),
    server(spec.canaryServer, weight, 'canary'),
    '}',
    ''
  ].join('\n');
}

/** The canary weight an upstream file written by renderUpstream routes, or undefined for another file. */
export function readUpstreamWeight(text: string): number | undefined {
  const shares: Partial<Record<'stable' | 'canary', number>> = {};
  for (const match of text.matchAll(
    new RegExp(
      `^\\s*server\\s+\\S+\\s+(?:weight=(\\d+)|down)\\s*;\\s*#\\s*${MARKER}:(stable|canary)\\s*$`,
      'gm'
    )
  )) {
    shares[match[2] as 'stable' | 'canary'] = match[1] === undefined ? 0 : Number(match[1]);
  }
  const { stable, canary } = shares;
  if (stable === undefined || canary === undefined || stable + canary === 0) return undefined;
  return Math.round((100 * canary) / (stable + canary));
}

/** Whether a file defines the named upstream block (the only thing the router will replace). */
export function definesUpstream(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\s*upstream\\s+${escaped}\\s*\\{`, 'm').test(text);
}

/**
 * The nginx router: writes the upstream file atomically (a temporary file renamed over it), runs
 * the test command (`nginx -t`), restores the previous file if the test or the reload fails, then
 * reloads. nginx keeps serving with its old configuration until a reload succeeds, so a failure
 * leaves traffic where it was. Verification reads the file back.
 */
export function createNginxRouter(spec: NginxRouterSpec, deps: TrafficRouterDeps): TrafficRouter {
  const file = path.resolve(spec.upstreamFile);
  const run = async (argv: readonly string[], what: string) => {
    const result = await deps.exec.run(argv, { timeoutMs: spec.timeoutMs });
    if (!succeeded(result)) return `${what} failed: ${describeExecResult(argv, result)}`;
    deps.logger?.debug(`${what}: ${describeExecResult(argv, result)}`);
    return undefined;
  };
  const write = (text: string) => {
    const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    writeFileSync(temporary, text, { encoding: 'utf8', mode: 0o644 });
    renameSync(temporary, file);
  };
  const restore = (previous: string | undefined) => {
    if (previous === undefined) rmSync(file, { force: true });
    else write(previous);
  };

  const router: TrafficRouter = {
    type: 'nginx',
    target: `nginx upstream ${spec.upstreamName} in ${spec.upstreamFile}`,
    async preflight() {
      const dir = path.dirname(file);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) {
        throw new ConfigurationError(
          `Input \`nginx-upstream-file\`: the directory ${dir} does not exist; nothing was changed.`
        );
      }
      if (existsSync(file) && !definesUpstream(readFileSync(file, 'utf8'), spec.upstreamName)) {
        // Someone else's file: overwriting it could take down whatever it configures.
        throw new ConfigurationError(
          `Input \`nginx-upstream-file\`: ${spec.upstreamFile} exists but does not define \`upstream ${spec.upstreamName}\`; refusing to overwrite it. Point the input at a file of its own (holding only that upstream block), included by your nginx configuration.`
        );
      }
    },
    async setWeight(weight) {
      const previous = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
      write(renderUpstream(spec, weight));
      const testFailure = await run(spec.testCommand, 'nginx configuration test');
      if (testFailure) {
        restore(previous);
        throw new TrafficRouterError(
          `${testFailure}. The previous upstream file was restored and nginx was not reloaded: traffic is unchanged.`,
          false
        );
      }
      const reloadFailure = await run(spec.reloadCommand, 'nginx reload');
      if (reloadFailure) {
        restore(previous);
        throw new TrafficRouterError(
          `${reloadFailure}. The previous upstream file was restored; nginx still runs its previous configuration.`,
          false
        );
      }
      deps.logger?.info(
        `nginx: canary weight ${weight}% (${spec.canaryServer}), stable ${100 - weight}% (${spec.stableServer})`
      );
    },
    async verifyWeight(weight) {
      if (!existsSync(file)) return false;
      return readUpstreamWeight(readFileSync(file, 'utf8')) === weight;
    },
    reset: () => router.setWeight(0)
  };
  return router;
}

/** The nginx router's module: its inputs, their rules and its advice. */
export const nginxRouter = defineTrafficRouter({
  type: 'nginx',
  description: "writes an upstream file with both tracks' weights, tests it (nginx -t) and reloads nginx",
  inputs: {
    'nginx-upstream-file': upstreamFilePath().optional(),
    'nginx-upstream-name': upstreamName().prefault('backend'),
    'nginx-stable-server': serverAddress().optional(),
    'nginx-canary-server': serverAddress().optional(),
    'nginx-test-command': commandLineArgs().prefault('nginx -t'),
    'nginx-reload-command': commandLineArgs().prefault('nginx -s reload')
  },
  spec: nginxRouterSpecSchema,
  checkInputs(values, check) {
    check.need(
      'nginx-upstream-file',
      'the path of the file the nginx router writes, included by your nginx configuration'
    );
    check.need('nginx-stable-server', 'the host:port of the stable version');
    check.need('nginx-canary-server', 'the host:port of the canary version');
    if (
      values['nginx-stable-server'] !== undefined &&
      values['nginx-stable-server'] === values['nginx-canary-server']
    ) {
      check.problem(
        'nginx-canary-server',
        'a host:port other than nginx-stable-server (the canary must be another instance)'
      );
    }
  },
  toSpec: (values) => ({
    type: 'nginx',
    upstreamFile: values['nginx-upstream-file']!,
    upstreamName: values['nginx-upstream-name'],
    stableServer: values['nginx-stable-server']!,
    canaryServer: values['nginx-canary-server']!,
    testCommand: values['nginx-test-command'],
    reloadCommand: values['nginx-reload-command'],
    timeoutMs: values['command-timeout']
  }),
  create: createNginxRouter,
  adviceWhenNotApplied:
    'The router could not change the weight: run `nginx -t` where nginx runs and fix what it reports, then run the step again.'
});
