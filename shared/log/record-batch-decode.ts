/**
 * Reading Kafka RecordBatch v2 (magic 2): the node-free half of the codec. The server
 * (record-batch-codec.ts, with node:zlib and friends) and the client (direct reads from
 * S3, with web decompressors) both decode with this code, so there is one codec in the
 * repository. Decompression is the caller's: `frameRecordBatch` checks the header and the
 * CRC-32C and hands back the records section as stored, `decodeRecordsSection` reads the
 * records from its decompressed bytes.
 */
import { CorruptRecordBatchError } from '../errors.js';
import { ByteReader, readInt32 } from './byte-reader.js';
import { crc32c } from './crc32c.js';

/** Kafka's codecs by their attribute bits; snappy (2) is the one Freshet does not write or read. */
export type CompressionType = 'none' | 'gzip' | 'lz4' | 'zstd';
export const COMPRESSION_CODECS: Readonly<Record<CompressionType, number>> = { none: 0, gzip: 1, lz4: 3, zstd: 4 };
const CODEC_NAMES: Readonly<Record<number, CompressionType>> = { 0: 'none', 1: 'gzip', 3: 'lz4', 4: 'zstd' };

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

/** A batch whose header and CRC are checked, its records section still as stored. */
export interface RecordBatchFrame {
  baseOffset: number;
  lastOffsetDelta: number;
  firstTimestamp: number;
  maxTimestamp: number;
  compression: CompressionType;
  recordCount: number;
  /** Set when the batch uses LogAppendTime: every record's timestamp is maxTimestamp. */
  timestampOverride: number | undefined;
  /** The records section as stored (compressed unless `compression` is 'none'); a view. */
  recordsSection: Uint8Array;
  sizeInBytes: number;
}

/** baseOffset + batchLength: the part of a batch that batchLength does not count. */
export const LOG_OVERHEAD = 12;
export const MAGIC_OFFSET = 16;
export const CRC_OFFSET = 17;
/** The CRC covers everything from attributes to the end of the batch. */
export const ATTRIBUTES_OFFSET = 21;
export const RECORDS_OFFSET = 61;
export const MAGIC = 2;
const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_LOG_APPEND_TIME = 0x08;
/** attributes + timestampDelta + offsetDelta + keyLength + valueLength + headersCount, each ≥ 1 byte, plus the length prefix. */
const MIN_RECORD_SIZE = 7;
/**
 * Kafka's RecordBatch.NO_TIMESTAMP. A record whose CreateTime cannot be read back exactly
 * (a timestampDelta beyond ±2^53, which releases before the MAX_TIMESTAMP limit could
 * write) reads as this instead of failing its whole batch: the record stays readable.
 */
export const NO_TIMESTAMP = -1;
/**
 * A batch holds at most one produce request (a few MB), so anything inflating past this is
 * corrupt or hostile; without a cap a small compression bomb could exhaust the memory of
 * a Lambda or a browser tab. Decompressors are given it as their output limit.
 */
export const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/**
 * Checks the batch at the start of `bytes` (lengths, magic, CRC-32C, codec) and returns its
 * header with the records section still as stored. `baseOffset`, if given, overrides the
 * stored one (the index knows the real offset; objects in batches/ store 0).
 */
