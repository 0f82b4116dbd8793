/**
 * The server's side of the one record batch codec: the node-free encoder
 * (record-batch-encode.ts) and decoder (record-batch-decode.ts) with Node's compressors
 * (compression.ts) and, for encoding, Node's Buffer plugged in. Byte for byte Kafka's
 * RecordBatch v2, so stored objects stay readable by Kafka tooling and our reads can be
 * checked against an independent implementation.
 */
import { compress, decompress } from './compression.js';
import { decodeRecordBatchesWith, decodeRecordBatchWith, type RecordBatch } from './record-batch-decode.js';
import { type EncodableRecord, type EncodeOptions, type EncodeRuntime, encodeRecordBatchWith } from './record-batch-encode.js';

export { compressionReady } from './compression.js';
export { type CompressionType, type DecodedRecord, type LogRecord, NO_TIMESTAMP, type RecordBatch, type RecordHeader } from './record-batch-decode.js';
export type { EncodableRecord, EncodeOptions } from './record-batch-encode.js';

/**
 * Node's UTF-8 is faster than the web-standard default (docs/log.md, "Compression"): a
 * batch of 1 KiB JSON texts encodes at ~1.6× the rate with Buffer's native length and
 * write as with TextEncoder.encodeInto, which needs a view per string. Batches come back
 * as Buffers, as the server's callers have always had them.
 */
const NODE_RUNTIME: EncodeRuntime = {
  compress,
  allocate: (size) => Buffer.allocUnsafe(size),
  utf8: {
    byteLength: (text) => Buffer.byteLength(text, 'utf8'),
    // `target` is always a buffer `allocate` made, so a Buffer.
    write: (target, text, position, byteLength) => {
      (target as Buffer).write(text, position, byteLength, 'utf8');
    },
  },
};

/** Encodes records into one RecordBatch v2; offsets baseOffset, baseOffset+1, … */
export function encodeRecordBatch(records: readonly EncodableRecord[], options: EncodeOptions): Buffer {
  return encodeRecordBatchWith(records, NODE_RUNTIME, options) as Buffer;
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
