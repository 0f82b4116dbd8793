import { sizeOfVarint, sizeOfVarlong } from '../../shared/log/byte-writer.js';
import { RECORDS_OFFSET } from '../../shared/log/record-batch-decode.js';
import { PARTITION_PREFIX_BYTES } from '../../shared/log/record-batches-body.js';
import type { BatchRecord } from './batch-record.js';

/** The server's produce limits (shared/log/limits.ts): a request over them is refused whole. */
export const SERVER_LIMITS = {
  maxRequestBytes: 6_000_000,
  maxRecordBytes: 1024 * 1024,
  maxRecordsPerRequest: 10_000,
  maxPartitionsPerRequest: 49,
} as const;

/**
 * The answer's bytes per record (`{"partition":11,"offset":1234567890},`) and its JSON
 * wrapper. A batch's bytes count them, so a request and its answer together stay within
 * `batchMaxBytes`: API Gateway's HTTP API meters request + response per 512 KiB, and a full
 * 1 MiB request with its ~40 KB answer would be billed as three units instead of two.
 */
export const ANSWER_BYTES_PER_RECORD = 40;
export const WRAPPER_BYTES = 512;
/** Each partition's part of the request body: its int32 partition and its RecordBatch header (the bytes before its records). */
export const SECTION_BYTES = PARTITION_PREFIX_BYTES + RECORDS_OFFSET;
/**
 * A record's length prefix, offsetDelta and timestampDelta as a queue counts them before its
 * batch is cut (about what they take: 2-3 bytes each for 1 KiB records sent ms apart);
 * `take` counts them exactly once the record's place in its batch is known.
 */
const RECORD_FRAMING_ESTIMATE = 7;
/** What a record adds to its queue, and (without the answer) what `send` reserves of maxInFlightBytes. */
export const estimatedBytes = (r: BatchRecord) => r.bodyBytes + RECORD_FRAMING_ESTIMATE;
const cost = (p: Pending) => estimatedBytes(p.record) + ANSWER_BYTES_PER_RECORD;

/** A message waiting for its offset. `send` owns `done`. */
export interface Pending {
  record: BatchRecord;
  partition: number;
  done(result: { offset: number } | { error: unknown }): void;
}

interface PartitionQueue {
  items: Pending[];
  bytes: number;
  /** When the oldest waiting item arrived (the linger clock). */
  since: number;
  inFlight: boolean;
}

/** What one produce request carries: partitions in order, each with its items in FIFO order. */
export interface Batch {
  topic: string;
  sections: { partition: number; items: Pending[] }[];
  /** The request body's exact bytes plus ANSWER_BYTES_PER_RECORD per record. */
  bytes: number;
  records: number;
}

export interface BatchLimits {
  lingerMs: number;
  batchMaxBytes: number;
  batchMaxRecords: number;
}

/**
 * Per-partition queues and the rule for cutting requests from them (docs/client.md):
 * - a partition has at most ONE request in flight, so a key's order survives retries;
 * - a partition whose queue holds a full batch ships it in a request of its own, because
 *   every partition a request touches costs a DynamoDB transaction item pair, so full
 *   batches amortise that cost best alone;
 * - partitions whose linger ran out with less than a full batch are packed together into
 *   one request (up to the byte, record and 49-partition limits): they each pay their
 *   partition cost anyway, and sharing a request saves the per-request S3 PUT and Lambda.
 */
export class Accumulator {
  private readonly queues = new Map<string, Map<number, PartitionQueue>>();

  constructor(private readonly limits: BatchLimits) {}

  add(topic: string, item: Pending, now: number): void {
    let byPartition = this.queues.get(topic);
    if (!byPartition) {
      byPartition = new Map();
      this.queues.set(topic, byPartition);
    }
    let q = byPartition.get(item.partition);
    if (!q) {
      q = { items: [], bytes: 0, since: now, inFlight: false };
      byPartition.set(item.partition, q);
    }
    if (q.items.length === 0) q.since = now;
    q.items.push(item);
    q.bytes += cost(item);
  }

