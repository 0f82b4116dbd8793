/**
 * Kafka RecordBatch v2 (magic 2), byte for byte as Kafka writes it to its log and the
 * wire, so stored objects stay readable by Kafka tooling and our reads can be checked
 * against an independent implementation. Only what Freshet produces is written: no
 * producer id/epoch/sequence (all -1), CreateTime, compression none or gzip.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { CorruptRecordBatchError } from '../errors.js';
import { ByteReader, ByteWriter, sizeOfVarint, sizeOfVarlong } from './bytes.js';
import { crc32c } from './crc32c.js';

export type CompressionType = 'none' | 'gzip';
export interface RecordHeader {
  key: string;
  value: Uint8Array | null;
}
export interface LogRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
  /** Milliseconds since the epoch (CreateTime). */
  timestamp: number;
}
export interface DecodedRecord extends LogRecord {
  offset: number;
}
export interface RecordBatch {
  baseOffset: number;
  lastOffsetDelta: number;
  firstTimestamp: number;
  maxTimestamp: number;
  compression: CompressionType;
  records: DecodedRecord[];
  /** The whole batch including the 12-byte log overhead (baseOffset + batchLength). */
  sizeInBytes: number;
}

/** baseOffset + batchLength: the part of a batch that batchLength does not count. */
const LOG_OVERHEAD = 12;
const MAGIC_OFFSET = 16;
const CRC_OFFSET = 17;
/** The CRC covers everything from attributes to the end of the batch. */
const ATTRIBUTES_OFFSET = 21;
const RECORDS_OFFSET = 61;
const MAGIC = 2;
const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_LOG_APPEND_TIME = 0x08;
const CODEC_NONE = 0;
const CODEC_GZIP = 1;
const NO_PRODUCER_ID = -1;
const NO_PRODUCER_EPOCH = -1;
const NO_SEQUENCE = -1;
const NO_PARTITION_LEADER_EPOCH = -1;
/** attributes + timestampDelta + offsetDelta + keyLength + valueLength + headersCount, each ≥ 1 byte, plus the length prefix. */
const MIN_RECORD_SIZE = 7;
const MAX_INT32 = 0x7fff_ffff;
/**
 * Kafka's RecordBatch.NO_TIMESTAMP. A record whose CreateTime cannot be read back exactly
 * (a timestampDelta beyond ±2^53, which releases before the MAX_TIMESTAMP limit could
 * write) reads as this instead of failing its whole batch: the record stays readable.
 */
export const NO_TIMESTAMP = -1;
/**
 * A batch holds at most one produce request (a few MB), so anything inflating past this is
 * corrupt or hostile; without a cap a small gzip bomb could exhaust a Lambda's memory.
 */
const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

const sizeOfNullableBytes = (data: Uint8Array | null): number => (data === null ? 1 : sizeOfVarint(data.length) + data.length);

/** Encodes records into one RecordBatch v2; offsets baseOffset, baseOffset+1, … */
export function encodeRecordBatch(records: readonly LogRecord[], options: { baseOffset?: number; compression: CompressionType }): Buffer {
  const count = records.length;
  if (count === 0) throw new RangeError('a record batch needs at least one record');
  const baseOffset = options.baseOffset ?? 0;
  if (!Number.isSafeInteger(baseOffset) || baseOffset < 0) throw new RangeError(`baseOffset must be a non-negative safe integer, got ${baseOffset}`);
  const codec = options.compression === 'none' ? CODEC_NONE : options.compression === 'gzip' ? CODEC_GZIP : -1;
  if (codec < 0) throw new RangeError(`unsupported compression '${options.compression}'`);

  // Kafka's convention: firstTimestamp is the first record's, not the minimum, so deltas may be negative.
  const firstTimestamp = records[0]!.timestamp;
  let maxTimestamp = firstTimestamp;
  // Pass 1 measures everything, so pass 2 writes into one exactly-sized allocation.
  const recordSizes = new Array<number>(count);
  const headerKeyLengths: number[] = [];
  let recordsSize = 0;
  for (let i = 0; i < count; i++) {
    const record = records[i]!;
    const timestamp = record.timestamp;
    // NO_TIMESTAMP passes: compaction rewrites records whose timestamp could not be read back.
    if (!Number.isSafeInteger(timestamp) || timestamp < NO_TIMESTAMP) throw new RangeError(`record ${i}: timestamp must be a safe integer ≥ -1, got ${timestamp}`);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const headers = record.headers;
    let size = 1 + sizeOfVarlong(timestamp - firstTimestamp) + sizeOfVarint(i) + sizeOfNullableBytes(record.key) + sizeOfNullableBytes(record.value) + sizeOfVarint(headers.length);
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h]!;
      const keyLength = Buffer.byteLength(header.key, 'utf8');
      headerKeyLengths.push(keyLength);
      size += sizeOfVarint(keyLength) + keyLength + sizeOfNullableBytes(header.value);
    }
    recordSizes[i] = size;
    recordsSize += sizeOfVarint(size) + size;
  }

  let batch: Buffer;
  if (codec === CODEC_NONE) {
    batch = allocateBatch(RECORDS_OFFSET + recordsSize);
    writeRecords(new ByteWriter(batch, RECORDS_OFFSET), records, recordSizes, headerKeyLengths, firstTimestamp);
  } else {
    const plain = Buffer.allocUnsafe(recordsSize);
    writeRecords(new ByteWriter(plain), records, recordSizes, headerKeyLengths, firstTimestamp);
    const compressed = gzipSync(plain);
    batch = allocateBatch(RECORDS_OFFSET + compressed.length);
    batch.set(compressed, RECORDS_OFFSET);
  }

  const w = new ByteWriter(batch);
  w.int64(baseOffset);
  w.int32(batch.length - LOG_OVERHEAD);
  w.int32(NO_PARTITION_LEADER_EPOCH);
  w.int8(MAGIC);
  w.uint32(0); // CRC, filled in once the bytes it covers are final
  w.int16(codec); // timestampType bit stays 0: CreateTime
  w.int32(count - 1);
  w.int64(firstTimestamp);
  w.int64(maxTimestamp);
  w.int64(NO_PRODUCER_ID);
  w.int16(NO_PRODUCER_EPOCH);
  w.int32(NO_SEQUENCE);
  w.int32(count);
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return batch;
}

