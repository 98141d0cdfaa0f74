import type { Exec } from '../../exec/exec.ts';
import type { Logger } from '../../logger.ts';
import { createCommandRouter } from './command.ts';
import { createNginxRouter } from './nginx.ts';
import type { TrafficRouter } from './router.ts';
import type { TrafficRouterSpec } from './spec.ts';

export interface TrafficRouterDeps {
  exec: Exec;
  logger?: Logger;
}

/** Builds the router a spec describes. Usable on its own: rollback uses it to put traffic back on stable. */
export function createTrafficRouter(spec: TrafficRouterSpec, deps: TrafficRouterDeps): TrafficRouter {
  switch (spec.type) {
    case 'nginx':
      return createNginxRouter(spec, deps);
    case 'command':
      return createCommandRouter(spec, deps);
    default: {
      const unknown: never = spec;
      throw new Error(`unknown router type ${JSON.stringify(unknown)}`);
    }
  }
}
