/**
 * Router specifications: one zod discriminated union of the registered routers' specs, so a spec
 * can be saved (main to post step) and read back with the same schema.
 */
import { z } from 'zod';
import { TRAFFIC_ROUTERS, type EachModule } from './registry.ts';

export const trafficRouterSpecSchema = z.discriminatedUnion(
  'type',
  TRAFFIC_ROUTERS.map((router) => router.spec) as unknown as EachModule<typeof TRAFFIC_ROUTERS, 'spec'>
);

export type TrafficRouterSpec = z.output<typeof trafficRouterSpecSchema>;
