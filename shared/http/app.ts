import { Hono, type Context } from 'hono';
import { TrieRouter } from 'hono/router/trie-router';
import { getPath } from 'hono/utils/url';
import { MethodNotAllowedError, NotFoundError, PayloadTooLargeError, StorageUnavailableError } from '../errors.js';
import { asStorageUnavailable } from '../storage/storage-failure.js';
import { allowedMethodsOf } from './allowed-methods.js';
import type { AppDeps } from './app-deps.js';
import { authenticate } from './auth.js';
import { bodyLimitByLength } from './body-limit.js';
import { HEALTH_PATH, healthHandler } from './health-check.js';
import { lazyRouteGroups } from './lazy-route-groups.js';
import { problemResponse } from './problem.js';
import type { StaticAssetDirs } from './static-assets.js';

export type { AppDeps } from './app-deps.js';

const MAX_OTHER_BODY_BYTES = 256 * 1024;

/**
 * The whole HTTP API as one Hono app; the Lambda handler and the local server wrap it.
 *
 * Built for a cold start (docs/benchmarks.md, "Cold start"): what is registered here is
 * what every request goes through — errors, 404/405, /v1/health, authentication, body
 * limits. Each route group (route-groups.ts) is imported and registered, with its zod
 * schemas, on the first request for one of its paths, before that request is routed; the
 * router is hono's TrieRouter, which takes routes after it has matched (the default one
 * does not). The OpenAPI document registers every group for itself.
 */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono({ router: new TrieRouter() });
  app.onError((err, c) => {
    const response = problemResponse(err, c);
    // What a request found is fresher than the health check's cached probe.
    if (c.req.path !== HEALTH_PATH && (err instanceof StorageUnavailableError || asStorageUnavailable(err))) deps.health.forget();
    return response;
  });
  const allowedMethods = allowedMethodsOf(app);
  app.notFound((c) => {
    const allow = allowedMethods(c.req.path);
    return problemResponse(
      allow.length > 0 ? new MethodNotAllowedError(c.req.method, c.req.path, allow) : new NotFoundError('NOT_FOUND', 404, `no route for ${c.req.method} ${c.req.path}`),
      c,
    );
  });
  // A route group that could not be imported fails its request through onError, like any other error.
  const failedLoads = new WeakMap<Request, unknown>();
  app.use(async (c, next) => {
    if (failedLoads.has(c.req.raw)) throw failedLoads.get(c.req.raw);
    await next();
  });

  app.get(HEALTH_PATH, healthHandler(deps.health));
  const authenticated = authenticate(deps.keys);
  app.use('/v1/*', async (c, next) => (c.req.path === HEALTH_PATH ? next() : authenticated(c, next)));
  // Produce has its own 6 MB limit; every other body is small.
  const smallBodies = bodyLimitByLength(MAX_OTHER_BODY_BYTES, () => {
    throw new PayloadTooLargeError('REQUEST_TOO_LARGE', `a request body may be at most ${MAX_OTHER_BODY_BYTES} bytes here`);
  });
  app.use('/v1/*', async (c, next) => (c.req.method === 'POST' && /^\/v1\/topics\/[^/]+\/records$/.test(c.req.path) ? next() : smallBodies(c, next)));

  // The document is built on its first request, from every route group, by a module imported
  // then (with the YAML emitter), so init neither evaluates nor compiles any of it.
  let spec: Promise<string> | undefined;
  const specYaml = () =>
    (spec ??= import('./openapi-document.js')
      .then(({ openApiYaml }) => openApiYaml(deps))
      .catch((err: unknown) => {
        // Not cached: the next request tries again, as it did when the document was built synchronously.
        spec = undefined;
        throw err;
      }));
  app.get('/openapi.yaml', async (c) => c.body(await specYaml(), 200, { 'content-type': 'application/yaml; charset=utf-8' }));
  registerBrowserPages(app, deps.assets);

  const groups = lazyRouteGroups(app, deps);
  const dispatch = app.fetch;
  app.fetch = async (request, env, executionCtx) => {
    const loading = groups.load(getPath(request));
    if (loading) await loading.catch((err: unknown) => failedLoads.set(request, err));
    return dispatch(request, env, executionCtx);
  };
  return app;
}

type StaticAssetsModule = typeof import('./static-assets.js');

/**
 * /console (the single-page app over the public API) and /docs (Swagger UI over
 * /openapi.yaml). Their files are read on first request by a module imported then, so the
 * api function's init neither imports nor reads any of it.
 */
function registerBrowserPages(app: Hono, assets: StaticAssetDirs | undefined): void {
  type Pages = { files: ReturnType<StaticAssetsModule['staticFiles']>; csp: { console: string; docs: string } };
  let pages: Promise<Pages> | undefined;
  const load = () =>
    (pages ??= import('./static-assets.js')
      .then((m) => ({ files: m.staticFiles(assets ?? m.repoAssetDirs()), csp: { console: m.CONSOLE_CSP, docs: m.DOCS_CSP } }))
      .catch((err: unknown) => {
        pages = undefined;
        throw err;
      }));
  const serve = (page: 'console' | 'docs') => async (c: Context) => {
    const { files, csp } = await load();
    const file = files[page](c.req.param('file') ?? '');
    if (!file) throw new NotFoundError('NOT_FOUND', 404, `no route for ${c.req.method} ${c.req.path}`);
    const { body, contentType } = await file;
    return c.body(body as Uint8Array<ArrayBuffer>, 200, {
      'content-type': contentType,
      'content-security-policy': csp[page],
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
  };
  app.get('/console', (c) => c.redirect('/console/', 301));
  app.get('/console/', serve('console'));
  app.get('/console/:file', serve('console'));
  app.get('/docs', serve('docs'));
  app.get('/docs/:file', serve('docs'));
}
