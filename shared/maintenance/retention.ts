import type { IndexEntry, PartitionHead } from '../model/log-index.js';
import { deletesByRetention, type Topic } from '../model/topic.js';
import type { MaintenanceContext } from './maintenance-context.js';

export interface RetentionResult {
  removed: number;
  logStartOffset: number | null;
  released: Set<string>;
}

/**
 * Kafka's retention.ms and retention.bytes, by whole index entries, oldest first. An
 * entry goes only when ALL its records are older than retention.ms (one straddling the
 * bound stays), or when the partition stays at or above retention.bytes without it (so a
 * partition ends under its bound plus at most one entry). Applies to cleanup.policy
 * `delete` and `compact,delete`, whatever the records' keys.
 */
export async function enforceRetention(ctx: MaintenanceContext, topic: Topic, partition: number, head: PartitionHead, entries: readonly IndexEntry[], now: number): Promise<RetentionResult> {
  const result: RetentionResult = { removed: 0, logStartOffset: null, released: new Set() };
  // cleanup.policy=compact alone keeps every key's latest record however old (Kafka's rule).
  if (!deletesByRetention(topic)) return result;
  const checkpoint = head.cleaner?.checkpoint ?? 0;
  const { ms, bytes } = topic.retention;
  let size = entries.reduce((n, e) => n + e.byteLength, 0);
  for (const e of entries) {
    const expired = ms >= 0 && e.appendTime < now - ms;
    const oversize = bytes >= 0 && size - e.byteLength >= bytes;
    if (!expired && !oversize) break;
    if (!(await ctx.entries.removeOldestEntry(topic.topicId, partition, e, e.lastOffset < checkpoint))) break;
    result.removed++;
    result.logStartOffset = e.lastOffset + 1;
    result.released.add(e.objectKey);
    size -= e.byteLength;
  }
  return result;
}