function allocateBatch(size: number): Buffer {
  if (size - LOG_OVERHEAD > MAX_INT32) throw new RangeError(`record batch of ${size} bytes exceeds the int32 batchLength`);
  return Buffer.allocUnsafe(size);
}

function writeRecords(w: ByteWriter, records: readonly LogRecord[], recordSizes: number[], headerKeyLengths: number[], firstTimestamp: number): void {
  let nextHeaderKey = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    w.varint(recordSizes[i]!);
    w.int8(0); // record attributes: unused by Kafka
    w.varlong(record.timestamp - firstTimestamp);
    w.varint(i);
    writeNullableBytes(w, record.key);
    writeNullableBytes(w, record.value);
    const headers = record.headers;
    w.varint(headers.length);
    for (let h = 0; h < headers.length; h++) {
      const header = headers[h]!;
      const keyLength = headerKeyLengths[nextHeaderKey++]!;
      w.varint(keyLength);
      w.utf8(header.key, keyLength);
      writeNullableBytes(w, header.value);
    }
  }
}

function writeNullableBytes(w: ByteWriter, data: Uint8Array | null): void {
  if (data === null) {
    w.varint(-1);
  } else {
    w.varint(data.length);
    w.bytes(data);
  }
}

/**
 * Decodes one batch at the start of `bytes`; throws CorruptRecordBatchError on a CRC
 * mismatch, wrong magic, truncated data or bad lengths. `baseOffset`, if given, overrides
 * the stored one (the index knows the real offset; objects in batches/ store 0).
 * Keys, values and header values are Uint8Array views into `bytes`, not copies.
 */
