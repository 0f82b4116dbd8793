import { PartitionNotFoundError, PayloadTooLargeError, UnprocessableError } from '../errors.js';
import type { IdempotencyRecord } from '../model/commit.js';
import { buildBatchObject, batchObjectKey } from './batch-object.js';
import { commitBatchObject } from './commit.js';
import { IDEMPOTENCY_TTL_SECONDS, MAX_PARTITIONS_PER_REQUEST, MAX_RECORD_BYTES, MAX_RECORDS_PER_REQUEST } from './limits.js';
import type { LogContext } from './log-context.js';
import { requireTopic } from './partition-lookup.js';
import { partitionForKey } from './partitioner.js';
import type { LogRecord, RecordHeader } from './record-batch-codec.js';
import { recordSize } from './record-size.js';

export interface ProduceRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
  partition?: number | undefined;
  /** CreateTime in ms; the broker's clock when absent. */
  timestamp?: number | undefined;
}

export interface ProduceRequest {
  topic: string;
  records: readonly ProduceRecord[];
  /** With `fingerprint` (a hash of the request): a retry returns the first answer. */
  idempotency?: { key: string; fingerprint: string };
}

export interface ProduceResult {
  topic: string;
  offsets: { partition: number; offset: number }[];
}

/**
 * Produce: validate everything, write ONE batch object, then commit every touched
 * partition in ONE transaction. Nothing is written unless every record is acceptable.
 */
export async function produce(ctx: LogContext, req: ProduceRequest): Promise<ProduceResult> {
  const bytes = checkLimits(req.records);
  const topic = await requireTopic(ctx, req.topic);

  const recordPartitions = assignPartitions(req.records, topic.partitions, req.topic);
  const touched = new Set(recordPartitions);
  if (touched.size > MAX_PARTITIONS_PER_REQUEST) {
    throw new UnprocessableError(
      'TOO_MANY_PARTITIONS',
      `one produce request may touch at most ${MAX_PARTITIONS_PER_REQUEST} partitions (it commits atomically in one DynamoDB transaction); this one touches ${touched.size}`,
      { partitions: touched.size, max: MAX_PARTITIONS_PER_REQUEST },
    );
  }

  if (req.idempotency) {
    const earlier = await ctx.writer.readIdempotency(req.topic, req.idempotency.key, Math.floor(ctx.clock.now() / 1000));
    if (earlier) return replay(req, earlier);
  }

  const now = ctx.clock.now();
  const byPartition = new Map<number, LogRecord[]>();
  req.records.forEach((r, i) => {
    const p = recordPartitions[i]!;
    const list = byPartition.get(p) ?? [];
    byPartition.set(p, list);
    list.push({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp ?? now });
  });
  const { body, sections } = buildBatchObject(byPartition, topic.compression);
  const objectKey = batchObjectKey(topic.name, now);
  await ctx.store.putObject(objectKey, body, { 'topic-id': topic.topicId, partitions: sections.map((s) => s.partition).join(',') });

  const idempotency = req.idempotency
    ? { key: req.idempotency.key, record: idempotencyRecord(req.idempotency.fingerprint, recordPartitions, now) }
    : undefined;
  const outcome = await commitBatchObject(ctx, { topic, objectKey, sections, ...(idempotency ? { idempotency } : {}) });

  if ('idempotencyKeyTaken' in outcome) {
    // A concurrent request with the same key won; our object is an orphan for GC.
    const earlier = await ctx.writer.readIdempotency(req.topic, req.idempotency!.key, Math.floor(now / 1000));
    if (!earlier) throw new Error('idempotency record vanished right after it won a commit');
    return replay(req, earlier);
  }
  // Counted only here, after our own commit: a replayed retry produced nothing new.
  ctx.metrics.add('RecordsProduced', 'Count', req.records.length);
  ctx.metrics.add('BytesProduced', 'Bytes', bytes);
  return { topic: req.topic, offsets: offsetsInRequestOrder(recordPartitions, outcome.baseOffsets) };
}

/** Throws when a limit is exceeded; returns the records' bytes (keys, values, headers). */
function checkLimits(records: readonly ProduceRecord[]): number {
  let total = 0;
  if (records.length > MAX_RECORDS_PER_REQUEST) {
    throw new PayloadTooLargeError('TOO_MANY_RECORDS', `a request may hold at most ${MAX_RECORDS_PER_REQUEST} records; it has ${records.length}`);
  }
  records.forEach((r, index) => {
    const size = recordSize(r);
    if (size > MAX_RECORD_BYTES) {
      throw new PayloadTooLargeError('RECORD_TOO_LARGE', `record ${index} is ${size} bytes; the limit is ${MAX_RECORD_BYTES}`, {
        index,
        size,
        max: MAX_RECORD_BYTES,
      });
    }
    total += size;
  });
  return total;
}

/**
 * Explicit partition first, then Kafka's keyed partitioner. Unkeyed records of a request
 * all go to ONE partition chosen at random (Kafka's sticky partitioner, KIP-480): spread
 * evenly over many requests, and one index entry instead of many per request.
 */
function assignPartitions(records: readonly ProduceRecord[], partitions: number, topic: string): number[] {
  const sticky = Math.floor(Math.random() * partitions);
  return records.map((r) => {
    if (r.partition !== undefined) {
      if (r.partition >= partitions) throw new PartitionNotFoundError(topic, r.partition, partitions);
      return r.partition;
    }
    return r.key ? partitionForKey(r.key, partitions) : sticky;
  });
}

function offsetsInRequestOrder(recordPartitions: readonly number[], baseOffsets: ReadonlyMap<number, number>) {
  const next = new Map(baseOffsets);
  return recordPartitions.map((partition) => {
    const offset = next.get(partition)!;
    next.set(partition, offset + 1);
    return { partition, offset };
  });
}

function idempotencyRecord(fingerprint: string, recordPartitions: readonly number[], now: number): Omit<IdempotencyRecord, 'baseOffsets'> {
  const packed = new Uint8Array(recordPartitions.length * 2);
  const view = new DataView(packed.buffer);
  for (const [i, p] of recordPartitions.entries()) view.setUint16(i * 2, p, true);
  return { fingerprint, recordPartitions: packed, expiresAt: Math.floor(now / 1000) + IDEMPOTENCY_TTL_SECONDS };
}

function replay(req: ProduceRequest, earlier: IdempotencyRecord): ProduceResult {
  if (earlier.fingerprint !== req.idempotency!.fingerprint) {
    throw new UnprocessableError(
      'IDEMPOTENCY_KEY_REUSED',
      `Idempotency-Key '${req.idempotency!.key}' was already used for a different request to topic '${req.topic}'`,
    );
  }
  const view = new DataView(earlier.recordPartitions.buffer, earlier.recordPartitions.byteOffset, earlier.recordPartitions.byteLength);
  const recordPartitions = Array.from({ length: earlier.recordPartitions.byteLength / 2 }, (_, i) => view.getUint16(i * 2, true));
  const baseOffsets = new Map(Object.entries(earlier.baseOffsets).map(([p, o]) => [Number(p), o]));
  return { topic: req.topic, offsets: offsetsInRequestOrder(recordPartitions, baseOffsets) };
}
