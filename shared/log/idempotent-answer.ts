import type { IdempotencyRecord } from '../model/commit.js';
import type { LogContext } from './log-context.js';

/**
 * Does a stored idempotent answer still describe records that hold this request's data?
 * It is only ever replayed if so. The record is written in the same transaction as the
 * index entries, so on AWS this always holds; an emulator that tears or forgets a
 * transaction (docs/local-mode.md) could otherwise make a retry answer offsets that now
 * hold another producer's records.
 *
 * Per partition, the entry holding the answer's base offset must be the one this request
 * committed (same object, same offsets); after compaction, a segment entry covering the
 * range that started a batch at that base offset; after retention, a log start past the
 * range (the records aged out, the answer was true); after key compaction, a cleaner
 * checkpoint past the range (its records may have been superseded and removed).
 */
export async function answerStillHolds(ctx: LogContext, topicId: string, earlier: IdempotencyRecord, recordPartitions: readonly number[]): Promise<boolean> {
  const counts = new Map<number, number>();
  for (const p of recordPartitions) counts.set(p, (counts.get(p) ?? 0) + 1);
  const checks = Object.entries(earlier.baseOffsets).map(async ([partitionText, base]) => {
    const partition = Number(partitionText);
    const last = base + (counts.get(partition) ?? 0) - 1;
    const [entry] = await ctx.store.entriesFrom(topicId, partition, base, (entries) => entries.length > 0);
    if (entry !== undefined && entry.baseOffset <= base) {
      if (entry.objectKey === earlier.objectKey || earlier.objectKey === undefined) {
        if (entry.baseOffset === base && entry.lastOffset === last) return true;
      }
      if (entry.timeIndex !== undefined && entry.lastOffset >= last && batchStartsIn(entry.timeIndex, base)) return true;
    }
    // Retention removed the range, or key compaction went over it (its records may be superseded).
    const head = await ctx.store.readHead(topicId, partition);
    return head.logStartOffset > last || Math.max(head.cleaner?.checkpoint ?? 0, head.cleaner?.cleaningUpTo ?? 0) > last;
  });
  return (await Promise.all(checks)).every(Boolean);
}

/** A segment's time index is `[baseOffset, appendTime]` pairs of the batches it holds. */
function batchStartsIn(timeIndex: readonly number[], base: number): boolean {
  for (let i = 0; i < timeIndex.length; i += 2) if (timeIndex[i] === base) return true;
  return false;
}
