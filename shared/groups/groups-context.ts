import type { LogContext } from '../log/log-context.js';
import type { GroupStorage } from './group-storage.js';

export interface GroupsContext {
  log: LogContext;
  store: GroupStorage;
}

export const SESSION_TIMEOUT = { min: 6_000, max: 300_000, default: 30_000 } as const;