export function frameRecordBatch(bytes: Uint8Array, options: { baseOffset?: number | undefined } = {}): RecordBatchFrame {
  if (bytes.length < RECORDS_OFFSET) throw new CorruptRecordBatchError(`truncated record batch: ${bytes.length} bytes is shorter than the ${RECORDS_OFFSET}-byte batch header`);
  const r = new ByteReader(bytes);
  const storedBaseOffset = r.int64('baseOffset');
  const batchLength = r.int32();
  if (batchLength < RECORDS_OFFSET - LOG_OVERHEAD) throw new CorruptRecordBatchError(`batchLength ${batchLength} is shorter than the batch header`);
  const sizeInBytes = LOG_OVERHEAD + batchLength;
  if (sizeInBytes > bytes.length) throw new CorruptRecordBatchError(`truncated record batch: batchLength says ${sizeInBytes} bytes, only ${bytes.length} present`);
  r.end = sizeInBytes;

  const magic = (bytes[MAGIC_OFFSET]! << 24) >> 24;
  if (magic !== MAGIC) throw new CorruptRecordBatchError(`record batch magic is ${magic}; only magic ${MAGIC} is supported`);
  const storedCrc = readInt32(bytes, CRC_OFFSET) >>> 0;
  const crc = crc32c(bytes.subarray(ATTRIBUTES_OFFSET, sizeInBytes));
  if (crc !== storedCrc) throw new CorruptRecordBatchError(`record batch CRC-32C mismatch: stored ${storedCrc.toString(16)}, computed ${crc.toString(16)}`);

  r.position = ATTRIBUTES_OFFSET;
  const attributes = r.int16();
  const compression = CODEC_NAMES[attributes & COMPRESSION_MASK];
  if (compression === undefined) throw new CorruptRecordBatchError(`unsupported compression codec ${attributes & COMPRESSION_MASK} in record batch attributes`);
  const lastOffsetDelta = r.int32();
  const firstTimestamp = r.int64('firstTimestamp');
  const maxTimestamp = r.int64('maxTimestamp');
  r.position = RECORDS_OFFSET - 4; // producerId, producerEpoch and baseSequence mean nothing to a reader
  const recordCount = r.int32();
  if (recordCount < 0 || recordCount - 1 > lastOffsetDelta) throw new CorruptRecordBatchError(`recordCount ${recordCount} does not fit lastOffsetDelta ${lastOffsetDelta}`);

  const baseOffset = options.baseOffset ?? storedBaseOffset;
  if (!Number.isSafeInteger(baseOffset)) throw new RangeError(`baseOffset must be a safe integer, got ${baseOffset}`);
  return {
    baseOffset,
    lastOffsetDelta,
    firstTimestamp,
    maxTimestamp,
    compression,
    recordCount,
    timestampOverride: attributes & TIMESTAMP_TYPE_LOG_APPEND_TIME ? maxTimestamp : undefined,
    recordsSection: bytes.subarray(RECORDS_OFFSET, sizeInBytes),
    sizeInBytes,
  };
}

/**
 * The batch's records from its records section, decompressed (`plain` is
 * `frame.recordsSection` itself when the batch is uncompressed). Keys, values and header
 * values are Uint8Array views into `plain`, not copies.
 */
export function decodeRecordsSection(frame: RecordBatchFrame, plain: Uint8Array): RecordBatch {
  const records = readRecords(frame, plain);
  return {
    baseOffset: frame.baseOffset,
    lastOffsetDelta: frame.lastOffsetDelta,
    firstTimestamp: frame.firstTimestamp,
    maxTimestamp: frame.maxTimestamp,
    compression: frame.compression,
    records,
    sizeInBytes: frame.sizeInBytes,
  };
}

/** Decompresses a records section; throws (anything) when the bytes do not decompress. */
export type Decompress = (compression: Exclude<CompressionType, 'none'>, section: Uint8Array) => Uint8Array;

/** One batch at the start of `bytes`, decompressed with `decompress`; throws CorruptRecordBatchError. */
export function decodeRecordBatchWith(bytes: Uint8Array, decompress: Decompress, options: { baseOffset?: number | undefined } = {}): RecordBatch {
  const frame = frameRecordBatch(bytes, options);
  return decodeRecordsSection(frame, plainSection(frame, decompress));
}

/** Decodes a concatenation of batches (a Kafka log segment). */
export function decodeRecordBatchesWith(bytes: Uint8Array, decompress: Decompress): RecordBatch[] {
  const batches: RecordBatch[] = [];
  for (let position = 0; position < bytes.length; ) {
    const batch = decodeRecordBatchWith(bytes.subarray(position), decompress);
    batches.push(batch);
    position += batch.sizeInBytes;
  }
  return batches;
}

