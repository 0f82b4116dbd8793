/**
 * Kafka RecordBatch v2 (magic 2), byte for byte as Kafka writes it to its log and the
 * wire, so stored objects stay readable by Kafka tooling and our reads can be checked
 * against an independent implementation. Only what Freshet produces is written: no
 * producer id/epoch/sequence (all -1), CreateTime, compression none, gzip, lz4 or zstd.
 * The server's side of the one codec: encoding here, decoding in the node-free
 * record-batch-decode.ts with this side's decompressors (compression.ts).
 */
import { ByteWriter, sizeOfVarint, sizeOfVarlong } from './bytes.js';
import { compress, decompress } from './compression.js';
import { crc32c } from './crc32c.js';
import {
  ATTRIBUTES_OFFSET,
  COMPRESSION_CODECS,
  type CompressionType,
  CRC_OFFSET,
  decodeRecordBatchesWith,
  decodeRecordBatchWith,
  type LogRecord,
  LOG_OVERHEAD,
  MAGIC,
  NO_TIMESTAMP,
  RECORDS_OFFSET,
  type RecordBatch,
} from './record-batch-decode.js';

export { compressionReady } from './compression.js';
export { type CompressionType, type DecodedRecord, type LogRecord, NO_TIMESTAMP, type RecordBatch, type RecordHeader } from './record-batch-decode.js';

const NO_PRODUCER_ID = -1;
const NO_PRODUCER_EPOCH = -1;
const NO_SEQUENCE = -1;
const NO_PARTITION_LEADER_EPOCH = -1;
const MAX_INT32 = 0x7fff_ffff;

const sizeOfNullableBytes = (data: Uint8Array | null): number => (data === null ? 1 : sizeOfVarint(data.length) + data.length);

/**
 * A record to encode. Its value may also be a string, stored as its UTF-8 bytes: the
 * encoder writes it straight into the batch buffer, so a value that arrives as text (a
 * JSON or string produce) is encoded once, with no Uint8Array of its own to copy from.
 */
export interface EncodableRecord extends Omit<LogRecord, 'value'> {
  value: Uint8Array | string | null;
}

/** Encodes records into one RecordBatch v2; offsets baseOffset, baseOffset+1, … */
export interface EncodeOptions {
  baseOffset?: number;
  compression: CompressionType;
  /**
   * Each record's offset delta, strictly increasing from ≥ 0 (default: 0, 1, 2, …). Gaps are
   * what the log cleaner writes: a compacted batch keeps its records' offsets.
   */
  offsetDeltas?: readonly number[];
  /** At least the last record's delta (default: it); the cleaner keeps a batch's original last offset. */
  lastOffsetDelta?: number;
}

