/**
 * Decodes record batches with kafkajs, an implementation written independently of ours,
 * so tests can prove the bytes we store are real Kafka RecordBatch v2 and not merely
 * something our own decoder agrees with. kafkajs has no exports map and no types for its
 * protocol internals, hence createRequire and the narrow interfaces below.
 * kafkajs does not verify CRCs; callers that care check them separately.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface KafkajsDecoder {
  buffer: Buffer;
  offset: number;
}
/** A record as kafkajs returns it: offsets and timestamps as decimal strings, headers folded by key. */
export interface KafkajsRecord {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | null | Array<Buffer | null>>;
  timestamp: string;
  attributes: number;
}
export interface KafkajsBatch {
  firstOffset: string;
  firstTimestamp: string;
  maxTimestamp: string;
  lastOffsetDelta: number;
  partitionLeaderEpoch: number;
  producerId: string;
  records: KafkajsRecord[];
}

const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => KafkajsDecoder;
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (decoder: KafkajsDecoder) => Promise<KafkajsBatch>;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Every batch in `bytes` (one batch or a concatenation), decoded by kafkajs. */
export async function decodeBatchesWithKafkajs(bytes: Uint8Array): Promise<KafkajsBatch[]> {
  const decoder = new Decoder(asBuffer(bytes));
  const batches: KafkajsBatch[] = [];
  while (decoder.offset < decoder.buffer.length) batches.push(await decodeRecordBatch(decoder));
  return batches;
}

/** The records of every batch in `bytes`, decoded by kafkajs, in log order. */
export async function decodeWithKafkajs(bytes: Uint8Array): Promise<KafkajsRecord[]> {
  return (await decodeBatchesWithKafkajs(bytes)).flatMap((batch) => batch.records);
}
