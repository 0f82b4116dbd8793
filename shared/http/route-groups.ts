import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from './app-deps.js';

/**
 * The API's routes in groups, each in a module of its own that is imported (a chunk of the
 * function's bundle) on the first request whose path is one of the group's: its zod schemas
 * and their OpenAPI metadata are built then, not in every cold start's init
 * (docs/benchmarks.md, "Cold start"). `paths` are the group's route paths as Hono writes
 * them; test/http/route-groups.test.ts checks them against what each group registers.
 * The order is openapi.yaml's: the document registers every group in it.
 */
export interface RouteGroup {
  name: string;
  paths: readonly string[];
  /** Served by createApp at init instead (health: no zod, ahead of the middleware); listed here for the document. */
  servedAtInit?: true;
  register(app: OpenAPIHono, deps: AppDeps): Promise<void>;
}

export const ROUTE_GROUPS: readonly RouteGroup[] = [
  {
    // Served at init by a handler without zod (health-check.ts); this entry documents it.
    name: 'health',
    paths: ['/v1/health'],
    servedAtInit: true,
    register: async (app, d) => (await import('./routes/health.js')).registerHealthRoute(app, d.health),
  },
  {
    name: 'topics',
    paths: ['/v1/topics', '/v1/topics/:topic'],
    register: async (app, d) => (await import('./routes/topics.js')).registerTopicRoutes(app, d.log),
  },
  {
    name: 'topic-schemas',
    paths: ['/v1/topics/:topic/schema', '/v1/topics/:topic/schema/versions', '/v1/topics/:topic/schema/versions/:version'],
    register: async (app, d) => (await import('./routes/topic-schemas.js')).registerTopicSchemaRoutes(app, d.log),
  },
  {
    name: 'records',
    paths: ['/v1/topics/:topic/records', '/v1/topics/:topic/partitions/:partition/records', '/v1/topics/:topic/partitions', '/v1/topics/:topic/partitions/:partition/offsets'],
    register: async (app, d) => (await import('./routes/records.js')).registerRecordRoutes(app, d.log, d.groups),
  },
  {
    name: 'groups',
    paths: [
      '/v1/groups/:group/members',
      '/v1/groups/:group/members/:memberId/heartbeat',
      '/v1/groups/:group/members/:memberId',
      '/v1/groups/:group/records',
      '/v1/groups/:group/offsets',
      '/v1/groups',
      '/v1/groups/:group',
      '/v1/groups/:group/seek',
    ],
    register: async (app, d) => (await import('./routes/groups.js')).registerGroupRoutes(app, d.groups),
  },
  {
    name: 'keys',
    paths: ['/v1/keys', '/v1/keys/self', '/v1/keys/:id'],
    register: async (app, d) => (await import('./routes/keys.js')).registerKeyRoutes(app, d.keys),
  },
  {
    name: 'subscriptions',
    paths: ['/v1/subscriptions', '/v1/subscriptions/:id', '/v1/subscriptions/:id/rotate-secret', '/v1/subscriptions/:id/seek'],
    register: async (app, d) => (await import('./routes/subscriptions.js')).registerSubscriptionRoutes(app, d.subscriptions),
  },
  {
    name: 'maintenance',
    paths: ['/v1/maintenance/run'],
    register: async (app, d) => (await import('./routes/maintenance.js')).registerMaintenanceRoutes(app, d.maintenance),
  },
  {
    name: 'replays',
    paths: ['/v1/replays', '/v1/replays/:id'],
    register: async (app, d) => (await import('./routes/replays.js')).registerReplayRoutes(app, d.maintenance.replays),
  },
];
