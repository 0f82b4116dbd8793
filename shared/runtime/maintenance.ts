import type { GroupStorage } from '../groups/group-storage.js';
import type { LogContext } from '../log/log-context.js';
import type { MaintenanceContext } from '../maintenance/maintenance-context.js';
import { DEFAULT_MAINTENANCE_SETTINGS } from '../model/settings.js';
import type { ReplaysContext } from '../replays/replay-service.js';
import { subscriptionExists, subscriptionReplayer } from '../replays/subscription-replayer.js';
import { GroupStore } from '../storage/group-store.js';
import { IndexEntryStore } from '../storage/index-entry-store.js';
import { LeaseStore } from '../storage/lease-store.js';
import { ObjectStore } from '../storage/object-store.js';
import { ReplayStore } from '../storage/replay-store.js';
import type { SubscriptionsContext } from '../subscriptions/subscriptions-context.js';
import { buildLog } from './log.js';
import type { RuntimeOptions } from './options.js';
import { buildSubscriptions } from './subscriptions.js';

/** Replay jobs; replays into subscriptions deliver through the same signed path (and SSRF guard) as the dispatcher. */
export function buildReplays(log: LogContext, subscriptions: SubscriptionsContext, options: RuntimeOptions): ReplaysContext {
  return { log, store: new ReplayStore(options.clients, options.table), subscriptionExists: (id) => subscriptionExists(subscriptions, id) };
}

export function buildMaintenance(log: LogContext, subscriptions: SubscriptionsContext, replays: ReplaysContext, groups: GroupStorage, options: RuntimeOptions): MaintenanceContext {
  const { clients, table, bucket } = options;
  return {
    log,
    entries: new IndexEntryStore(clients, table),
    leases: new LeaseStore(clients, table),
    objects: new ObjectStore(clients, table, bucket),
    groups,
    subscriptions: subscriptions.store,
    replays,
    replayer: subscriptionReplayer(subscriptions),
    settings: { ...DEFAULT_MAINTENANCE_SETTINGS, ...options.maintenance },
  };
}

/** The maintenance function's part of the runtime: log, subscriptions (for replays) and maintenance. */
export function createMaintenanceRuntime(options: RuntimeOptions): { maintenance: MaintenanceContext } {
  const log = buildLog(options);
  const subscriptions = buildSubscriptions(log, options);
  const groups = new GroupStore(options.clients, options.table);
  return { maintenance: buildMaintenance(log, subscriptions, buildReplays(log, subscriptions, options), groups, options) };
}