export function decodeRecordBatch(bytes: Uint8Array, options: { baseOffset?: number } = {}): RecordBatch {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < RECORDS_OFFSET) throw new CorruptRecordBatchError(`truncated record batch: ${buffer.length} bytes is shorter than the ${RECORDS_OFFSET}-byte batch header`);
  const r = new ByteReader(buffer);
  const storedBaseOffset = r.int64('baseOffset');
  const batchLength = r.int32();
  if (batchLength < RECORDS_OFFSET - LOG_OVERHEAD) throw new CorruptRecordBatchError(`batchLength ${batchLength} is shorter than the batch header`);
  const sizeInBytes = LOG_OVERHEAD + batchLength;
  if (sizeInBytes > buffer.length) throw new CorruptRecordBatchError(`truncated record batch: batchLength says ${sizeInBytes} bytes, only ${buffer.length} present`);
  r.end = sizeInBytes;

  const magic = buffer.readInt8(MAGIC_OFFSET);
  if (magic !== MAGIC) throw new CorruptRecordBatchError(`record batch magic is ${magic}; only magic ${MAGIC} is supported`);
  const storedCrc = buffer.readUInt32BE(CRC_OFFSET);
  const crc = crc32c(buffer.subarray(ATTRIBUTES_OFFSET, sizeInBytes));
  if (crc !== storedCrc) throw new CorruptRecordBatchError(`record batch CRC-32C mismatch: stored ${storedCrc.toString(16)}, computed ${crc.toString(16)}`);

  r.position = ATTRIBUTES_OFFSET;
  const attributes = r.int16();
  const codec = attributes & COMPRESSION_MASK;
  if (codec !== CODEC_NONE && codec !== CODEC_GZIP) throw new CorruptRecordBatchError(`unsupported compression codec ${codec} in record batch attributes`);
  const lastOffsetDelta = r.int32();
  const firstTimestamp = r.int64('firstTimestamp');
  const maxTimestamp = r.int64('maxTimestamp');
  r.position = RECORDS_OFFSET - 4; // producerId, producerEpoch and baseSequence mean nothing to a reader
  const recordCount = r.int32();
  if (recordCount < 0 || recordCount - 1 > lastOffsetDelta) throw new CorruptRecordBatchError(`recordCount ${recordCount} does not fit lastOffsetDelta ${lastOffsetDelta}`);

  const baseOffset = options.baseOffset ?? storedBaseOffset;
  if (!Number.isSafeInteger(baseOffset)) throw new RangeError(`baseOffset must be a safe integer, got ${baseOffset}`);
  let records: ByteReader = r;
  if (codec === CODEC_GZIP) {
    let plain: Buffer;
    try {
      plain = gunzipSync(buffer.subarray(RECORDS_OFFSET, sizeInBytes), { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    } catch (err) {
      throw new CorruptRecordBatchError(`gzip records section does not decompress: ${(err as Error).message}`);
    }
    records = new ByteReader(plain);
  }
  // Checked before allocating, so a forged count cannot make us allocate a huge array.
  if (recordCount * MIN_RECORD_SIZE > records.remaining) throw new CorruptRecordBatchError(`recordCount ${recordCount} cannot fit in ${records.remaining} bytes of records`);
  const timestampOverride = attributes & TIMESTAMP_TYPE_LOG_APPEND_TIME ? maxTimestamp : undefined;
  const decoded = readRecords(records, recordCount, baseOffset, lastOffsetDelta, firstTimestamp, timestampOverride);
  if (records.remaining !== 0) throw new CorruptRecordBatchError(`${records.remaining} bytes left after the batch's ${recordCount} records`);

  return {
    baseOffset,
    lastOffsetDelta,
    firstTimestamp,
    maxTimestamp,
    compression: codec === CODEC_GZIP ? 'gzip' : 'none',
    records: decoded,
    sizeInBytes,
  };
}

function readRecords(r: ByteReader, count: number, baseOffset: number, lastOffsetDelta: number, firstTimestamp: number, timestampOverride: number | undefined): DecodedRecord[] {
  const records = new Array<DecodedRecord>(count);
  const sectionEnd = r.end;
  let previousOffsetDelta = -1;
  for (let i = 0; i < count; i++) {
    const length = r.varint('record length');
    r.need(length, 'record');
    const recordEnd = r.position + length;
    r.end = recordEnd; // a record's fields may not run into the next record
    r.skip(1, 'record attributes'); // unused by Kafka
    const timestampDelta = r.varlong('timestampDelta');
    const offsetDelta = r.varint('offsetDelta');
    // Compaction can leave gaps, but offsets inside a batch only ever increase.
    if (offsetDelta <= previousOffsetDelta || offsetDelta > lastOffsetDelta) throw new CorruptRecordBatchError(`record ${i}: offsetDelta ${offsetDelta} out of order or beyond lastOffsetDelta ${lastOffsetDelta}`);
    previousOffsetDelta = offsetDelta;
    const key = readNullableBytes(r, 'key length', 'key');
    const value = readNullableBytes(r, 'value length', 'value');
    const headerCount = r.varint('headersCount');
    if (headerCount < 0 || headerCount * 2 > r.remaining) throw new CorruptRecordBatchError(`record ${i}: headersCount ${headerCount} does not fit the record`);
    const headers = new Array<RecordHeader>(headerCount);
    for (let h = 0; h < headerCount; h++) {
      const keyLength = r.varint('header key length');
      if (keyLength < 0) throw new CorruptRecordBatchError(`record ${i}: header key length ${keyLength}; header keys cannot be null`);
      headers[h] = { key: r.utf8(keyLength, 'header key'), value: readNullableBytes(r, 'header value length', 'header value') };
    }
    if (r.position !== recordEnd) throw new CorruptRecordBatchError(`record ${i}: length says ${length} bytes but its fields use ${length - (recordEnd - r.position)}`);
    r.end = sectionEnd;
    const timestamp = timestampOverride ?? firstTimestamp + timestampDelta;
    records[i] = { offset: baseOffset + offsetDelta, key, value, headers, timestamp: Number.isSafeInteger(timestamp) && timestamp >= 0 ? timestamp : NO_TIMESTAMP };
  }
  return records;
}


/** `lengthField` and `what` are separate constants so the hot path never builds a string. */
function readNullableBytes(r: ByteReader, lengthField: string, what: string): Uint8Array | null {
  const length = r.varint(lengthField);
  if (length === -1) return null;
  if (length < -1) throw new CorruptRecordBatchError(`${lengthField} ${length} is negative`);
  return r.bytes(length, what);
}

/** Decodes a concatenation of batches (a Kafka log segment). */
export function decodeRecordBatches(bytes: Uint8Array): RecordBatch[] {
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const batches: RecordBatch[] = [];
  for (let position = 0; position < buffer.length; ) {
    const batch = decodeRecordBatch(buffer.subarray(position));
    batches.push(batch);
    position += batch.sizeInBytes;
  }
  return batches;
}
