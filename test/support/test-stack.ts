import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { Clock } from '../../shared/clock.js';
import { createApp } from '../../shared/http/app.js';
import type { LogContext } from '../../shared/log/log-context.js';
import type { MaintenanceContext } from '../../shared/maintenance/maintenance-context.js';
import type { ActivityLogger } from '../../shared/logger.js';
import type { MetricsSink } from '../../shared/metrics.js';
import type { MaintenanceSettings } from '../../shared/model/settings.js';
import { type ApiRuntime, createRuntime } from '../../shared/runtime/create-runtime.js';
import { createStorageClients, type StorageClients } from '../../shared/storage/clients.js';
import { ensureBucket, ensureTable } from '../../shared/storage/provision.js';
import type { SubscriptionOptions, SubscriptionsContext } from '../../shared/subscriptions/subscriptions-context.js';

export const ROOT_KEY = 'test-root-key-0123456789';

export interface TestStack {
  clients: StorageClients;
  table: string;
  bucket: string;
  /** What the composition root built for this stack; `log`, `subscriptions` and `maintenance` are its parts. */
  runtime: ApiRuntime;
  log: LogContext;
  subscriptions: SubscriptionsContext;
  maintenance: MaintenanceContext;
  app: ReturnType<typeof createApp>;
  /** Sends a request to the app in-process, authenticated with the root key unless `auth` is false. */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
}

/**
 * A fresh table and bucket on the shared emulators, so test files never see each
 * other's data. Extra clients (e.g. with a counting or failing middleware) may be passed.
 */
export async function createTestStack(
  options: {
    clients?: StorageClients;
    clock?: Clock;
    commitBudgetMs?: number;
    metrics?: MetricsSink;
    logger?: ActivityLogger;
    subscriptions?: SubscriptionOptions;
    maintenance?: Partial<MaintenanceSettings>;
  } = {},
): Promise<TestStack> {
  const { dynamoEndpoint, s3Endpoint } = inject('emulators');
  const clients = options.clients ?? createStorageClients({ region: 'us-east-1', dynamoEndpoint, s3Endpoint });
  const suffix = randomUUID().slice(0, 8);
  const table = `freshet-test-${suffix}`;
  const bucket = `freshet-test-${suffix}`;
  await Promise.all([ensureTable(clients, table), ensureBucket(clients, bucket)]);
  const runtime = createRuntime({ ...options, clients, table, bucket, rootKey: ROOT_KEY });
  const app = createApp(runtime);
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    Promise.resolve(
      app.request(path, {
        method,
        headers: {
          authorization: `Bearer ${ROOT_KEY}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      }),
    );
  return { clients, table, bucket, runtime, log: runtime.log, subscriptions: runtime.subscriptions, maintenance: runtime.maintenance, app, request };
}

export function emulatorClients(): StorageClients {
  const { dynamoEndpoint, s3Endpoint } = inject('emulators');
  return createStorageClients({ region: 'us-east-1', dynamoEndpoint, s3Endpoint });
}
