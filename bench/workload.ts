import { randomBytes } from 'node:crypto';
import { partitionForKey } from '../shared/log/partitioner.js';
import { encodeRecordBatch, type LogRecord } from '../shared/log/record-batch-codec.js';
import { frameRecordBatches } from '../shared/log/record-batches-body.js';

/**
 * The records every produce-side measurement uses: values of exactly `valueBytes` ASCII
 * characters (so 1 KiB on the wire, in the batch and in the JSON alike), keyed when the
 * topic has several partitions so that Kafka's partitioner spreads them.
 */
export interface WorkloadRecord {
  key: string | null;
  value: string;
}

export interface ProduceShape {
  /** Records per produce request. */
  records: number;
  /** Partitions of the topic; with more than one, records are keyed and spread by murmur2. */
  partitions: number;
  valueBytes: number;
  /** Values as JSON objects (encoding json) instead of strings: what a topic schema validates. */
  json?: boolean;
  /**
   * How a produce request carries its records: the client's own RecordBatches (what
   * @freshet/client sends) or a JSON body (what curl sends; also when absent).
   */
  wire?: 'record-batches' | 'json';
}

/** How many distinct request bodies a worker cycles through (distinct keys, same sizes). */
export const BODY_VARIANTS = 16;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
let textPool: string | undefined;

/** 64 KiB of random printable text; values are slices of it, so building a million of them is cheap. */
function randomText(length: number, start: number): string {
  if (textPool === undefined) {
    const bytes = randomBytes(64 * 1024);
    textPool = Array.from(bytes, (b) => ALPHABET[b & 63]).join('');
  }
  const from = start % (textPool.length - length);
  return textPool.slice(from, from + length);
}

export function workloadRecords(shape: ProduceShape, variant: number): WorkloadRecord[] {
  const keyed = shape.partitions > 1;
  return Array.from({ length: shape.records }, (_, i) => ({
    key: keyed ? `key-${variant}-${i}` : null,
    value: randomText(shape.valueBytes, variant * 7919 + i * 131),
  }));
}

/**
 * The records of one request by partition, as the client partitions them: keyed records
 * by Kafka's partitioner, the unkeyed ones of a request all to one partition (sticky).
 * The storage floor stores exactly these batches; a record-batches produce sends them.
 */
export function recordsByPartition(shape: ProduceShape, variant: number, timestamp: number): Map<number, LogRecord[]> {
  const byPartition = new Map<number, LogRecord[]>();
  const sticky = variant % shape.partitions;
  for (const r of workloadRecords(shape, variant)) {
    const key = r.key === null ? null : Buffer.from(r.key);
    const partition = key ? partitionForKey(key, shape.partitions) : sticky;
    const list = byPartition.get(partition) ?? [];
    byPartition.set(partition, list);
    list.push({ key, value: Buffer.from(r.value), headers: [], timestamp });
  }
  return byPartition;
}

/** The produce request body as @freshet/client sends it: one RecordBatch per partition (application/vnd.freshet.record-batches). */
export function recordBatchesBody(shape: ProduceShape, variant: number, timestamp = Date.now()): Uint8Array {
  const batches = [...recordsByPartition(shape, variant, timestamp)].map(([partition, records]) => ({ partition, batch: encodeRecordBatch(records, { compression: 'none' }) }));
  return frameRecordBatches(batches);
}

/** The produce request body, as a client would send it (string encoding: values are UTF-8 text). */
export function produceBody(records: readonly WorkloadRecord[], json = false): string {
  if (json) return JSON.stringify({ encoding: 'json', records: records.map((r, i) => ({ key: r.key, value: jsonValue(r, i) })) });
  return JSON.stringify({ encoding: 'string', records: records.map((r) => (r.key === null ? { value: r.value } : { key: r.key, value: r.value })) });
}

/** A JSON object of about the same size as the string value: an id, a sequence number, the text. */
export const jsonValue = (r: WorkloadRecord, seq: number) => ({ id: r.key ?? `id-${seq}`, seq, text: r.value.slice(40) });

/** The JSON Schema the json workload satisfies (bench/scenarios/schemas.ts registers it). */
export const WORKLOAD_SCHEMA = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1 }, seq: { type: 'integer', minimum: 0 }, text: { type: 'string', maxLength: 4096 } },
  required: ['id', 'seq', 'text'],
  additionalProperties: false,
};
