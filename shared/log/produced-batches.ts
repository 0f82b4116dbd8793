/**
 * The server's side of the binary produce body (record-batches-body.ts): every batch a
 * producer sent, checked as strictly as a JSON produce is — framing, magic, CRC-32C, the
 * header fields a producer must leave alone, and every record (offset deltas 0, 1, 2, …,
 * timestamps, sizes, header keys) — before anything is written. A bad body is a 400 (413
 * for a size limit) naming the batch and the record; nothing here trusts the producer.
 * Checking costs one CRC pass and one walk over the record headers: the values
 * themselves are never copied or decoded.
 */
import { CorruptRecordBatchError, InvalidRequestError, PayloadTooLargeError } from '../errors.js';
import { compressionReady, decompress } from './compression.js';
import { checkRecordCount, MAX_RECORD_BYTES, MAX_TIMESTAMP } from './limits.js';
import { type CompressionType, decodeRecordsSection, frameRecordBatch, MAX_DECOMPRESSED_BYTES, type RecordBatchFrame, RecordCursor } from './record-batch-decode.js';
import { PARTITION_PREFIX_BYTES } from './record-batches-body.js';
import type { EncodableRecord } from './record-batch-codec.js';

/** One checked batch of the body, still the producer's bytes. */
export interface ProducedBatch {
  partition: number;
  /** The whole batch as sent and as it will be stored: a view into the body. */
  bytes: Uint8Array;
  compression: CompressionType;
  recordCount: number;
  maxTimestamp: number;
  /** Keys, values and headers of its records, counted as every produce limit counts them. */
  recordBytes: number;
  /** Index (in the request) of its first record without a key, or -1. */
  firstNullKey: number;
  /** Index (in the request) of its first record. */
  firstIndex: number;
  frame: RecordBatchFrame;
  /** The decompressed records section of a compressed batch, once read. */
  plain?: Uint8Array;
}

/** Bytes a producer must write as -1 / 0 in a batch header, and where: what storage keeps as it came. */
const BASE_OFFSET = 0;
const PARTITION_LEADER_EPOCH_OFFSET = 12;
const ATTRIBUTES_OFFSET = 21;
const PRODUCER_ID_OFFSET = 43;
/** Attribute bits other than the codec: timestampType, isTransactional, isControlBatch, hasDeleteHorizon. */
const NON_CODEC_ATTRIBUTES = 0xfff8;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const NO_SPANS: readonly { keyStart: number; keyLength: number; valueLength: number }[] = [];

/** Every batch of a `application/vnd.freshet.record-batches` body, in body order; throws 400/413. */
export async function readProducedBatches(body: Uint8Array): Promise<ProducedBatch[]> {
  if (body.length === 0) throw invalid('the body holds no record batch', 'body');
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const batches: ProducedBatch[] = [];
  const seen = new Set<number>();
  let records = 0;
  for (let position = 0; position < body.length; ) {
    const at = `batches.${batches.length}`;
    if (body.length - position < PARTITION_PREFIX_BYTES) throw invalid(`batch ${batches.length}: ${body.length - position} bytes left where a 4-byte partition starts`, at);
    const partition = view.getInt32(position);
    if (partition < 0) throw invalid(`batch ${batches.length}: partition ${partition} is negative`, `${at}.partition`);
    if (seen.has(partition)) throw invalid(`batch ${batches.length}: partition ${partition} has a batch already; send one batch per partition`, `${at}.partition`);
    seen.add(partition);
    const rest = body.subarray(position + PARTITION_PREFIX_BYTES);
    const frame = frameOf(rest, batches.length);
    checkHeader(view, position + PARTITION_PREFIX_BYTES, frame, batches.length);
    records += frame.recordCount;
    checkRecordCount(records);
    batches.push({
      partition,
      bytes: rest.subarray(0, frame.sizeInBytes),
      compression: frame.compression,
      recordCount: frame.recordCount,
      maxTimestamp: frame.maxTimestamp,
      recordBytes: 0,
      firstNullKey: -1,
      firstIndex: records - frame.recordCount,
      frame,
    });
    position += PARTITION_PREFIX_BYTES + frame.sizeInBytes;
  }
  for (const [index, batch] of batches.entries()) {
    if (batch.compression !== 'none') await compressionReady(batch.compression);
    walkRecords(batch, index);
  }
  return batches;
}

/** The batch's records, decoded (values as views into the body): for a topic that must see them (a schema, another codec). */
export function producedRecords(batch: ProducedBatch): EncodableRecord[] {
  return decodeRecordsSection(batch.frame, plainRecords(batch)).records.map(({ key, value, headers, timestamp }) => ({ key, value, headers, timestamp }));
}

function frameOf(bytes: Uint8Array, index: number): RecordBatchFrame {
  try {
    return frameRecordBatch(bytes);
  } catch (err) {
    if (err instanceof CorruptRecordBatchError) throw invalid(`batch ${index}: ${err.message}`, `batches.${index}`);
    throw err;
  }
}

