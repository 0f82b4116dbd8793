import { type Command, Option } from 'commander';
import type { components } from '../generated/openapi.js';
import { UsageError } from './output.js';

type S = components['schemas'];
export type CleanupPolicy = NonNullable<S['CreateTopicRequest']['cleanupPolicy']>;
/** Kafka's cleanup.policy values, as the API takes them. */
export const CLEANUP_POLICIES: CleanupPolicy[] = ['delete', 'compact', 'compact,delete'];

export interface CompactionFlags {
  cleanupPolicy?: CleanupPolicy;
  minCompactionLagMs?: string;
  maxCompactionLagMs?: string;
  deleteRetentionMs?: string;
  minCleanableDirtyRatio?: string;
}

/** `--cleanup-policy` and the compaction settings, under Kafka's config names (cleanup.policy, min.compaction.lag.ms, …). */
export function addCompactionFlags(command: Command): Command {
  return command
    .addOption(new Option('--cleanup-policy <policy>', 'delete (retention), compact (latest record per key) or both').choices(CLEANUP_POLICIES))
    .option('--min-compaction-lag-ms <ms>', 'a record stays uncompacted at least this long')
    .option('--max-compaction-lag-ms <ms>', "clean once a dirty record is this old ('none': no bound)")
    .option('--delete-retention-ms <ms>', 'how long a tombstone (null value) stays readable')
    .option('--min-cleanable-dirty-ratio <r>', 'clean when dirty bytes / bytes reach this (0 to 1)');
}

const ms = (text: string, flag: string): number => {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be a non-negative integer of milliseconds, not '${text}'`);
  return Number(text);
};

/** The request's `cleanupPolicy` and `compaction` fields for the flags given (none when no flag is). */
export function compactionRequest(o: CompactionFlags): Pick<S['UpdateTopicRequest'], 'cleanupPolicy' | 'compaction'> {
  const compaction: S['Compaction'] = {};
  if (o.minCompactionLagMs !== undefined) compaction.minLagMs = ms(o.minCompactionLagMs, '--min-compaction-lag-ms');
  if (o.maxCompactionLagMs !== undefined) compaction.maxLagMs = o.maxCompactionLagMs === 'none' ? null : ms(o.maxCompactionLagMs, '--max-compaction-lag-ms');
  if (o.deleteRetentionMs !== undefined) compaction.deleteRetentionMs = ms(o.deleteRetentionMs, '--delete-retention-ms');
  if (o.minCleanableDirtyRatio !== undefined) {
    const r = Number(o.minCleanableDirtyRatio);
    if (!/^\d*\.?\d+$/.test(o.minCleanableDirtyRatio) || r > 1) throw new UsageError(`--min-cleanable-dirty-ratio must be a number from 0 to 1, not '${o.minCleanableDirtyRatio}'`);
    compaction.minCleanableDirtyRatio = r;
  }
  return {
    ...(o.cleanupPolicy ? { cleanupPolicy: o.cleanupPolicy } : {}),
    ...(Object.keys(compaction).length > 0 ? { compaction } : {}),
  };
}

/** How `topics describe` shows a ratio: 0.42 → "0.42", null (not compacted) → "-". */
export const ratio = (r: number | null | undefined) => (r === null || r === undefined ? null : r.toFixed(2));

/** The policy, and under it the compaction settings when the topic is compacted (each line < 80 columns). */
export function describePolicy(t: S['Topic'], duration: (ms: number) => string): string[] {
  if (t.cleanupPolicy === 'delete') return ['cleanup policy delete'];
  const c = t.compaction;
  return [
    `cleanup policy ${t.cleanupPolicy}, delete retention (tombstones) ${duration(c.deleteRetentionMs)}`,
    `compaction lag min ${duration(c.minLagMs)}, max ${c.maxLagMs === null ? 'none' : duration(c.maxLagMs)}; min cleanable dirty ratio ${c.minCleanableDirtyRatio}`,
  ];
}
