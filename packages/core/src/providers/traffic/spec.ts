/**
 * Router specifications: one zod discriminated union, so a router is built by one switch and its
 * spec can be saved (main to post step) and read back with the same schema.
 */
import { z } from 'zod';

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

export const commandRouterSpecSchema = z.object({
  type: z.literal('command'),
  /** Argument list; `{weight}` in any argument is replaced, and CANARY_WEIGHT is set. */
  command: z.array(z.string()).min(1),
  timeoutMs: z.number().int().positive()
});

export const trafficRouterSpecSchema = z.discriminatedUnion('type', [
  nginxRouterSpecSchema,
  commandRouterSpecSchema
]);

export type NginxRouterSpec = z.output<typeof nginxRouterSpecSchema>;
export type CommandRouterSpec = z.output<typeof commandRouterSpecSchema>;
export type TrafficRouterSpec = z.output<typeof trafficRouterSpecSchema>;