/** What only the log may set: offsets, the leader epoch, producer ids, transactional and control bits, LogAppendTime. */
function checkHeader(view: DataView, start: number, frame: RecordBatchFrame, index: number): void {
  const at = `batches.${index}`;
  const refuse = (what: string) => {
    throw invalid(`batch ${index}: ${what}`, at);
  };
  if (view.getBigInt64(start + BASE_OFFSET) !== 0n) refuse('baseOffset must be 0 (the log assigns offsets)');
  if (view.getInt32(start + PARTITION_LEADER_EPOCH_OFFSET) !== -1) refuse('partitionLeaderEpoch must be -1');
  const attributes = view.getUint16(start + ATTRIBUTES_OFFSET);
  if (attributes & NON_CODEC_ATTRIBUTES) refuse(`attributes ${attributes} set more than the compression codec (CreateTime, not transactional, not a control batch)`);
  if (view.getBigInt64(start + PRODUCER_ID_OFFSET) !== -1n || view.getInt16(start + PRODUCER_ID_OFFSET + 8) !== -1 || view.getInt32(start + PRODUCER_ID_OFFSET + 10) !== -1) {
    refuse('producerId, producerEpoch and baseSequence must be -1 (use an Idempotency-Key for safe retries)');
  }
  if (frame.recordCount < 1) refuse('holds no records');
  if (frame.lastOffsetDelta !== frame.recordCount - 1) refuse(`lastOffsetDelta ${frame.lastOffsetDelta} must be recordCount - 1 (${frame.recordCount - 1})`);
}

/**
 * Every record of the batch in place: offset delta = its index, a timestamp in range with
 * the first record's as firstTimestamp and the largest as maxTimestamp, at most
 * MAX_RECORD_BYTES, header keys UTF-8. Fills in recordBytes and firstNullKey.
 */
function walkRecords(batch: ProducedBatch, index: number): void {
  const at = `batches.${index}`;
  let cursor: RecordCursor;
  try {
    cursor = new RecordCursor(batch.frame, plainRecords(batch));
  } catch (err) {
    if (err instanceof CorruptRecordBatchError) throw invalid(`batch ${index}: ${err.message}`, at);
    throw err;
  }
  const section = cursor.section;
  let total = 0;
  let maxTimestamp = -1;
  try {
    for (let i = 0; cursor.next(); i++) {
      const record = batch.firstIndex + i;
      if (cursor.offset !== i) throw invalid(`${where(index, i, record)}: offsetDelta ${cursor.offset} must be ${i}`, `${at}.records.${i}`);
      const timestamp = cursor.timestamp;
      if (timestamp < 0 || timestamp > MAX_TIMESTAMP) throw invalid(`${where(index, i, record)}: timestamp must be an integer in 0..${MAX_TIMESTAMP}`, `${at}.records.${i}.timestamp`);
      if (i === 0 && timestamp !== batch.frame.firstTimestamp) throw invalid(`${where(index, i, record)}: its timestampDelta must be 0 (firstTimestamp is the first record's)`, `${at}.records.0.timestamp`);
      if (timestamp > maxTimestamp) maxTimestamp = timestamp;
      if (cursor.keyLength < 0 && batch.firstNullKey < 0) batch.firstNullKey = record;
      let size = Math.max(0, cursor.keyLength) + Math.max(0, cursor.valueLength);
      for (const header of cursor.headerCount > 0 ? cursor.headerSpans() : NO_SPANS) {
        try {
          strictUtf8.decode(section.subarray(header.keyStart, header.keyStart + header.keyLength));
        } catch {
          throw invalid(`${where(index, i, record)}: a header key is not UTF-8`, `${at}.records.${i}.headers`);
        }
        size += header.keyLength + Math.max(0, header.valueLength);
      }
      if (size > MAX_RECORD_BYTES) throw new PayloadTooLargeError('RECORD_TOO_LARGE', `record ${record} is ${size} bytes; the limit is ${MAX_RECORD_BYTES}`, { index: record, size, max: MAX_RECORD_BYTES });
      total += size;
    }
  } catch (err) {
    if (err instanceof CorruptRecordBatchError) throw invalid(`batch ${index}: ${err.message}`, at);
    throw err;
  }
  if (maxTimestamp !== batch.frame.maxTimestamp) throw invalid(`batch ${index}: maxTimestamp ${batch.frame.maxTimestamp} is not its records' largest timestamp ${maxTimestamp}`, at);
  batch.recordBytes = total;
}

/**
 * Names a record in an error; built only for one. Not a closure per record: a string per
 * record was ~200 KB of garbage per 1,000-record request, and a closure per record costs
 * as much again where functions keep their names (esbuild's keepNames, in the bundles and
 * under tsx, defines each closure's `name`: ~0.3 ms per 1,000 records, measured).
 */
function where(index: number, i: number, record: number): string {
  return `batch ${index}, record ${i} (record ${record} of the request)`;
}

/** The records section decompressed once (kept on the batch: a topic that re-encodes reads it again). */
function plainRecords(batch: ProducedBatch): Uint8Array {
  if (batch.compression === 'none') return batch.frame.recordsSection;
  if (batch.plain) return batch.plain;
  let plain: Uint8Array;
  try {
    plain = decompress(batch.compression, batch.frame.recordsSection);
  } catch (err) {
    throw invalid(`a ${batch.compression} records section does not decompress: ${(err as Error).message}`, 'batches');
  }
  if (plain.length > MAX_DECOMPRESSED_BYTES) throw invalid(`a ${batch.compression} records section inflates past ${MAX_DECOMPRESSED_BYTES} bytes`, 'batches');
  batch.plain = plain;
  return plain;
}

const invalid = (message: string, path: string) => new InvalidRequestError(message, [{ path, message }]);
