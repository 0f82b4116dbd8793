import type { Hono } from 'hono';
import type { AppDeps } from './app-deps.js';
import { routePattern } from './allowed-methods.js';
import { ROUTE_GROUPS, type RouteGroup } from './route-groups.js';

/**
 * Registers each route group on `app` the first time a request's path is one of the group's
 * (route-groups.ts). What `load(path)` returns is to be awaited before the request is
 * routed; undefined when every group the path needs is already there. The group's routes go
 * in after the middleware createApp registered at init, as they did when all were
 * registered there, and a path belongs to one group only, so the order between groups
 * does not change what answers. A group that fails to load is tried again by the next
 * request that needs it.
 */
export function lazyRouteGroups(app: Hono, deps: AppDeps, groups: readonly RouteGroup[] = ROUTE_GROUPS.filter((g) => !g.servedAtInit)) {
  const pending = groups.map((group) => ({ group, patterns: group.paths.map(routePattern), registered: false, loading: undefined as Promise<void> | undefined }));
  const register = async (entry: (typeof pending)[number]) => {
    const { openApiApp } = await import('./openapi-app.js');
    const groupApp = openApiApp();
    await entry.group.register(groupApp, deps);
    app.route('/', groupApp);
    entry.registered = true;
  };
  return {
    load(path: string): Promise<void> | undefined {
      const needed = pending.filter((e) => !e.registered && e.patterns.some((p) => p.test(path)));
      if (needed.length === 0) return undefined;
      return Promise.all(
        needed.map((e) =>
          (e.loading ??= register(e).catch((err: unknown) => {
            e.loading = undefined;
            throw err;
          })),
        ),
      ).then(() => undefined);
    },
  };
}
