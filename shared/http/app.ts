import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { InvalidRequestError, MethodNotAllowedError, NotFoundError, PayloadTooLargeError, StorageUnavailableError } from '../errors.js';
import { asStorageUnavailable } from '../storage/storage-failure.js';
import type { GroupsContext } from '../groups/groups-context.js';
import type { KeyService } from '../keys/key-service.js';
import { allowedMethodsOf } from './allowed-methods.js';
import type { LogContext } from '../log/log-context.js';
import type { MaintenanceContext } from '../maintenance/maintenance-context.js';
import type { SubscriptionsContext } from '../subscriptions/subscriptions-context.js';
import { authenticate } from './auth.js';
import { bodyLimitByLength } from './body-limit.js';
import { problemResponse } from './problem.js';
import type { StaticAssetDirs } from './static-assets.js';
import { registerGroupRoutes } from './routes/groups.js';
import { type HealthCheck, registerHealthRoute } from './routes/health.js';
import { registerKeyRoutes } from './routes/keys.js';
import { registerMaintenanceRoutes } from './routes/maintenance.js';
import { registerReplayRoutes } from './routes/replays.js';
import { registerRecordRoutes } from './routes/records.js';
import { registerSubscriptionRoutes } from './routes/subscriptions.js';
import { registerTopicSchemaRoutes } from './routes/topic-schemas.js';
import { registerTopicRoutes } from './routes/topics.js';

const MAX_OTHER_BODY_BYTES = 256 * 1024;

/** The capability contexts the API serves; the composition root (`shared/runtime/`) builds them. */
export interface AppDeps {
  log: LogContext;
  keys: KeyService;
  groups: GroupsContext;
  subscriptions: SubscriptionsContext;
  maintenance: MaintenanceContext;
  /** Whether storage answers, for /v1/health. */
  health: HealthCheck;
  /** Where the console's and the docs' files are; default: this checkout's `console/dist` and swagger-ui-dist. */
  assets?: StaticAssetDirs;
}

/** The whole HTTP API as one Hono app; the Lambda handler and the local server wrap it. */
export function createApp(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = result.error.issues.map((i) => ({ path: i.path.map(String).join('.') || result.target, message: i.message }));
        throw new InvalidRequestError(`invalid ${result.target}: ${errors[0]?.path} ${errors[0]?.message}`, errors);
      }
    },
  });
  app.onError((err, c) => {
    const response = problemResponse(err, c);
    // What a request found is fresher than the health check's cached probe.
    if (c.req.path !== '/v1/health' && (err instanceof StorageUnavailableError || asStorageUnavailable(err))) deps.health.forget();
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

  registerHealthRoute(app, deps.health);
  const { keys, subscriptions, maintenance } = deps;
  const authenticated = authenticate(keys);
  app.use('/v1/*', async (c, next) => (c.req.path === '/v1/health' ? next() : authenticated(c, next)));
  // Produce has its own 6 MB limit; every other body is small.
  const smallBodies = bodyLimitByLength(MAX_OTHER_BODY_BYTES, () => {
    throw new PayloadTooLargeError('REQUEST_TOO_LARGE', `a request body may be at most ${MAX_OTHER_BODY_BYTES} bytes here`);
  });
  app.use('/v1/*', async (c, next) => (c.req.method === 'POST' && /^\/v1\/topics\/[^/]+\/records$/.test(c.req.path) ? next() : smallBodies(c, next)));

  registerTopicRoutes(app, deps.log);
  registerTopicSchemaRoutes(app, deps.log);
  registerRecordRoutes(app, deps.log, deps.groups);
  registerGroupRoutes(app, deps.groups);
  registerKeyRoutes(app, keys);
  registerSubscriptionRoutes(app, subscriptions);
  registerMaintenanceRoutes(app, maintenance);
  registerReplayRoutes(app, maintenance.replays);

  // The document is built on its first request, and the YAML emitter and parser are imported
  // then, so init does not evaluate them (their bytes are
  // still compiled: docs/benchmarks.md, Cold start).
  let spec: Promise<string> | undefined;
  const specYaml = () =>
    (spec ??= import('./openapi-document.js')
      .then(({ openApiYaml }) => openApiYaml(app))
      .catch((err: unknown) => {
        // Not cached: the next request tries again, as it did when the document was built synchronously.
        spec = undefined;
        throw err;
      }));
  app.get('/openapi.yaml', async (c) => c.body(await specYaml(), 200, { 'content-type': 'application/yaml; charset=utf-8' }));
  registerBrowserPages(app, deps.assets);
  return app;
}

type StaticAssetsModule = typeof import('./static-assets.js');

/**
 * /console (the single-page app over the public API) and /docs (Swagger UI over
 * /openapi.yaml). Their files are read on first request by a module imported then, so the
 * api function's init neither imports nor reads any of it.
 */
function registerBrowserPages(app: OpenAPIHono, assets: StaticAssetDirs | undefined): void {
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
