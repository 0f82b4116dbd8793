import type { LogContext } from '../log/log-context.js';
import { subscriptionExists, subscriptionReplayer } from '../replays/subscription-replayer.js';
import { GroupStore } from '../storage/group-store.js';
import { MaintenanceStore } from '../storage/maintenance-store.js';
import { ReplayStore } from '../storage/replay-store.js';
import type { SubscriptionsContext } from '../subscriptions/subscriptions-context.js';
import { DEFAULT_MAINTENANCE_SETTINGS, type MaintenanceContext, type MaintenanceSettings } from './maintenance-context.js';

export function createMaintenanceContext(log: LogContext, settings: Partial<MaintenanceSettings> = {}, subscriptions?: SubscriptionsContext): MaintenanceContext {
  const { clients, table, bucket } = log.store;
  return {
    log,
    store: new MaintenanceStore(clients, table, bucket),
    groups: new GroupStore(clients, table),
    replays: {
      log,
      store: new ReplayStore(clients, table),
      ...(subscriptions ? { subscriptionExists: (id: string) => subscriptionExists(subscriptions, id) } : {}),
    },
    replayer: subscriptions ? subscriptionReplayer(subscriptions) : undefined,
    settings: { ...DEFAULT_MAINTENANCE_SETTINGS, ...settings },
  };
}
