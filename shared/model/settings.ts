/**
 * Defaults of the tunable settings, written once: `config.ts` parses the environment with
 * them and the composition root fills in what a caller (a test, the bench) leaves out.
 */

/** How long a produce keeps retrying a contended commit before answering 503. */
export const DEFAULT_COMMIT_BUDGET_MS = 10_000;

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
