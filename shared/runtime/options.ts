import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { ActivityLogger } from '../logger.js';
import type { MetricsSink } from '../metrics.js';
import type { MaintenanceSettings } from '../model/settings.js';
import { createStorageClients, type StorageClients } from '../storage/clients.js';
import type { SubscriptionOptions } from '../subscriptions/subscriptions-context.js';

/** Where Freshet keeps everything: one table and one bucket, reached through one set of clients. */
export interface StorageLocation {
  clients: StorageClients;
  table: string;
  bucket: string;
}

/** What a process tells the composition root; everything but the storage location has a default. */
export interface RuntimeOptions extends StorageLocation {
  /** Only the API authenticates; the dispatcher and maintenance functions have no root key. */
  rootKey?: string | undefined;
  clock?: Clock | undefined;
  commitBudgetMs?: number | undefined;
  metrics?: MetricsSink | undefined;
  /** Where the domain's activity lines go (functions: Powertools Logger; local mode: one line each). */
  logger?: ActivityLogger | undefined;
  /** Webhook subscriptions: the SSRF policy (local mode allows loopback receivers) and jitter. */
  subscriptions?: SubscriptionOptions | undefined;
  /** Thresholds and budget of maintenance passes; defaults otherwise. */
  maintenance?: Partial<MaintenanceSettings> | undefined;
}

/**
 * The storage location a deployed function or local mode reads from its configuration;
 * local mode passes the endpoints of the emulators it started.
 */
export function storageFromConfig(config: Config, endpoints: { dynamoEndpoint?: string | undefined; s3Endpoint?: string | undefined } = config): StorageLocation {
  const clients = createStorageClients({ region: config.region, dynamoEndpoint: endpoints.dynamoEndpoint, s3Endpoint: endpoints.s3Endpoint });
  return { clients, table: config.table, bucket: config.bucket };
}
