import type { LogContext } from '../log/log-context.js';
import type { MaintenanceSettings } from '../model/settings.js';
import type { SubscriptionReplayer } from '../replays/replay-runner.js';
import type { ReplaysContext } from '../replays/replay-service.js';
import type { GroupStore } from '../storage/group-store.js';
import type { MaintenanceStore } from '../storage/maintenance-store.js';

export interface MaintenanceContext {
  log: LogContext;
  store: MaintenanceStore;
  groups: GroupStore;
  replays: ReplaysContext;
  /** Delivers replayed records to a subscription; absent where subscriptions are not wired. */
  replayer?: SubscriptionReplayer | undefined;
  settings: MaintenanceSettings;
}
