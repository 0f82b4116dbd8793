import { CommitContentionError, InvalidRequestError, OffsetMismatchError, PartitionNotFoundError, PayloadTooLargeError, TopicNotFoundError, UnprocessableError } from '../errors.js';
import type { IdempotencyRecord, OffsetCommitInProduce } from '../model/commit.js';
import { isCompacted, type Topic } from '../model/topic.js';
import { type BatchSection, buildBatchObject, batchObjectKey, layOutBatchObject } from './batch-object.js';
import { commitBatchObject } from './commit.js';
import { answerStillHolds } from './idempotent-answer.js';
import { checkRecordCount, commitTransactionItems, IDEMPOTENCY_TTL_SECONDS, MAX_PARTITIONS_PER_REQUEST, MAX_TRANSACTION_ITEMS, MAX_RECORD_BYTES, MAX_TIMESTAMP } from './limits.js';
import type { LogContext } from './log-context.js';
import { cachedTopic } from './partition-lookup.js';
import { partitionForKey } from './partitioner.js';
import { type ProducedBatch, producedRecords } from './produced-batches.js';
import { compressionReady, type EncodableRecord, type RecordHeader } from './record-batch-codec.js';
import { recordSize } from './record-size.js';
import { validateAgainstSchema } from './schema-validation.js';

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
  /** The records to encode; empty when `batches` holds them. */
  records: readonly ProduceRecord[];
  /**
   * Or: the producer's own RecordBatches (a binary produce body, checked by
   * produced-batches.ts), stored as they came unless the topic must see the records.
   */
  batches?: readonly ProducedBatch[] | undefined;
  /** With `fingerprint` (a hash of the request): a retry returns the first answer. */
  idempotency?: { key: string; fingerprint: string };
  /**
   * Conditional append: partition → the high watermark it must be at for the request to
   * commit (409 OFFSET_MISMATCH otherwise, nothing written). Each must be a partition the
   * request's records go to.
   */
  expectedOffsets?: ReadonlyMap<number, number> | undefined;
  /** Conditional append for a request whose records all go to one partition (the Freshet-Expected-Offset header). */
  expectedOffset?: number | undefined;
  /** The record values as parsed from the request (encoding json): what a topic's schema validates. */
  jsonValues?: readonly unknown[] | undefined;
  /**
   * A consumer group's offsets to commit in the same transaction (groups/produce-with-offsets.ts):
   * how many, and `check`, which checks the commit and builds it. It runs after a retry's
   * stored answer was looked for (an applied request answers its offsets even after a
   * rebalance) and before anything is written.
   */
  offsetCommit?: { offsets: number; check(): Promise<OffsetCommitInProduce> } | undefined;
}

/** The offset commit riding on a produce was fenced; groups/ turns it into the group's own 409. */
export class OffsetCommitRefused extends Error {
  constructor(readonly reason: 'fenced' | 'lease-expired') {
    super(`offset commit refused: ${reason}`);
  }
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
  const bytes = req.batches ? req.batches.reduce((n, b) => n + b.recordBytes, 0) : checkLimits(req.records);
  // The topic as this process knows it: no read before the PUT. A stale entry is caught
  // where it matters — a partition beyond the cached count re-reads the topic, and a
  // deleted incarnation's closed heads refuse the commit — and then the topic is read
  // afresh and the request produced again, exactly as a process without a cache would.
  let topic = await cachedTopic(ctx, req.topic);
  const named = req.batches ? req.batches.map((b) => b.partition) : req.records.map((r) => r.partition);
  if (named.some((p) => p !== undefined && p >= topic.partitions)) topic = await cachedTopic(ctx, req.topic, true);
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
  // Warms the schema cache while the checks below run: on a miss its one read overlaps them
  // (validateAgainstSchema then awaits the same read; a failure surfaces there).
  void ctx.schemas.latest(topic).catch(() => {});
  if (isCompacted(topic)) requireKeys(req, topic.name);
  const recordPartitions = req.batches ? batchPartitions(req.batches, topic.partitions, req.topic) : assignPartitions(req.records, topic.partitions, req.topic);
  const touched = new Set(recordPartitions);
  if (touched.size > MAX_PARTITIONS_PER_REQUEST) {
    throw new UnprocessableError(
      'TOO_MANY_PARTITIONS',
      `one produce request may touch at most ${MAX_PARTITIONS_PER_REQUEST} partitions (it commits atomically in one DynamoDB transaction); this one touches ${touched.size}`,
      { partitions: touched.size, max: MAX_PARTITIONS_PER_REQUEST },
    );
  }

