import type { WireRecord } from './encoding.js';

/** The server's produce limits (shared/log/limits.ts): a request over them is refused whole. */
export const SERVER_LIMITS = {
  maxRequestBytes: 6_000_000,
  maxRecordBytes: 1024 * 1024,
  maxRecordsPerRequest: 10_000,
  maxPartitionsPerRequest: 49,
} as const;

/**
 * The answer's bytes per record (`{"partition":11,"offset":1234567890},`) and the two bodies'
 * wrappers. A batch's bytes count them, so a request and its answer together stay within
 * `batchMaxBytes`: API Gateway's HTTP API meters request + response per 512 KiB, and a full
 * 1 MiB request with its ~40 KB answer would be billed as three units instead of two.
 */
export const ANSWER_BYTES_PER_RECORD = 40;
export const WRAPPER_BYTES = 512;
const cost = (p: Pending) => p.record.wireBytes + ANSWER_BYTES_PER_RECORD;

/** A message waiting for its offset. `send` owns `done`. */
export interface Pending {
  record: WireRecord;
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
        if (q.bytes >= batchMaxBytes || q.items.length >= batchMaxRecords) {
          out.push(this.take(topic, partition, q, batchMaxBytes, batchMaxRecords));
          continue;
        }
        if (!force && now - q.since < lingerMs) continue;
        if (
          mixed &&
          (mixed.bytes + q.bytes > batchMaxBytes ||
            mixed.records + q.items.length > batchMaxRecords ||
            mixed.sections.length >= SERVER_LIMITS.maxPartitionsPerRequest)
        ) {
          out.push(mixed);
          mixed = undefined;
        }
        mixed ??= { topic, sections: [], bytes: 0, records: 0 };
        const taken = this.take(topic, partition, q, batchMaxBytes, batchMaxRecords);
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

  private take(topic: string, partition: number, q: PartitionQueue, maxBytes: number, maxRecords: number): Batch {
    let bytes = 0;
    let n = 0;
    // Always at least one item, so a record bigger than batchMaxBytes still goes (alone).
    while (n < q.items.length && n < maxRecords && (n === 0 || bytes + cost(q.items[n]!) <= maxBytes)) bytes += cost(q.items[n++]!);
    const items = q.items.splice(0, n);
    q.bytes -= bytes;
    q.inFlight = true;
    return { topic, sections: [{ partition, items }], bytes, records: n };
  }
}
