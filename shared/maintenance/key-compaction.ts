import { ulid } from 'ulid';
import type { DecodedRecord, RecordBatch } from '../log/record-batch-codec.js';
import { filterRecordBatch } from '../log/record-batch-filter.js';
import type { IndexEntry, PartitionHead } from '../model/log-index.js';
import { isCompacted, type Topic } from '../model/topic.js';
import { segmentKey } from '../storage/object-keys.js';
import { appendTimeOf } from './entry-batches.js';
import type { MaintenanceContext } from './maintenance-context.js';
import { BatchCache, buildOffsetMap, keyOf } from './offset-map.js';

/** A swap is one transaction of ≤ 100 items: 98 entries, the replacement overwriting the last, and the head. */
const ENTRIES_PER_SWAP = 98;
/** Rewritten ranges stay readable by one fetch page (as compaction.ts's segment entries). */
const SWAP_MAX_BYTES = 4 * 1024 * 1024;
/** Keeps a replacement's time index far below DynamoDB's 400 KB item limit. */
const SWAP_MAX_TIME_PAIRS = 4_000;

export interface KeyCompactionResult {
  /** Why the cleaner ran, or null when it was not due. */
  reason: string | null;
  /** Dirty bytes / cleanable bytes when the pass looked (Kafka's cleanable ratio). */
  dirtyRatio: number;
  recordsRemoved: number;
  tombstonesRemoved: number;
  /** Records without a key (written before the topic became compacted): Kafka's cleaner drops them too. */
  keylessRemoved: number;
  bytesRemoved: number;
  entriesReplaced: number;
  segments: string[];
  /** Objects whose entries were replaced: candidates for the object sweep once unreferenced. */
  released: Set<string>;
  /** False when it stopped early (budget, or a lost race); the next pass resumes. */
  complete: boolean;
}

interface PlannedSwap {
  old: IndexEntry[];
  parts: Buffer[];
  replacement: Omit<IndexEntry, 'objectKey' | 'byteOffset'> | undefined;
  bytesRemoved: number;
}

/**
 * Kafka's log cleaner for one partition of a compacted topic. The cleanable range is the
 * entries from the log start up to (not including) the last entry of the partition — never
 * cleaned, so the last offset stays readable — or the first entry younger than
 * minLagMs. When due (dirty ratio, maxLagMs, an expiring tombstone, or an interrupted
 * cleaning), it maps each key from the cleaner checkpoint to the head to its latest
 * offset, then rewrites the whole cleanable range keeping a record only if it is the latest
 * of its key, dropping tombstones appended more than deleteRetentionMs ago. Offsets never
 * change: the log gets gaps, the high watermark and log start do not move.
 *
 * Crash safety: new segment objects are written first; each swap of entries is one
 * transaction conditional on the entries as read (it also lowers the head's bytes and marks
 * the cleaning under way, so a crashed one is resumed whatever the ratio says then); the
 * checkpoint moves last, conditional on where it was. Replaced objects are left to the
 * object sweep, which deletes only what no entry refers to.
 */
