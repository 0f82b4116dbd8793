/**
 * kafkajs's own RecordBatch v2 encoder and decoder, the yardstick for our codec. kafkajs
 * has no exports map and no types for its protocol internals, hence createRequire and the
 * narrow interfaces below (the same approach as test/log/kafkajs-decoder.ts).
 */
import { createRequire } from 'node:module';
import type { LogRecord } from '../shared/log/record-batch-codec.js';

const require = createRequire(import.meta.url);

interface KafkajsEncoder {
  buffer: Buffer;
}
interface KafkajsDecoder {
  buffer: Buffer;
  offset: number;
}
interface KafkajsRecordInput {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null>;
}
interface KafkajsBatch {
  records: { key: Buffer | null; value: Buffer | null }[];
}

const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (batch: {
    compression: number;
    firstTimestamp: number;
    maxTimestamp: number;
    lastOffsetDelta: number;
    partitionLeaderEpoch: number;
    producerEpoch: number;
    firstSequence: number;
    records: KafkajsEncoder[];
  }) => Promise<KafkajsEncoder>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: KafkajsRecordInput) => KafkajsEncoder;
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => KafkajsDecoder;
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (decoder: KafkajsDecoder) => Promise<KafkajsBatch>;
const { Types } = require('kafkajs/src/protocol/message/compression') as { Types: { None: number; GZIP: number } };

/** Records as kafkajs takes them: Buffers and header objects, prepared once, outside any timing. */
export interface KafkajsInput {
  firstTimestamp: number;
  maxTimestamp: number;
  records: { key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | null>; timestamp: number }[];
}

const asBuffer = (b: Uint8Array | null) => (b === null ? null : Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

export function toKafkajsInput(records: readonly LogRecord[]): KafkajsInput {
  return {
    firstTimestamp: records[0]!.timestamp,
    maxTimestamp: Math.max(...records.map((r) => r.timestamp)),
    records: records.map((r) => ({
      key: asBuffer(r.key),
      value: asBuffer(r.value),
      headers: Object.fromEntries(r.headers.map((h) => [h.key, asBuffer(h.value)])),
      timestamp: r.timestamp,
    })),
  };
}

/** One RecordBatch v2, the way kafkajs's producer builds it: a Record encoder per record, then the batch. */
export async function encodeWithKafkajs(input: KafkajsInput, compression: 'none' | 'gzip'): Promise<Buffer> {
  const records = input.records.map((r, i) =>
    Record({ offsetDelta: i, timestampDelta: r.timestamp - input.firstTimestamp, key: r.key, value: r.value, headers: r.headers }),
  );
  const batch = await RecordBatch({
    compression: compression === 'gzip' ? Types.GZIP : Types.None,
    firstTimestamp: input.firstTimestamp,
    maxTimestamp: input.maxTimestamp,
    lastOffsetDelta: records.length - 1,
    partitionLeaderEpoch: -1,
    producerEpoch: -1,
    firstSequence: -1,
    records,
  });
  return batch.buffer;
}

/** Decodes every batch in `bytes` fully (kafkajs does not check the CRC); returns the records. */
export async function decodeWithKafkajs(bytes: Buffer): Promise<KafkajsBatch['records']> {
  const decoder = new Decoder(bytes);
  const records: KafkajsBatch['records'] = [];
  while (decoder.offset < decoder.buffer.length) records.push(...(await decodeRecordBatch(decoder)).records);
  return records;
}
