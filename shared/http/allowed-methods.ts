import type { RouterRoute } from 'hono/types';

/**
 * The methods some route answers for `path`: a path that is known but not for the request's
 * method is a 405 with `Allow` (RFC 9110 §15.5.6), not a 404. Built from the app's own
 * routes, so it cannot drift from what is registered; built again when route groups were
 * registered since (lazy-route-groups.ts).
 */
export function allowedMethodsOf(app: { routes: RouterRoute[] }): (path: string) => string[] {
  let routes: { pattern: RegExp; method: string }[] = [];
  let built = -1;
  return (path) => {
    if (built !== app.routes.length) {
      routes = app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ pattern: routePattern(r.path), method: r.method }));
      built = app.routes.length;
    }
    return [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].sort();
  };
}

/** The paths a Hono route path (`/v1/topics/:topic`) answers, with or without a trailing slash. */
export function routePattern(path: string): RegExp {
  return new RegExp(`^${path.split('/').map((s) => (s.startsWith(':') ? '[^/]+' : escapeRegExp(s))).join('/')}/?$`);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
