import { ulid } from 'ulid';
import { mapWithConcurrency } from '../concurrency.js';
import { decodeRecordBatch } from '../log/record-batch-codec.js';
import type { IndexEntry } from '../model/log-index.js';
import type { Topic } from '../model/topic.js';
import { isSegmentKey, segmentKey } from '../storage/object-keys.js';
import type { MaintenanceContext } from './maintenance-context.js';

/** A transaction holds 100 items: one Put plus at most 98 Deletes per swap. */
const ENTRIES_PER_SWAP = 99;
/**
 * An index entry is the unit a fetch reads with one ranged GET; a fetch page is at most
 * 4 MiB, so larger entries would make it read (and pay for) bytes it then drops.
 */
const ENTRY_MAX_BYTES = 4 * 1024 * 1024;

export interface CompactionResult {
  entriesBefore: number;
  entriesAfter: number;
  segments: string[];
  /** Batch objects whose sections moved into segments: GC candidates once unreferenced. */
  released: Set<string>;
}

/**
 * Rewrites a partition's old batch entries into segment objects holding the same
 * RecordBatches with their real base offsets (Kafka's log segment layout), then swaps the
 * index entries, ≤ 99 at a time, each swap one transaction: every offset is covered by
 * exactly one entry at every moment. The batches are copied byte for byte (only the base
 * offset field changes; the CRC covers attributes..end), after their CRC is checked.
 */
export async function compactPartition(ctx: MaintenanceContext, topic: Topic, partition: number, entries: readonly IndexEntry[], now: number): Promise<CompactionResult> {
  const result: CompactionResult = { entriesBefore: entries.length, entriesAfter: entries.length, segments: [], released: new Set() };
  const cutoff = now - ctx.settings.compactAfterMs;
  for (const run of runsOfOldBatches(entries, cutoff)) {
    for (const segment of chunkEntries(run, ctx.settings.segmentBytes)) {
      const { objectKey, covered } = await writeSegment(ctx, topic, partition, segment);
      if (covered > 0) result.segments.push(objectKey);
      for (const e of segment.slice(0, covered)) result.released.add(e.objectKey);
      result.entriesAfter -= covered - swapChunks(segment.slice(0, covered)).length;
      // A swap lost a race (a concurrent run, or retention): leave the rest for next time.
      if (covered < segment.length) return result;
    }
  }
  return result;
}

/** Index entries a transaction swaps into one: ≤ 99 of them and ≤ 4 MiB (a lone larger batch stands alone). */
const swapChunks = (entries: readonly IndexEntry[]) => chunkEntries(entries, ENTRY_MAX_BYTES, ENTRIES_PER_SWAP);

/** Consecutive entries in groups of at most `maxBytes` and `maxCount`; an entry larger than `maxBytes` forms its own group. */
function chunkEntries(entries: readonly IndexEntry[], maxBytes: number, maxCount = Number.POSITIVE_INFINITY): IndexEntry[][] {
  const chunks: IndexEntry[][] = [];
  let current: IndexEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    if (current.length > 0 && (current.length >= maxCount || bytes + e.byteLength > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(e);
    bytes += e.byteLength;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function runsOfOldBatches(entries: readonly IndexEntry[], cutoff: number): IndexEntry[][] {
  const runs: IndexEntry[][] = [];
  let run: IndexEntry[] = [];
  for (const e of entries) {
    if (!isSegmentKey(e.objectKey) && e.appendTime < cutoff) run.push(e);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Writes one segment object and swaps the entries it covers; answers how many it covered. */
async function writeSegment(ctx: MaintenanceContext, topic: Topic, partition: number, entries: readonly IndexEntry[]): Promise<{ objectKey: string; covered: number }> {
  const parts = await mapWithConcurrency(entries, 16, async (e) => {
    const bytes = Buffer.from(await ctx.log.store.getRange(e.objectKey, e.byteOffset, e.byteLength));
    decodeRecordBatch(bytes); // throws CorruptRecordBatchError: never copy a bad batch
    bytes.writeBigInt64BE(BigInt(e.baseOffset), 0);
    return bytes;
  });
  const first = entries[0]!;
  const objectKey = segmentKey(topic.name, topic.topicId, partition, first.baseOffset, ulid());
  await ctx.objects.putSegment(objectKey, Buffer.concat(parts), { 'topic-id': topic.topicId, partition: String(partition), 'base-offset': String(first.baseOffset) });

  let covered = 0;
  let byteOffset = 0;
  for (const chunk of swapChunks(entries)) {
    const byteLength = chunk.reduce((n, e) => n + e.byteLength, 0);
    const replacement: IndexEntry = {
      baseOffset: chunk[0]!.baseOffset,
      lastOffset: chunk.at(-1)!.lastOffset,
      recordCount: chunk.reduce((n, e) => n + e.recordCount, 0),
      objectKey,
      byteOffset,
      byteLength,
      appendTime: Math.max(...chunk.map((e) => e.appendTime)),
      maxTimestamp: Math.max(...chunk.map((e) => e.maxTimestamp)),
      tier: 'hot',
      timeIndex: chunk.flatMap((e) => [e.baseOffset, e.appendTime]),
    };
    if (!(await ctx.entries.swapEntries(topic.topicId, partition, chunk, replacement))) break;
    covered += chunk.length;
    byteOffset += byteLength;
  }
  return { objectKey, covered };
}
