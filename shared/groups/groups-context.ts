import type { LogContext } from '../log/log-context.js';
import type { GroupStore } from '../storage/group-store.js';

export interface GroupsContext {
  log: LogContext;
  store: GroupStore;
}

export const SESSION_TIMEOUT = { min: 6_000, max: 300_000, default: 30_000 } as const;