function plainSection(frame: RecordBatchFrame, decompress: Decompress): Uint8Array {
  if (frame.compression === 'none') return frame.recordsSection;
  let plain: Uint8Array;
  try {
    plain = decompress(frame.compression, frame.recordsSection);
  } catch (err) {
    throw new CorruptRecordBatchError(`${frame.compression} records section does not decompress: ${(err as Error).message}`);
  }
  if (plain.length > MAX_DECOMPRESSED_BYTES) throw new CorruptRecordBatchError(`${frame.compression} records section inflates past ${MAX_DECOMPRESSED_BYTES} bytes`);
  return plain;
}

function readRecords(frame: RecordBatchFrame, plain: Uint8Array): DecodedRecord[] {
  const cursor = new RecordCursor(frame, plain); // checks the count before the array is allocated
  const records = new Array<DecodedRecord>(frame.recordCount);
  for (let i = 0; cursor.next(); i++) {
    records[i] = {
      offset: cursor.offset,
      key: cursor.keyLength < 0 ? null : view(plain, cursor.keyStart, cursor.keyLength),
      value: cursor.valueLength < 0 ? null : view(plain, cursor.valueStart, cursor.valueLength),
      headers: cursor.headers(),
      timestamp: cursor.timestamp,
    };
  }
  return records;
}

/**
 * `length` bytes of `bytes` from `start`, as a view and a plain Uint8Array even when `bytes`
 * is a Buffer: constructing one is ~3x cheaper than Buffer#subarray.
 */
export function view(bytes: Uint8Array, start: number, length: number): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset + start, length);
}

/**
 * Walks the records of one batch's (decompressed) records section in place, checking each
 * as `decodeRecordsSection` does, without making an object per record: after `next()`
 * returns true, the fields describe the current record, its key and value as positions in
 * `section` (a length of -1 is a Kafka null). A reader that turns records straight into
 * something else (the client's direct reads: one message per record) thereby allocates
 * nothing in between; `decodeRecordsSection` is built on it.
 */
export class RecordCursor {
  readonly section: Uint8Array;
  offset = 0;
  /** CreateTime, or the batch's maxTimestamp under LogAppendTime; NO_TIMESTAMP if not exact. */
  timestamp = 0;
  keyStart = 0;
  keyLength = -1;
  valueStart = 0;
  valueLength = -1;
  headerCount = 0;
  private headersStart = 0;
  private index = 0;
  private previousOffsetDelta = -1;
  private readonly r: ByteReader;
  private readonly frame: RecordBatchFrame;
  private readonly sectionEnd: number;

  /** `plain` is the decompressed records section (`frame.recordsSection` itself when uncompressed). */
  constructor(frame: RecordBatchFrame, plain: Uint8Array) {
    const r = new ByteReader(plain);
    // Checked before anything is read, so a forged count cannot make a caller allocate a huge array.
    if (frame.recordCount * MIN_RECORD_SIZE > r.remaining) throw new CorruptRecordBatchError(`recordCount ${frame.recordCount} cannot fit in ${r.remaining} bytes of records`);
    this.r = r;
    this.frame = frame;
    this.section = r.buffer;
    this.sectionEnd = r.end;
  }

