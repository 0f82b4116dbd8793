import { CommitContentionError, InvalidRequestError, PartitionNotFoundError, PayloadTooLargeError, TopicNotFoundError, UnprocessableError } from '../errors.js';
import type { IdempotencyRecord } from '../model/commit.js';
import { isCompacted, type Topic } from '../model/topic.js';
import { buildBatchObject, batchObjectKey } from './batch-object.js';
import { commitBatchObject } from './commit.js';
import { answerStillHolds } from './idempotent-answer.js';
import { IDEMPOTENCY_TTL_SECONDS, MAX_PARTITIONS_PER_REQUEST, MAX_RECORD_BYTES, MAX_RECORDS_PER_REQUEST, MAX_TIMESTAMP } from './limits.js';
import type { LogContext } from './log-context.js';
import { cachedTopic } from './partition-lookup.js';
import { partitionForKey } from './partitioner.js';
import { compressionReady, type EncodableRecord, type RecordHeader } from './record-batch-codec.js';
import { recordSize } from './record-size.js';

export interface ProduceRecord {
  key: Uint8Array | null;
  /** Bytes, or well-formed text stored as its UTF-8 bytes (encoded once, straight into the batch). */
  value: Uint8Array | string | null;
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
  // The budget runs from the request's start: under overload the upload and the wait for
  // the partition lock must not add up to an answer later than the budget promises.
  const deadline = performance.now() + ctx.commitBudgetMs;
  const bytes = checkLimits(req.records);
  // The topic as this process knows it: no read before the PUT. A stale entry is caught
  // where it matters — a partition beyond the cached count re-reads the topic, and a
  // deleted incarnation's closed heads refuse the commit — and then the topic is read
  // afresh and the request produced again, exactly as a process without a cache would.
  let topic = await cachedTopic(ctx, req.topic);
  if (req.records.some((r) => r.partition !== undefined && r.partition >= topic.partitions)) topic = await cachedTopic(ctx, req.topic, true);
  const first = await produceTo(ctx, req, topic, bytes, deadline);
  if (first) return first;
  ctx.topicCache.forget(req.topic);
  const fresh = await cachedTopic(ctx, req.topic, true);
  const second = fresh.topicId === topic.topicId ? undefined : await produceTo(ctx, req, fresh, bytes, deadline);
  // Still closed: the deletion of this very incarnation began and has yet to free the name.
  if (!second) throw new TopicNotFoundError(req.topic);
  return second;
}

/** One produce into one topic incarnation; undefined when that incarnation turns out to be closed (deleted). */
async function produceTo(ctx: LogContext, req: ProduceRequest, topic: Topic, bytes: number, deadline: number): Promise<ProduceResult | undefined> {
  if (isCompacted(topic)) requireKeys(req.records, topic.name);
  const recordPartitions = assignPartitions(req.records, topic.partitions, req.topic);
  const touched = new Set(recordPartitions);
  if (touched.size > MAX_PARTITIONS_PER_REQUEST) {
    throw new UnprocessableError(
      'TOO_MANY_PARTITIONS',
      `one produce request may touch at most ${MAX_PARTITIONS_PER_REQUEST} partitions (it commits atomically in one DynamoDB transaction); this one touches ${touched.size}`,
      { partitions: touched.size, max: MAX_PARTITIONS_PER_REQUEST },
    );
  }

  let replacing: { objectKey: string | undefined } | undefined;
  if (req.idempotency) {
    const earlier = await ctx.writer.readIdempotency(req.topic, req.idempotency.key, Math.floor(ctx.clock.now() / 1000));
    if (earlier) {
      // A retry: its answer is replayed only from the topic's current incarnation, read now.
      if ((await cachedTopic(ctx, req.topic, true)).topicId !== topic.topicId) return undefined;
      const answer = replay(req, earlier);
      // Replayed only if its offsets still hold this request's records; else commit anew.
      if (await answerStillHolds(ctx, topic.topicId, earlier, unpack(earlier.recordPartitions))) return answer;
      replacing = { objectKey: earlier.objectKey };
    }
  }

  const now = ctx.clock.now();
  const byPartition = new Map<number, EncodableRecord[]>();
  req.records.forEach((r, i) => {
    const p = recordPartitions[i]!;
    const list = byPartition.get(p) ?? [];
    byPartition.set(p, list);
    list.push({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp ?? now });
  });
  await compressionReady(topic.compression); // zstd on Node < 22.15 loads its WASM once
  const { body, sections } = buildBatchObject(byPartition, topic.compression);
  const objectKey = batchObjectKey(topic.name, now);
  await beforeDeadline(ctx.store.putObject(objectKey, body, { 'topic-id': topic.topicId, partitions: sections.map((s) => s.partition).join(',') }), deadline);

  const idempotency = req.idempotency
    ? {
        key: req.idempotency.key,
        record: { ...idempotencyRecord(req.idempotency.fingerprint, recordPartitions, now), objectKey },
        ...(replacing ? { replacing } : {}),
      }
    : undefined;
  const outcome = await commitBatchObject(ctx, { topic, objectKey, sections, deadline, ...(idempotency ? { idempotency } : {}) });

  if ('incarnationClosed' in outcome) return undefined;
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

/** 413 TOO_MANY_RECORDS past MAX_RECORDS_PER_REQUEST (a limit of size, like the byte limits, not a malformed request). */
export function checkRecordCount(count: number): void {
  if (count > MAX_RECORDS_PER_REQUEST) {
    throw new PayloadTooLargeError('TOO_MANY_RECORDS', `a request may hold at most ${MAX_RECORDS_PER_REQUEST} records; it has ${count}`, {
      records: count,
      max: MAX_RECORDS_PER_REQUEST,
    });
  }
}

/** Throws when a limit is exceeded; returns the records' bytes (keys, values, headers). */
function checkLimits(records: readonly ProduceRecord[]): number {
  let total = 0;
  checkRecordCount(records.length);
  records.forEach((r, index) => {
    if (r.timestamp !== undefined && !(Number.isSafeInteger(r.timestamp) && r.timestamp >= 0 && r.timestamp <= MAX_TIMESTAMP)) {
      throw new InvalidRequestError(`record ${index}: timestamp must be an integer in 0..${MAX_TIMESTAMP} (up to 9999-12-31T23:59:59.999Z)`, [
        { path: `records.${index}.timestamp`, message: `must be an integer in 0..${MAX_TIMESTAMP}` },
      ]);
    }
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

/** As Kafka: a compacted topic refuses a record without a key (no later record could ever supersede it). */
function requireKeys(records: readonly ProduceRecord[], topic: string): void {
  const index = records.findIndex((r) => r.key === null);
  if (index < 0) return;
  throw new InvalidRequestError(`record ${index} has no key; topic '${topic}' is compacted and every record needs a key`, [
    { path: `records.${index}.key`, message: 'is required on a compacted topic' },
  ]);
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
  const recordPartitions = unpack(earlier.recordPartitions);
  const baseOffsets = new Map(Object.entries(earlier.baseOffsets).map(([p, o]) => [Number(p), o]));
  return { topic: req.topic, offsets: offsetsInRequestOrder(recordPartitions, baseOffsets) };
}

function unpack(packed: Uint8Array): number[] {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  return Array.from({ length: packed.byteLength / 2 }, (_, i) => view.getUint16(i * 2, true));
}

/**
 * Under overload the upload itself can eat the budget. Past the deadline the request is
 * answered 503 at once; the upload may still finish, as an orphan nothing refers to (the
 * object sweep deletes it after its grace period), so nothing is committed either way.
 */
async function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CommitContentionError(1)), Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
    work.catch(() => {});
  }
}
