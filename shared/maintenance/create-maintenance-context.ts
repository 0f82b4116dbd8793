import type { LogContext } from '../log/log-context.js';
import { GroupStore } from '../storage/group-store.js';
import { MaintenanceStore } from '../storage/maintenance-store.js';
import { DEFAULT_MAINTENANCE_SETTINGS, type MaintenanceContext, type MaintenanceSettings } from './maintenance-context.js';

export function createMaintenanceContext(log: LogContext, settings: Partial<MaintenanceSettings> = {}): MaintenanceContext {
  const { clients, table, bucket } = log.store;
  return {
    log,
    store: new MaintenanceStore(clients, table, bucket),
    groups: new GroupStore(clients, table),
    settings: { ...DEFAULT_MAINTENANCE_SETTINGS, ...settings },
  };
}