  /** Reads the next record; false after the last one (and then the section must be used up). */
  next(): boolean {
    const r = this.r;
    const frame = this.frame;
    const i = this.index;
    if (i === frame.recordCount) {
      if (r.remaining !== 0) throw new CorruptRecordBatchError(`${r.remaining} bytes left after the batch's ${frame.recordCount} records`);
      return false;
    }
    this.index = i + 1;
    const length = r.varint('record length');
    r.need(length, 'record');
    const recordEnd = r.position + length;
    r.end = recordEnd; // a record's fields may not run into the next record
    r.skip(1, 'record attributes'); // unused by Kafka
    const timestampDelta = r.varlong('timestampDelta');
    const offsetDelta = r.varint('offsetDelta');
    // Compaction can leave gaps, but offsets inside a batch only ever increase.
    if (offsetDelta <= this.previousOffsetDelta || offsetDelta > frame.lastOffsetDelta) {
      throw new CorruptRecordBatchError(`record ${i}: offsetDelta ${offsetDelta} out of order or beyond lastOffsetDelta ${frame.lastOffsetDelta}`);
    }
    this.previousOffsetDelta = offsetDelta;
    this.keyLength = nullableLength(r, 'key length', 'key');
    this.keyStart = r.position;
    r.position += this.keyLength < 0 ? 0 : this.keyLength;
    this.valueLength = nullableLength(r, 'value length', 'value');
    this.valueStart = r.position;
    r.position += this.valueLength < 0 ? 0 : this.valueLength;
    const headerCount = r.varint('headersCount');
    if (headerCount < 0 || headerCount * 2 > r.remaining) throw new CorruptRecordBatchError(`record ${i}: headersCount ${headerCount} does not fit the record`);
    this.headerCount = headerCount;
    this.headersStart = r.position;
    for (let h = 0; h < headerCount; h++) {
      const keyLength = r.varint('header key length');
      if (keyLength < 0) throw new CorruptRecordBatchError(`record ${i}: header key length ${keyLength}; header keys cannot be null`);
      r.skip(keyLength, 'header key');
      const valueLength = nullableLength(r, 'header value length', 'header value');
      if (valueLength > 0) r.position += valueLength;
    }
    if (r.position !== recordEnd) throw new CorruptRecordBatchError(`record ${i}: length says ${length} bytes but its fields use ${length - (recordEnd - r.position)}`);
    r.end = this.sectionEnd;
    this.offset = frame.baseOffset + offsetDelta;
    const timestamp = frame.timestampOverride ?? frame.firstTimestamp + timestampDelta;
    this.timestamp = Number.isSafeInteger(timestamp) && timestamp >= 0 ? timestamp : NO_TIMESTAMP;
    return true;
  }

  /**
   * Where the current record's header keys are in `section`, with each value's length (-1
   * for null): for a caller that checks the key bytes themselves (headers() decodes keys
   * leniently). A new array.
   */
  headerSpans(): { keyStart: number; keyLength: number; valueLength: number }[] {
    const spans: { keyStart: number; keyLength: number; valueLength: number }[] = [];
    const r = new ByteReader(this.section, this.headersStart, this.sectionEnd);
    for (let h = 0; h < this.headerCount; h++) {
      const keyLength = r.varint('header key length'); // checked by next()
      const keyStart = r.position;
      r.position += keyLength;
      const valueLength = r.varint('header value length');
      if (valueLength > 0) r.position += valueLength;
      spans.push({ keyStart, keyLength, valueLength });
    }
    return spans;
  }

  /** The current record's headers (keys as strings, values as views into `section`); a new array. */
  headers(): RecordHeader[] {
    const count = this.headerCount;
    const headers = new Array<RecordHeader>(count);
    if (count === 0) return headers;
    const r = new ByteReader(this.section, this.headersStart, this.sectionEnd);
    for (let h = 0; h < count; h++) {
      const key = r.utf8(r.varint('header key length'), 'header key'); // checked by next()
      const length = r.varint('header value length');
      headers[h] = { key, value: length < 0 ? null : r.bytes(length, 'header value') };
    }
    return headers;
  }
}

/** A nullable field's length (-1 for null), its bytes checked to be there; the caller steps over them. */
function nullableLength(r: ByteReader, lengthField: string, what: string): number {
  const length = r.varint(lengthField);
  if (length === -1) return -1;
  if (length < -1) throw new CorruptRecordBatchError(`${lengthField} ${length} is negative`);
  r.need(length, what);
  return length;
}
