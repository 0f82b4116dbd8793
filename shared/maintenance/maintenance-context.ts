import type { LogContext } from '../log/log-context.js';
import type { MaintenanceSettings } from '../model/settings.js';
import type { SubscriptionReplayer } from '../replays/replay-runner.js';
import type { ReplaysContext } from '../replays/replay-service.js';
import type { GroupStorage } from '../groups/group-storage.js';
import type { SubscriptionStorage } from '../subscriptions/subscription-storage.js';
import type { IndexEntryStorage, LeaseStorage, ObjectStorage } from './maintenance-storage.js';

export interface MaintenanceContext {
  log: LogContext;
  entries: IndexEntryStorage;
  leases: LeaseStorage;
  objects: ObjectStorage;
  groups: GroupStorage;
  /** Read each pass for their backlog and state (signals.ts); maintenance writes nothing there. */
  subscriptions: SubscriptionStorage;
  replays: ReplaysContext;
  /** Delivers replayed records to a subscription; absent where subscriptions are not wired. */
  replayer?: SubscriptionReplayer | undefined;
  settings: MaintenanceSettings;
}