export function encodeRecordBatch(records: readonly EncodableRecord[], options: EncodeOptions): Buffer {
  const count = records.length;
  if (count === 0) throw new RangeError('a record batch needs at least one record');
  const baseOffset = options.baseOffset ?? 0;
  if (!Number.isSafeInteger(baseOffset) || baseOffset < 0) throw new RangeError(`baseOffset must be a non-negative safe integer, got ${baseOffset}`);
  const codec = COMPRESSION_CODECS[options.compression] as number | undefined;
  if (codec === undefined) throw new RangeError(`unsupported compression '${options.compression}'`);
  const deltas = options.offsetDeltas;
  if (deltas) checkOffsetDeltas(deltas, count);
  const lastOffsetDelta = options.lastOffsetDelta ?? (deltas ? deltas[count - 1]! : count - 1);
  if (!Number.isSafeInteger(lastOffsetDelta) || lastOffsetDelta < (deltas ? deltas[count - 1]! : count - 1) || lastOffsetDelta > MAX_INT32) {
    throw new RangeError(`lastOffsetDelta ${lastOffsetDelta} is below the last record's delta or beyond int32`);
  }

  // Kafka's convention: firstTimestamp is the first record's, not the minimum, so deltas may be negative.
  const firstTimestamp = records[0]!.timestamp;
  let maxTimestamp = firstTimestamp;
  // Pass 1 measures everything, so pass 2 writes into one exactly-sized allocation.
  const recordSizes = new Array<number>(count);
  const headerKeyLengths: number[] = [];
  /** UTF-8 lengths of the string values, in record order. */
  const textLengths: number[] = [];
  let recordsSize = 0;
  for (let i = 0; i < count; i++) {
    const record = records[i]!;
    const timestamp = record.timestamp;
    // NO_TIMESTAMP passes: compaction rewrites records whose timestamp could not be read back.
    if (!Number.isSafeInteger(timestamp) || timestamp < NO_TIMESTAMP) throw new RangeError(`record ${i}: timestamp must be a safe integer ≥ -1, got ${timestamp}`);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const headers = record.headers;
    const value = record.value;
    let valueSize: number;
    if (typeof value === 'string') {
      const length = Buffer.byteLength(value, 'utf8');
      textLengths.push(length);
      valueSize = sizeOfVarint(length) + length;
    } else valueSize = sizeOfNullableBytes(value);
    let size = 1 + sizeOfVarlong(timestamp - firstTimestamp) + sizeOfVarint(deltas ? deltas[i]! : i) + sizeOfNullableBytes(record.key) + valueSize + sizeOfVarint(headers.length);
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
  if (options.compression === 'none') {
    batch = allocateBatch(RECORDS_OFFSET + recordsSize);
    writeRecords(new ByteWriter(batch, RECORDS_OFFSET), records, recordSizes, headerKeyLengths, textLengths, firstTimestamp, deltas);
  } else {
    const plain = Buffer.allocUnsafe(recordsSize);
    writeRecords(new ByteWriter(plain), records, recordSizes, headerKeyLengths, textLengths, firstTimestamp, deltas);
    const compressed = compress(options.compression, plain);
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
  w.int32(lastOffsetDelta);
  w.int64(firstTimestamp);
  w.int64(maxTimestamp);
  w.int64(NO_PRODUCER_ID);
  w.int16(NO_PRODUCER_EPOCH);
  w.int32(NO_SEQUENCE);
  w.int32(count);
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
  return batch;
}

function checkOffsetDeltas(deltas: readonly number[], count: number): void {
  if (deltas.length !== count) throw new RangeError(`offsetDeltas has ${deltas.length} entries for ${count} records`);
  let previous = -1;
  for (const delta of deltas) {
    if (!Number.isSafeInteger(delta) || delta <= previous || delta > MAX_INT32) throw new RangeError(`offsetDeltas must increase strictly from 0 within int32, got ${delta} after ${previous}`);
    previous = delta;
  }
}

function allocateBatch(size: number): Buffer {
  if (size - LOG_OVERHEAD > MAX_INT32) throw new RangeError(`record batch of ${size} bytes exceeds the int32 batchLength`);
  return Buffer.allocUnsafe(size);
}

function writeRecords(
  w: ByteWriter,
  records: readonly EncodableRecord[],
  recordSizes: number[],
  headerKeyLengths: number[],
  textLengths: number[],
  firstTimestamp: number,
  deltas: readonly number[] | undefined,
): void {
  let nextHeaderKey = 0;
  let nextText = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    w.varint(recordSizes[i]!);
    w.int8(0); // record attributes: unused by Kafka
    w.varlong(record.timestamp - firstTimestamp);
    w.varint(deltas ? deltas[i]! : i);
    writeNullableBytes(w, record.key);
    const value = record.value;
    if (typeof value === 'string') {
      const length = textLengths[nextText++]!;
      w.varint(length);
      w.utf8(value, length);
    } else writeNullableBytes(w, value);
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
 * Keys, values and header values are Uint8Array views into `bytes` (or into the
 * decompressed records), not copies.
 */
export function decodeRecordBatch(bytes: Uint8Array, options: { baseOffset?: number } = {}): RecordBatch {
  return decodeRecordBatchWith(bytes, decompress, options);
}

/** Decodes a concatenation of batches (a Kafka log segment). */
export function decodeRecordBatches(bytes: Uint8Array): RecordBatch[] {
  return decodeRecordBatchesWith(bytes, decompress);
}
