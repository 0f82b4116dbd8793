import './commons/source-mapped-stacks.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { loadConfig, parseRootKey } from '../shared/config.js';
import { createApp } from '../shared/http/app.js';
import { SERVICE_NAMES } from '../shared/metrics.js';
import { createRuntime } from '../shared/runtime/create-runtime.js';
import { storageFromConfig } from '../shared/runtime/options.js';
import { powertoolsActivityLogger } from './commons/powertools-activity-logger.js';
import { powertoolsMetricsSink } from './commons/powertools-metrics.js';

const logger = new Logger({ serviceName: SERVICE_NAMES.api });
const metrics = powertoolsMetricsSink(SERVICE_NAMES.api);

// Module scope: created once per Lambda instance and reused by every invocation.
const config = loadConfig(process.env);

// The stack passes the secret's ARN, not the key. It is read here, once per instance, with
// top-level await (the bundle is ESM) during Lambda's init phase: a missing or unreadable
// key shows as an init error (and Lambda retries init on the next invoke) rather than as
// failures inside request handling, and no handler ever waits on Secrets Manager. The
// Secrets Manager client is imported only on that path: evaluating it costs every other
// cold start time for nothing (docs/benchmarks.md, "Cold start").
const rootKey = config.rootKey ?? (config.rootKeySecretArn ? await readRootKeySecret(config.rootKeySecretArn, config.region) : undefined);
if (!rootKey) throw new Error('set FRESHET_ROOT_KEY or FRESHET_ROOT_KEY_SECRET_ARN');

const runtime = createRuntime({
  ...storageFromConfig(config),
  rootKey: parseRootKey(rootKey),
  commitBudgetMs: config.commitBudgetMs,
  metrics,
  logger: powertoolsActivityLogger(logger),
  subscriptions: { policy: { allowLoopback: config.webhookAllowLoopback ?? false } },
  maintenance: config.maintenance,
});
// The console's and Swagger UI's files travel next to this bundle (infra/bundling.ts copies them to
// BUNDLED_ASSET_DIRS of shared/http/static-assets.ts, a module imported only on their first request).
const here = dirname(fileURLToPath(import.meta.url));
const app = handle(createApp({ ...runtime, assets: { console: join(here, 'static/console'), swaggerUi: join(here, 'static/swagger-ui') } }));
logger.info('api ready', { table: config.table, bucket: config.bucket, rootKeyFrom: config.rootKey ? 'environment' : 'secret' });

async function readRootKeySecret(arn: string, region: string): Promise<string> {
  const { readSecretString } = await import('../shared/storage/secrets.js');
  return readSecretString(arn, { region });
}

export const handler = async (event: LambdaEvent, context: LambdaContext) => {
  logger.addContext(context);
  // Lambda runs one invocation per instance at a time, so what was added since the last flush is this request's.
  const response = await app(event, context).finally(() => metrics.flush());
  // shared/http logs the cause of an unexpected error; this line ties it to the API
  // Gateway request id that the access log carries.
  if (response.statusCode >= 500) {
    const requestId = 'requestId' in event.requestContext ? event.requestContext.requestId : undefined;
    logger.warn('answered with a server error', { status: response.statusCode, apiRequestId: requestId });
  }
  return response;
};