export async function compactKeys(
  ctx: MaintenanceContext,
  topic: Topic,
  partition: number,
  head: PartitionHead,
  entries: readonly IndexEntry[],
  now: number,
  deadline: number,
): Promise<KeyCompactionResult> {
  const result: KeyCompactionResult = {
    reason: null,
    dirtyRatio: 0,
    recordsRemoved: 0,
    tombstonesRemoved: 0,
    keylessRemoved: 0,
    bytesRemoved: 0,
    entriesReplaced: 0,
    segments: [],
    released: new Set(),
    complete: true,
  };
  if (!isCompacted(topic)) return result;
  const settings = topic.compaction;
  const checkpoint = head.cleaner?.checkpoint ?? 0;
  const cleanable = cleanableEntries(entries, now - settings.minLagMs);
  const dirty = cleanable.filter((e) => e.lastOffset >= checkpoint);
  const cleanableBytes = sumBytes(cleanable);
  result.dirtyRatio = cleanableBytes > 0 ? sumBytes(dirty) / cleanableBytes : 0;
  result.reason = cleaningDue(head, dirty, result.dirtyRatio, topic, now);
  if (result.reason === null || cleanable.length === 0) return result;

  // The map covers the dirty part AND the uncleanable tail: a record superseded by one in
  // the last batch goes too (the latest stays readable there), so a quiet changelog ends up
  // holding each key once.
  const mapped = entries.filter((e) => e.lastOffset >= checkpoint);
  const cache = new BatchCache();
  const { latest, end } = await buildOffsetMap(ctx, mapped, cleanable.at(-1)!.lastOffset + 1, cache);
  const range = cleanable.filter((e) => e.lastOffset < end);
  const deleteHorizon = now - settings.deleteRetentionMs;
  let nextTombstoneExpiry: number | null = null;
  let pending: PlannedSwap[] = [];
  let pendingBytes = 0;

  const flush = async (): Promise<boolean> => {
    const swaps = pending;
    pending = [];
    pendingBytes = 0;
    return applySwaps(ctx, topic, partition, swaps, end, result);
  };

  for (const chunk of swapChunks(range)) {
    if (performance.now() > deadline) {
      result.complete = false;
      break;
    }
    const batches = await cache.read(ctx, chunk);
    const plan: PlannedSwap = { old: chunk, parts: [], replacement: undefined, bytesRemoved: 0 };
    const timeIndex: number[] = [];
    const retained: [RecordBatch, DecodedRecord[]][] = [];
    let removed = 0;
    let kept = 0;
    let maxTimestamp = -1;
    chunk.forEach((entry, i) => {
      for (const batch of batches[i]!) {
        const keep = batch.records.filter((r) => {
          const verdict = judge(r, latest, appendTimeOf(entry, r.offset), deleteHorizon);
          if (verdict === 'keep') return true;
          removed++;
          if (verdict === 'tombstone') result.tombstonesRemoved++;
          else if (verdict === 'keyless') result.keylessRemoved++;
          else result.recordsRemoved++;
          return false;
        });
        for (const r of keep) {
          if (r.value === null) {
            const expiry = appendTimeOf(entry, r.offset) + settings.deleteRetentionMs;
            nextTombstoneExpiry = nextTombstoneExpiry === null ? expiry : Math.min(nextTombstoneExpiry, expiry);
          }
          maxTimestamp = Math.max(maxTimestamp, r.timestamp);
        }
        if (keep.length > 0) timeIndex.push(keep[0]!.offset, appendTimeOf(entry, keep[0]!.offset));
        kept += keep.length;
        retained.push([batch, keep]);
      }
    });
    if (removed === 0) continue; // nothing to drop here: left as it is, no PUT, no swap
    for (const [batch, keep] of retained) plan.parts.push(...filterRecordBatch(batch, keep));
    const byteLength = plan.parts.reduce((n, p) => n + p.length, 0);
    plan.bytesRemoved = sumBytes(chunk) - byteLength;
    if (kept > 0) {
      plan.replacement = {
        baseOffset: timeIndex[0]!,
        lastOffset: chunk.at(-1)!.lastOffset,
        recordCount: kept,
        byteLength,
        appendTime: Math.max(...chunk.map((e) => e.appendTime)),
        maxTimestamp,
        tier: 'hot',
        timeIndex,
      };
    }
    pending.push(plan);
    pendingBytes += byteLength;
    if (pendingBytes >= ctx.settings.segmentBytes && !(await flush())) return result;
  }
  if (!(await flush())) return result;
  if (!result.complete) return result;

  const cleanBytes = sumBytes(range) - result.bytesRemoved;
  if (!(await ctx.entries.finishCleaning(topic.topicId, partition, checkpoint, { checkpoint: end, cleanBytes, nextTombstoneExpiry }))) result.complete = false;
  return result;
}

/** From the log start, the entries older than the lag, stopping before the partition's last entry. */
function cleanableEntries(entries: readonly IndexEntry[], appendedBy: number): IndexEntry[] {
  const cleanable: IndexEntry[] = [];
  for (const e of entries.slice(0, -1)) {
    if (e.appendTime > appendedBy) break;
    cleanable.push(e);
  }
  return cleanable;
}

