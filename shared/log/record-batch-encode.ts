/**
 * Writing Kafka RecordBatch v2 (magic 2): the node-free half of the codec that encodes, as
 * record-batch-decode.ts is the one that decodes. Byte for byte as Kafka writes its log and
 * the wire, so stored objects stay readable by Kafka tooling. Only what Freshet produces is
 * written: no producer id/epoch/sequence (all -1), CreateTime, compression none, gzip, lz4
 * or zstd. The server (record-batch-codec.ts, with node:zlib and Buffer plugged in) and the
 * client's producer (web standards, batches without compression) both encode with this
 * code, so there is one codec in the repository.
 */
import { ByteWriter, sizeOfVarint, sizeOfVarlong, type Utf8Writer, WEB_UTF8 } from './byte-writer.js';
import { crc32c } from './crc32c.js';
import {
  ATTRIBUTES_OFFSET,
  COMPRESSION_CODECS,
  type CompressionType,
  CRC_OFFSET,
  type LogRecord,
  LOG_OVERHEAD,
  MAGIC,
  NO_TIMESTAMP,
  RECORDS_OFFSET,
} from './record-batch-decode.js';

const NO_PRODUCER_ID = -1;
const NO_PRODUCER_EPOCH = -1;
const NO_SEQUENCE = -1;
const NO_PARTITION_LEADER_EPOCH = -1;
const MAX_INT32 = 0x7fff_ffff;

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

/** Compresses a records section; the counterpart of record-batch-decode.ts's `Decompress`. */
export type Compress = (compression: Exclude<CompressionType, 'none'>, plain: Uint8Array) => Uint8Array;

/**
 * What the encoder takes from its runtime. Each part has a web-standard default; the server
 * plugs in Node's faster ones (record-batch-codec.ts).
 */
export interface EncodeRuntime {
  /** Needed only for a compressed batch; without it only `none` encodes. */
  compress?: Compress | undefined;
  /** A buffer of `size` bytes whose contents may be anything (all are overwritten). Default `new Uint8Array`. */
  allocate?: ((size: number) => Uint8Array) | undefined;
  /** How text is measured and written as UTF-8; it writes only into buffers from `allocate`. Default TextEncoder. */
  utf8?: Utf8Writer | undefined;
}

const allocateZeroed = (size: number): Uint8Array => new Uint8Array(size);

/** The UTF-8 length of each string value and header key, in the order pass 2 writes them. */
type TextLengths = number[];

