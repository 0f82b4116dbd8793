import type { LogContext } from '../log/log-context.js';
import type { SubscriptionReplayer } from '../replays/replay-runner.js';
import type { ReplaysContext } from '../replays/replay-service.js';
import type { GroupStore } from '../storage/group-store.js';
import type { MaintenanceStore } from '../storage/maintenance-store.js';

export interface MaintenanceSettings {
  /** Batch objects older than this are compacted into segments (default 10 min). */
  compactAfterMs: number;
  /** Target size of one segment object (default 64 MiB). */
  segmentBytes: number;
  /** Unreferenced objects older than this are orphans and deleted (default 1 h). */
  orphanGraceMs: number;
  /** Storage class of cold segments; never one that needs a restore (default STANDARD_IA). */
  coldStorageClass: string;
  /** A run stops starting new work after this long (the rest waits for the next run). */
  runBudgetMs: number;
}

export const DEFAULT_MAINTENANCE_SETTINGS: MaintenanceSettings = {
  compactAfterMs: 10 * 60_000,
  segmentBytes: 64 * 1024 * 1024,
  orphanGraceMs: 60 * 60_000,
  coldStorageClass: 'STANDARD_IA',
  runBudgetMs: 60_000,
};

export interface MaintenanceContext {
  log: LogContext;
  store: MaintenanceStore;
  groups: GroupStore;
  replays: ReplaysContext;
  /** Delivers replayed records to a subscription; absent where subscriptions are not wired. */
  replayer?: SubscriptionReplayer | undefined;
  settings: MaintenanceSettings;
}

/** Index entries whose records sit in a segment object rather than a produce's batch object. */
export const isSegmentKey = (objectKey: string): boolean => objectKey.startsWith('segments/');
