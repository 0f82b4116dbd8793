import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { GroupsContext } from './groups/groups-context.js';
import { KeyService } from './keys/key-service.js';
import { AppendNotifier } from './log/append-notifier.js';
import { HeadCache } from './log/head-cache.js';
import { KeyedMutex } from './log/keyed-mutex.js';
import type { LogContext } from './log/log-context.js';
import type { MaintenanceContext } from './maintenance/maintenance-context.js';
import { type MetricsSink, noMetrics } from './metrics.js';
import { DEFAULT_COMMIT_BUDGET_MS, DEFAULT_MAINTENANCE_SETTINGS, type MaintenanceSettings } from './model/settings.js';
import type { ReplaysContext } from './replays/replay-service.js';
import { subscriptionExists, subscriptionReplayer } from './replays/subscription-replayer.js';
import { createStorageClients } from './storage/clients.js';
import { createStores, type StorageLocation } from './storage/stores.js';
import type { SubscriptionOptions, SubscriptionsContext } from './subscriptions/subscriptions-context.js';

/**
 * The one composition root: clients → stores → capability contexts, built once per
 * process. Lambda handlers, local mode, the bench and the test stack call `createRuntime`
 * and hand what it built to `createApp`, the dispatcher or the maintenance pass; nothing
 * else constructs a store or a context.
 */
export interface RuntimeOptions extends StorageLocation {
  /** Only the API authenticates; the dispatcher and maintenance functions have no root key. */
  rootKey?: string | undefined;
  clock?: Clock | undefined;
  commitBudgetMs?: number | undefined;
  metrics?: MetricsSink | undefined;
  /** Webhook subscriptions: the SSRF policy (local mode allows loopback receivers) and jitter. */
  subscriptions?: SubscriptionOptions | undefined;
  /** Thresholds and budget of maintenance passes; defaults otherwise. */
  maintenance?: Partial<MaintenanceSettings> | undefined;
}

export interface Runtime extends StorageLocation {
  log: LogContext;
  groups: GroupsContext;
  subscriptions: SubscriptionsContext;
  replays: ReplaysContext;
  maintenance: MaintenanceContext;
  /** API keys; present when a root key was given. */
  keys: KeyService | undefined;
}

/** A runtime that serves the HTTP API: it has a root key, so it has `keys`. */
export type ApiRuntime = Runtime & { keys: KeyService };

export function createRuntime(options: RuntimeOptions & { rootKey: string }): ApiRuntime;
export function createRuntime(options: RuntimeOptions): Runtime;
export function createRuntime(options: RuntimeOptions): Runtime {
  const stores = createStores(options);
  const clock = options.clock ?? systemClock;
  const log: LogContext = {
    topics: stores.topics,
    store: stores.log,
    writer: stores.commits,
    clock,
    heads: new HeadCache(),
    locks: new KeyedMutex(),
    notifier: new AppendNotifier(),
    commitBudgetMs: options.commitBudgetMs ?? DEFAULT_COMMIT_BUDGET_MS,
    metrics: options.metrics ?? noMetrics,
  };
  const subscriptions: SubscriptionsContext = {
    log,
    store: stores.subscriptions,
    policy: options.subscriptions?.policy ?? { allowLoopback: false },
    dispatcherId: `dispatcher-${randomUUID()}`,
    random: options.subscriptions?.random ?? Math.random,
  };
  // Replays into subscriptions deliver through the same signed path (and SSRF guard) as the dispatcher.
  const replays: ReplaysContext = { log, store: stores.replays, subscriptionExists: (id) => subscriptionExists(subscriptions, id) };
  const groups: GroupsContext = { log, store: stores.groups };
  const maintenance: MaintenanceContext = {
    log,
    entries: stores.entries,
    leases: stores.leases,
    objects: stores.objects,
    groups: stores.groups,
    replays,
    replayer: subscriptionReplayer(subscriptions),
    settings: { ...DEFAULT_MAINTENANCE_SETTINGS, ...options.maintenance },
  };
  const keys = options.rootKey === undefined ? undefined : new KeyService(stores.keys, clock, options.rootKey);
  return { clients: options.clients, table: options.table, bucket: options.bucket, log, groups, subscriptions, replays, maintenance, keys };
}

/**
 * The storage location a deployed function or local mode reads from its configuration;
 * local mode passes the endpoints of the emulators it started.
 */
export function storageFromConfig(config: Config, endpoints: { dynamoEndpoint?: string | undefined; s3Endpoint?: string | undefined } = config): StorageLocation {
  const clients = createStorageClients({ region: config.region, dynamoEndpoint: endpoints.dynamoEndpoint, s3Endpoint: endpoints.s3Endpoint });
  return { clients, table: config.table, bucket: config.bucket };
}