export function encodeRecordBatchWith(records: readonly EncodableRecord[], runtime: EncodeRuntime, options: EncodeOptions): Uint8Array {
  const count = records.length;
  if (count === 0) throw new RangeError('a record batch needs at least one record');
  const baseOffset = options.baseOffset ?? 0;
  if (!Number.isSafeInteger(baseOffset) || baseOffset < 0) throw new RangeError(`baseOffset must be a non-negative safe integer, got ${baseOffset}`);
  const codec = COMPRESSION_CODECS[options.compression] as number | undefined;
  if (codec === undefined) throw new RangeError(`unsupported compression '${options.compression}'`);
  if (options.compression !== 'none' && !runtime.compress) throw new RangeError(`no compressor given for '${options.compression}'`);
  const deltas = options.offsetDeltas;
  if (deltas) checkOffsetDeltas(deltas, count);
  const lastOffsetDelta = options.lastOffsetDelta ?? (deltas ? deltas[count - 1]! : count - 1);
  if (!Number.isSafeInteger(lastOffsetDelta) || lastOffsetDelta < (deltas ? deltas[count - 1]! : count - 1) || lastOffsetDelta > MAX_INT32) {
    throw new RangeError(`lastOffsetDelta ${lastOffsetDelta} is below the last record's delta or beyond int32`);
  }
  const utf8 = runtime.utf8 ?? WEB_UTF8;
  const allocate = runtime.allocate ?? allocateZeroed;

  // Kafka's convention: firstTimestamp is the first record's, not the minimum, so deltas may be negative.
  const firstTimestamp = records[0]!.timestamp;
  let maxTimestamp = firstTimestamp;
  // Pass 1 measures everything, so pass 2 writes into one exactly-sized allocation.
  const recordSizes = new Array<number>(count);
  const textLengths: TextLengths = [];
  let recordsSize = 0;
  for (let i = 0; i < count; i++) {
    const record = records[i]!;
    const timestamp = record.timestamp;
    // NO_TIMESTAMP passes: compaction rewrites records whose timestamp could not be read back.
    if (!Number.isSafeInteger(timestamp) || timestamp < NO_TIMESTAMP) throw new RangeError(`record ${i}: timestamp must be a safe integer ≥ -1, got ${timestamp}`);
    if (timestamp > maxTimestamp) maxTimestamp = timestamp;
    const size = recordBodySize(record, utf8, textLengths) + sizeOfVarlong(timestamp - firstTimestamp) + sizeOfVarint(deltas ? deltas[i]! : i);
    recordSizes[i] = size;
    recordsSize += sizeOfVarint(size) + size;
  }

  let batch: Uint8Array;
  if (options.compression === 'none') {
    batch = allocateBatch(allocate, RECORDS_OFFSET + recordsSize);
    writeRecords(new ByteWriter(batch, RECORDS_OFFSET, utf8), records, recordSizes, textLengths, firstTimestamp, deltas);
  } else {
    const plain = allocate(recordsSize);
    writeRecords(new ByteWriter(plain, 0, utf8), records, recordSizes, textLengths, firstTimestamp, deltas);
    const compressed = runtime.compress!(options.compression, plain);
    batch = allocateBatch(allocate, RECORDS_OFFSET + compressed.length);
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
  w.position = CRC_OFFSET;
  w.uint32(crc32c(batch.subarray(ATTRIBUTES_OFFSET)));
  return batch;
}

/**
 * A record's bytes in a batch but for its timestampDelta and offsetDelta (which depend on
 * the batch it lands in) and its length prefix: attributes, key, value and headers. With
 * `textLengths`, the UTF-8 lengths it measures (string value, header keys) are appended
 * there for the writing pass. A producer adds the two deltas and the prefix to size its
 * requests exactly before it encodes them.
 */
export function recordBodySize(record: EncodableRecord, utf8: Utf8Writer = WEB_UTF8, textLengths?: TextLengths): number {
  const value = record.value;
  let size = 1 + sizeOfNullableBytes(record.key);
  if (typeof value === 'string') {
    const length = utf8.byteLength(value);
    textLengths?.push(length);
    size += sizeOfVarint(length) + length;
  } else size += sizeOfNullableBytes(value);
  const headers = record.headers;
  size += sizeOfVarint(headers.length);
  for (let h = 0; h < headers.length; h++) {
    const header = headers[h]!;
    const keyLength = utf8.byteLength(header.key);
    textLengths?.push(keyLength);
    size += sizeOfVarint(keyLength) + keyLength + sizeOfNullableBytes(header.value);
  }
  return size;
}

const sizeOfNullableBytes = (data: Uint8Array | null): number => (data === null ? 1 : sizeOfVarint(data.length) + data.length);

function checkOffsetDeltas(deltas: readonly number[], count: number): void {
  if (deltas.length !== count) throw new RangeError(`offsetDeltas has ${deltas.length} entries for ${count} records`);
  let previous = -1;
  for (const delta of deltas) {
    if (!Number.isSafeInteger(delta) || delta <= previous || delta > MAX_INT32) throw new RangeError(`offsetDeltas must increase strictly from 0 within int32, got ${delta} after ${previous}`);
    previous = delta;
  }
}

function allocateBatch(allocate: (size: number) => Uint8Array, size: number): Uint8Array {
  if (size - LOG_OVERHEAD > MAX_INT32) throw new RangeError(`record batch of ${size} bytes exceeds the int32 batchLength`);
  return allocate(size);
}

function writeRecords(
  w: ByteWriter,
  records: readonly EncodableRecord[],
  recordSizes: number[],
  textLengths: TextLengths,
  firstTimestamp: number,
  deltas: readonly number[] | undefined,
): void {
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
      const keyLength = textLengths[nextText++]!;
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
