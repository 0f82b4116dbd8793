import type { RouterRoute } from 'hono/types';

/**
 * The methods some route answers for `path`: a path that is known but not for the request's
 * method is a 405 with `Allow` (RFC 9110 §15.5.6), not a 404. Built once from the app's own
 * routes, so it cannot drift from what is registered.
 */
export function allowedMethodsOf(app: { routes: RouterRoute[] }): (path: string) => string[] {
  let routes: { pattern: RegExp; method: string }[] | undefined;
  return (path) => {
    routes ??= app.routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => ({ pattern: new RegExp(`^${r.path.split('/').map((s) => (s.startsWith(':') ? '[^/]+' : escapeRegExp(s))).join('/')}/?$`), method: r.method }));
    return [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].sort();
  };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
