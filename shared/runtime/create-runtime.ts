import type { GroupsContext } from '../groups/groups-context.js';
import { KeyService } from '../keys/key-service.js';
import type { LogContext } from '../log/log-context.js';
import type { MaintenanceContext } from '../maintenance/maintenance-context.js';
import type { ReplaysContext } from '../replays/replay-service.js';
import { GroupStore } from '../storage/group-store.js';
import { KeyStore } from '../storage/key-store.js';
import type { SubscriptionsContext } from '../subscriptions/subscriptions-context.js';
import { buildLog } from './log.js';
import { buildMaintenance, buildReplays } from './maintenance.js';
import type { RuntimeOptions, StorageLocation } from './options.js';
import { buildSubscriptions } from './subscriptions.js';

/**
 * The one composition root (this folder): clients → stores → capability contexts, built
 * once per process. Lambda handlers, local mode, the bench and the test stack call
 * `createRuntime` (or, for the dispatcher and maintenance functions, the narrower
 * `createDispatcherRuntime` / `createMaintenanceRuntime`, so their bundles stay small) and
 * hand what it built to `createApp`, the dispatcher or the maintenance pass. Nothing else
 * constructs a store or a context; here each store is bound to the port its capability
 * declares, which is where the compiler checks that it fits.
 */
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
  const { clients, table, bucket } = options;
  const log = buildLog(options);
  const subscriptions = buildSubscriptions(log, options);
  const replays = buildReplays(log, subscriptions, options);
  const groups: GroupsContext = { log, store: new GroupStore(clients, table) };
  const maintenance = buildMaintenance(log, subscriptions, replays, groups.store, options);
  const keys = options.rootKey === undefined ? undefined : new KeyService(new KeyStore(clients, table), log.clock, options.rootKey);
  return { clients, table, bucket, log, groups, subscriptions, replays, maintenance, keys };
}
