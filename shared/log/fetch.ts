import { mapWithConcurrency } from '../concurrency.js';
import { CorruptRecordBatchError, OffsetOutOfRangeError } from '../errors.js';
import type { IndexEntry, PartitionHead } from '../model/log-index.js';
import type { Topic } from '../model/topic.js';
import { FETCH_POLL_INTERVAL_MS } from './limits.js';
import type { LogContext } from './log-context.js';
import { topicWithPartition } from './partition-lookup.js';
import { type DecodedRecord, decodeRecordBatches } from './record-batch-codec.js';
import { recordSize } from './record-size.js';

export interface FetchRequest {
  topic: string;
  partition: number;
  /** The log start offset when absent. */
  offset?: number | undefined;
  limit: number;
  /** A soft bound: the first record is returned even when it alone is larger (as in Kafka). */
  maxBytes: number;
  /** Long-poll: wait up to this long for records when `offset` is the high watermark. */
  waitMs: number;
}

export interface FetchResult {
  records: DecodedRecord[];
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

/** Ranged GETs in flight at once for one fetch. */
const GET_CONCURRENCY = 16;

/** Where a fetch starts: the offset checked against the log, after any long-poll wait. */
export interface FetchPosition {
  topic: Topic;
  head: PartitionHead;
  offset: number;
  bounds: { highWatermark: number; logStartOffset: number };
}

/** Checks the offset and long-polls at the high watermark; shared by the fetch of bytes and the direct fetch. */
export async function positionFetch(ctx: LogContext, req: FetchRequest): Promise<FetchPosition> {
  const topic = await topicWithPartition(ctx, req.topic, req.partition);
  let head = await ctx.store.readHead(topic.topicId, req.partition);
  const offset = req.offset ?? head.logStartOffset;
  if (offset < head.logStartOffset || offset > head.nextOffset) {
    throw new OffsetOutOfRangeError(offset, head.logStartOffset, head.nextOffset);
  }
  if (offset === head.nextOffset && req.waitMs > 0) {
    head = await waitForRecords(ctx, topic.topicId, req.partition, offset, req.waitMs, head);
  }
  return { topic, head, offset, bounds: { highWatermark: head.nextOffset, logStartOffset: head.logStartOffset } };
}

export async function fetchRecords(ctx: LogContext, req: FetchRequest): Promise<FetchResult> {
  const { topic, head, offset, bounds } = await positionFetch(ctx, req);
  if (offset >= head.nextOffset) return { records: [], nextOffset: offset, ...bounds };

  const entries = await entriesToRead(ctx, topic.topicId, req, offset, head);
  const chunks = await mapWithConcurrency(coalesce(entries), GET_CONCURRENCY, async (range) => {
    const bytes = await ctx.store.getRange(range.objectKey, range.byteOffset, range.byteLength);
    // Objects under batches/ store base offset 0 and segments their real one: the shift
    // from what is stored to what the index says covers both.
    let batches: ReturnType<typeof decodeRecordBatches>;
    try {
      batches = decodeRecordBatches(bytes);
    } catch (err) {
      if (!(err instanceof CorruptRecordBatchError)) throw err;
      return new CorruptRecordBatchError(`offsets ${range.baseOffset}..${range.lastOffset} of ${req.topic}/${req.partition} cannot be read: ${err.message}`, {
        topic: req.topic,
        partition: req.partition,
        baseOffset: range.baseOffset,
        lastOffset: range.lastOffset,
      });
    }
    const shift = range.baseOffset - (batches[0]?.baseOffset ?? 0);
    return batches.flatMap((b) => b.records.map((r) => ({ ...r, offset: r.offset + shift })));
  });

  const records: DecodedRecord[] = [];
  let bytes = 0;
  let cut = false;
  fill: for (const chunk of chunks) {
    // Records before an unreadable batch are answered; the fetch that starts at it fails, naming its offsets.
    if (chunk instanceof CorruptRecordBatchError) {
      if (records.length === 0) throw chunk;
      cut = true;
      break;
    }
    for (const r of chunk) {
      if (r.offset < offset || r.offset >= head.nextOffset) continue;
      const size = recordSize(r);
      if (records.length >= req.limit || (records.length > 0 && bytes + size > req.maxBytes)) {
        cut = true;
        break fill;
      }
      records.push(r);
      bytes += size;
    }
  }
  ctx.metrics.add('RecordsFetched', 'Count', records.length);
  ctx.metrics.add('BytesFetched', 'Bytes', bytes);
  return { records, nextOffset: nextOffsetAfter(records, cut, entries, offset, head.nextOffset), ...bounds };
}

/**
 * Where the next fetch goes on: after the last record answered or, when every record of
 * the entries read was answered, after the last entry read — so offsets key compaction
 * removed (the gaps of a compacted log) are jumped over, even by a fetch that found none.
 */
function nextOffsetAfter(records: readonly DecodedRecord[], cut: boolean, entries: readonly IndexEntry[], offset: number, highWatermark: number): number {
  const afterRecords = records.length > 0 ? records.at(-1)!.offset + 1 : offset;
  const lastEntry = entries.at(-1);
  if (cut || lastEntry === undefined) return afterRecords;
  return Math.max(afterRecords, Math.min(lastEntry.lastOffset + 1, highWatermark));
}

/** The index entries covering `offset` onwards, just enough for `limit` and `maxBytes`. */
export async function entriesToRead(ctx: LogContext, topicId: string, req: FetchRequest, offset: number, head: PartitionHead): Promise<IndexEntry[]> {
  const wanted = (entries: IndexEntry[]) => {
    let records = 0;
    let bytes = 0;
    for (const [i, e] of entries.entries()) {
      if (e.baseOffset >= head.nextOffset) return i;
      // A compacted entry holds fewer records than offsets: count what it holds.
      records += e.baseOffset >= offset ? e.recordCount : e.lastOffset - offset + 1;
      bytes += e.byteLength;
      if (records >= req.limit || bytes >= req.maxBytes || e.lastOffset >= head.nextOffset - 1) return i + 1;
    }
    return entries.length;
  };
  const entries = await ctx.store.entriesFrom(topicId, req.partition, offset, (es) => wanted(es) < es.length);
  return entries.slice(0, wanted(entries));
}

/** A byte range of one object holding the batches of offsets baseOffset..lastOffset. */
export interface ObjectRange {
  objectKey: string;
  byteOffset: number;
  byteLength: number;
  baseOffset: number;
  lastOffset: number;
}

/** Adjacent entries in one object (a segment's) are read with one ranged GET. */
export function coalesce(entries: readonly IndexEntry[]): ObjectRange[] {
  const ranges: ObjectRange[] = [];
  for (const e of entries) {
    const last = ranges.at(-1);
    if (last && last.objectKey === e.objectKey && last.byteOffset + last.byteLength === e.byteOffset) {
      last.byteLength += e.byteLength;
      last.lastOffset = e.lastOffset;
    } else ranges.push({ objectKey: e.objectKey, byteOffset: e.byteOffset, byteLength: e.byteLength, baseOffset: e.baseOffset, lastOffset: e.lastOffset });
  }
  return ranges;
}

async function waitForRecords(ctx: LogContext, topicId: string, partition: number, offset: number, waitMs: number, head: PartitionHead) {
  const deadline = performance.now() + waitMs;
  let current = head;
  while (current.nextOffset <= offset) {
    const remaining = deadline - performance.now();
    if (remaining <= 0) break;
    await ctx.notifier.waitForAppend(topicId, partition, Math.min(remaining, FETCH_POLL_INTERVAL_MS));
    current = await ctx.store.readHead(topicId, partition);
  }
  return current;
}