/** Kafka's triggers, plus resuming a cleaning a crash interrupted; null when none holds. */
function cleaningDue(head: PartitionHead, dirty: readonly IndexEntry[], ratio: number, topic: Topic, now: number): string | null {
  const { minCleanableDirtyRatio, maxLagMs } = topic.compaction;
  if (head.cleaner?.cleaningUpTo != null) return 'resuming an interrupted cleaning';
  if (dirty.length > 0 && ratio >= minCleanableDirtyRatio) return `dirty ratio ${ratio.toFixed(3)} ≥ minCleanableDirtyRatio ${minCleanableDirtyRatio}`;
  const firstDirtyAppend = dirty[0]?.timeIndex?.[1] ?? dirty[0]?.appendTime;
  if (maxLagMs !== null && firstDirtyAppend !== undefined && firstDirtyAppend <= now - maxLagMs) return `dirty records older than maxLagMs ${maxLagMs}`;
  const expiry = head.cleaner?.nextTombstoneExpiry ?? null;
  if (expiry !== null && expiry <= now) return 'a tombstone passed deleteRetentionMs';
  return null;
}

type Verdict = 'keep' | 'superseded' | 'tombstone' | 'keyless';

function judge(r: DecodedRecord, latest: ReadonlyMap<string, number>, appendTime: number, deleteHorizon: number): Verdict {
  if (r.key === null) return 'keyless';
  const newest = latest.get(keyOf(r.key));
  if (newest !== undefined && r.offset < newest) return 'superseded';
  if (r.value === null && appendTime <= deleteHorizon) return 'tombstone';
  return 'keep';
}

const sumBytes = (entries: readonly IndexEntry[]): number => entries.reduce((n, e) => n + e.byteLength, 0);

/** Consecutive entries per swap: ≤ 98, ≤ 4 MiB and a bounded time index (a lone larger entry stands alone). */
function swapChunks(entries: readonly IndexEntry[]): IndexEntry[][] {
  const chunks: IndexEntry[][] = [];
  let current: IndexEntry[] = [];
  let bytes = 0;
  let pairs = 0;
  for (const e of entries) {
    const ePairs = (e.timeIndex?.length ?? 2) / 2;
    if (current.length > 0 && (current.length >= ENTRIES_PER_SWAP || bytes + e.byteLength > SWAP_MAX_BYTES || pairs + ePairs > SWAP_MAX_TIME_PAIRS)) {
      chunks.push(current);
      current = [];
      bytes = 0;
      pairs = 0;
    }
    current.push(e);
    bytes += e.byteLength;
    pairs += ePairs;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Writes the planned swaps' bytes as one segment object, then swaps each in offset order.
 * A swap lost to a race (a concurrent run) stops the cleaning; a transaction conflict with
 * a produce committing to the same head is retried.
 */
async function applySwaps(ctx: MaintenanceContext, topic: Topic, partition: number, swaps: readonly PlannedSwap[], upTo: number, result: KeyCompactionResult): Promise<boolean> {
  if (swaps.length === 0) return true;
  const withBytes = swaps.filter((s) => s.replacement !== undefined);
  let objectKey = '';
  if (withBytes.length > 0) {
    objectKey = segmentKey(topic.name, topic.topicId, partition, withBytes[0]!.replacement!.baseOffset, ulid());
    await ctx.objects.putSegment(objectKey, Buffer.concat(withBytes.flatMap((s) => s.parts)), {
      'topic-id': topic.topicId,
      partition: String(partition),
      'base-offset': String(withBytes[0]!.replacement!.baseOffset),
      writer: 'log-cleaner',
    });
    result.segments.push(objectKey);
  }
  let byteOffset = 0;
  for (const swap of swaps) {
    const replacement = swap.replacement ? { ...swap.replacement, objectKey, byteOffset } : undefined;
    let swapped = false;
    for (let attempt = 0; attempt < 3 && !swapped; attempt++) {
      swapped = await ctx.entries.replaceCleanedEntries(topic.topicId, partition, swap.old, replacement, { upTo, bytesRemoved: swap.bytesRemoved });
    }
    if (!swapped) {
      result.complete = false;
      return false;
    }
    byteOffset += swap.replacement?.byteLength ?? 0;
    result.bytesRemoved += swap.bytesRemoved;
    result.entriesReplaced += swap.old.length;
    for (const e of swap.old) result.released.add(e.objectKey);
  }
  return true;
}