  /** Cuts every request that may go now; `force` ignores the linger (flush). */
  drain(now: number, force: boolean): Batch[] {
    const out: Batch[] = [];
    const { batchMaxRecords, lingerMs } = this.limits;
    const batchMaxBytes = this.limits.batchMaxBytes - WRAPPER_BYTES;
    for (const [topic, byPartition] of this.queues) {
      let mixed: Batch | undefined;
      for (const [partition, q] of byPartition) {
        if (q.inFlight || q.items.length === 0) continue;
        if (SECTION_BYTES + q.bytes >= batchMaxBytes || q.items.length >= batchMaxRecords) {
          out.push(this.take(topic, partition, q, batchMaxBytes, batchMaxRecords));
          continue;
        }
        if (!force && now - q.since < lingerMs) continue;
        if (
          mixed &&
          (mixed.bytes + SECTION_BYTES + q.bytes > batchMaxBytes ||
            mixed.records + q.items.length > batchMaxRecords ||
            mixed.sections.length >= SERVER_LIMITS.maxPartitionsPerRequest)
        ) {
          out.push(mixed);
          mixed = undefined;
        }
        mixed ??= { topic, sections: [], bytes: 0, records: 0 };
        // The queue's count is an estimate; take() holds its exact bytes to what is left of the request.
        const taken = this.take(topic, partition, q, batchMaxBytes - mixed.bytes, batchMaxRecords - mixed.records);
        mixed.sections.push(...taken.sections);
        mixed.bytes += taken.bytes;
        mixed.records += taken.records;
      }
      if (mixed) out.push(mixed);
    }
    return out;
  }

  /** The earliest time a lingering queue becomes due, if any is waiting. */
  nextDue(): number | undefined {
    let due: number | undefined;
    for (const byPartition of this.queues.values())
      for (const q of byPartition.values()) if (!q.inFlight && q.items.length > 0) due = Math.min(due ?? Infinity, q.since + this.limits.lingerMs);
    return due;
  }

  /** A request finished: the partitions may send again. */
  release(batch: Batch): void {
    const byPartition = this.queues.get(batch.topic)!;
    for (const s of batch.sections) byPartition.get(s.partition)!.inFlight = false;
  }

  /** Removes and returns everything still queued for these partitions (after a failed batch). */
  evict(topic: string, partitions: readonly number[]): Pending[] {
    const byPartition = this.queues.get(topic);
    if (!byPartition) return [];
    return partitions.flatMap((p) => {
      const q = byPartition.get(p);
      if (!q) return [];
      const items = q.items;
      q.items = [];
      q.bytes = 0;
      return items;
    });
  }

  /**
   * The oldest items of a queue as one RecordBatch, counted exactly: each record's size in
   * its batch depends on its place there (offsetDelta) and on the first record's timestamp
   * (timestampDelta), both known only now.
   */
  private take(topic: string, partition: number, q: PartitionQueue, maxBytes: number, maxRecords: number): Batch {
    let bytes = SECTION_BYTES;
    let estimated = 0;
    let n = 0;
    const firstTimestamp = q.items[0]!.record.timestamp;
    while (n < q.items.length && n < maxRecords) {
      const item = q.items[n]!;
      const size = item.record.bodyBytes + sizeOfVarlong(item.record.timestamp - firstTimestamp) + sizeOfVarint(n);
      const exact = sizeOfVarint(size) + size + ANSWER_BYTES_PER_RECORD;
      // Always at least one item, so a record bigger than batchMaxBytes still goes (alone).
      if (n > 0 && bytes + exact > maxBytes) break;
      bytes += exact;
      estimated += cost(item);
      n++;
    }
    const items = q.items.splice(0, n);
    q.bytes -= estimated;
    q.inFlight = true;
    return { topic, sections: [{ partition, items }], bytes, records: n };
  }
}