  const expectedOffsets = checkExpectations(req, touched, topic.partitions);
  const items = commitTransactionItems({ partitions: touched.size, idempotency: req.idempotency !== undefined, committedOffsets: req.offsetCommit?.offsets });
  if (items > MAX_TRANSACTION_ITEMS) {
    throw new UnprocessableError(
      'TRANSACTION_TOO_LARGE',
      `a produce commits in one DynamoDB transaction of at most ${MAX_TRANSACTION_ITEMS} items: 2 per partition touched (${touched.size}), 1 for an Idempotency-Key, and for a group commit 2 plus 1 per offset${req.offsetCommit ? ` (${req.offsetCommit.offsets})` : ''}; this one needs ${items}`,
      { items, max: MAX_TRANSACTION_ITEMS, partitions: touched.size, committedOffsets: req.offsetCommit?.offsets ?? 0 },
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

  // After the replay check: a retry of an applied request answers what it was answered,
  // even if the topic's schema changed or the group rebalanced since.
  const offsetCommit = await req.offsetCommit?.check();
  const now = ctx.clock.now();
  const { body, sections } = req.batches && (await storableAsSent(ctx, topic, req.batches)) ? layOutBatchObject(req.batches) : await encodeObject(ctx, req, topic, recordPartitions, now);
  const objectKey = batchObjectKey(topic.name, now);
  await beforeDeadline(ctx.store.putObject(objectKey, body, { 'topic-id': topic.topicId, partitions: sections.map((s) => s.partition).join(',') }), deadline);

  const idempotency = req.idempotency
    ? {
        key: req.idempotency.key,
        record: { ...idempotencyRecord(req.idempotency.fingerprint, recordPartitions, now), objectKey },
        ...(replacing ? { replacing } : {}),
      }
    : undefined;
  const outcome = await commitBatchObject(ctx, {
    topic,
    objectKey,
    sections,
    deadline,
    ...(idempotency ? { idempotency } : {}),
    ...(expectedOffsets ? { expectedOffsets } : {}),
    ...(offsetCommit ? { offsetCommit } : {}),
  });

  if ('offsetMismatch' in outcome) {
    // A duplicate of this very request (same Idempotency-Key) may be what moved the head:
    // then the writer's retry gets the original answer, not a 409.
    if (req.idempotency) {
      const earlier = await ctx.writer.readIdempotency(req.topic, req.idempotency.key, Math.floor(now / 1000));
      if (earlier && earlier.fingerprint === req.idempotency.fingerprint) return replay(req, earlier);
    }
    const expected = Object.fromEntries([...expectedOffsets!].map(([p, o]) => [String(p), o]));
    throw new OffsetMismatchError(req.topic, expected, Object.fromEntries([...outcome.offsetMismatch].map(([p, o]) => [String(p), o])));
  }
  if ('offsetCommitRefused' in outcome) throw new OffsetCommitRefused(outcome.offsetCommitRefused);

  if ('incarnationClosed' in outcome) return undefined;
  if ('idempotencyKeyTaken' in outcome) {
    // A concurrent request with the same key won; our object is an orphan for GC.
    const earlier = await ctx.writer.readIdempotency(req.topic, req.idempotency!.key, Math.floor(now / 1000));
    if (!earlier) throw new Error('idempotency record vanished right after it won a commit');
    return replay(req, earlier);
  }
  // Counted only here, after our own commit: a replayed retry produced nothing new.
  ctx.metrics.add('RecordsProduced', 'Count', recordPartitions.length);
  ctx.metrics.add('BytesProduced', 'Bytes', bytes);
  return { topic: req.topic, offsets: offsetsInRequestOrder(recordPartitions, outcome.baseOffsets) };
}

/**
 * The records validated against the topic's schema (if any) and encoded with its codec into
 * the object's batches: a JSON produce, or producer batches the topic must see (a schema,
 * another codec).
 */
async function encodeObject(ctx: LogContext, req: ProduceRequest, topic: Topic, recordPartitions: readonly number[], now: number): Promise<{ body: Uint8Array; sections: BatchSection[] }> {
  const given: readonly ProduceRecord[] = req.batches ? req.batches.flatMap(producedRecords) : req.records;
  const records = await validateAgainstSchema(ctx, topic, given, req.jsonValues);
  const byPartition = new Map<number, EncodableRecord[]>();
  records.forEach((r, i) => {
    const p = recordPartitions[i]!;
    const list = byPartition.get(p) ?? [];
    byPartition.set(p, list);
    list.push({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp ?? now });
  });
  await compressionReady(topic.compression); // zstd on Node < 22.15 loads its WASM once
  return buildBatchObject(byPartition, topic.compression);
}

/** Producer batches can be stored byte for byte when the topic has no schema to stamp and they use its codec. */
async function storableAsSent(ctx: LogContext, topic: Topic, batches: readonly ProducedBatch[]): Promise<boolean> {
  return batches.every((b) => b.compression === topic.compression) && !(await ctx.schemas.latest(topic));
}

/** Each producer batch's partition for each of its records, in body order; 404 for a partition the topic lacks. */
function batchPartitions(batches: readonly ProducedBatch[], partitions: number, topic: string): number[] {
  const recordPartitions: number[] = [];
  for (const b of batches) {
    if (b.partition >= partitions) throw new PartitionNotFoundError(topic, b.partition, partitions);
    for (let i = 0; i < b.recordCount; i++) recordPartitions.push(b.partition);
  }
  return recordPartitions;
}

/**
 * The conditional append's expectations, per partition: the body's, or the header's for
 * the one partition the request goes to. Every partition named must exist and receive
 * records of this request.
 */
function checkExpectations(req: ProduceRequest, touched: ReadonlySet<number>, partitions: number): ReadonlyMap<number, number> | undefined {
  if (req.expectedOffset !== undefined) {
    if (touched.size !== 1) {
      throw new InvalidRequestError(`Freshet-Expected-Offset applies to a request whose records all go to one partition; this one goes to ${touched.size}`, [
        { path: 'Freshet-Expected-Offset', message: 'use expectedOffsets in the body for several partitions' },
      ]);
    }
    return new Map([[[...touched][0]!, req.expectedOffset]]);
  }
  for (const p of req.expectedOffsets?.keys() ?? []) {
    if (p >= partitions) throw new PartitionNotFoundError(req.topic, p, partitions);
    if (!touched.has(p)) {
      throw new InvalidRequestError(`expectedOffsets names partition ${p}, but no record of this request goes to it`, [
        { path: `expectedOffsets.${p}`, message: 'no record of the request goes to this partition' },
      ]);
    }
  }
  return req.expectedOffsets;
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
function requireKeys(req: ProduceRequest, topic: string): void {
  const index = req.batches ? (req.batches.find((b) => b.firstNullKey >= 0)?.firstNullKey ?? -1) : req.records.findIndex((r) => r.key === null);
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
