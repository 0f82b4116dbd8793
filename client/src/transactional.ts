import type { Consumer, TopicPartitionOffset } from './consumer.js';
import type { Encoding, Message } from './encoding.js';
import { ClientStateError } from './errors.js';
import type { components } from './generated/openapi.js';
import { encodePath, type HttpClient } from './http.js';
import { toJsonRecord } from './json-record.js';
import type { RetryOptions } from './retry.js';

/** The group member whose offsets commit with the records: a running Consumer, or its identity. */
export type OffsetCommitter = Consumer | { groupId: string; memberId: string; generation: number };

export interface SendWithOffsetsRecord {
  topic: string;
  /** All of them commit in ONE request, or none does: no lingering, no splitting. */
  messages: Message[];
  /** The member committing; with a Consumer, its current member id and generation. */
  consumer: OffsetCommitter;
  /** The generation the input was fetched in (eachBatch's `generation`); default the consumer's current one. */
  generation?: number;
  /** Next offsets to read, as in Kafka's sendOffsetsToTransaction (the last processed offset + 1). */
  offsets: TopicPartitionOffset[];
  /** Conditional append: partition → the high watermark it must be at (409 OFFSET_MISMATCH otherwise). */
  expectedOffsets?: Record<number, number>;
}

type ProduceResponse = components['schemas']['ProduceResponse'];

/**
 * Exactly-once consume-transform-produce (docs/exactly-once.md): the records and the
 * group's offsets commit in one server-side transaction, or neither does. The request
 * carries an Idempotency-Key and is retried with it, so a lost answer never writes twice.
 * A fenced commit (the group rebalanced, or the session expired) rejects with a
 * RebalanceError and nothing was written: drop the batch, it is redelivered to whoever
 * owns the partition now, from the committed offset.
 */
export async function sendWithOffsets(
  http: HttpClient,
  record: SendWithOffsetsRecord,
  options: { encoding?: Encoding; retry?: RetryOptions } = {},
): Promise<{ topic: string; partition: number; offset: number }[]> {
  const member = committer(record.consumer);
  const encoding = options.encoding ?? 'json';
  // JSON, unlike the producer's RecordBatches: the body also carries the group's commit.
  const records = record.messages.map((m, i) => toJsonRecord(m, encoding, i));
  const commit = {
    group: member.groupId,
    memberId: member.memberId,
    generation: record.generation ?? member.generation,
    offsets: record.offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })),
  };
  const extra = `,"commit":${JSON.stringify(commit)}${record.expectedOffsets ? `,"expectedOffsets":${JSON.stringify(record.expectedOffsets)}` : ''}`;
  const body = `{"encoding":"${encoding}","records":[${records.join(',')}]${extra}}`;
  const response = await http.call<ProduceResponse>('POST', `/v1/topics/${encodePath(record.topic)}/records`, {
    body,
    headers: { 'idempotency-key': crypto.randomUUID() },
    retry: options.retry ?? true,
  });
  return response.offsets.map((o) => ({ topic: record.topic, partition: o.partition, offset: o.offset }));
}

function committer(c: OffsetCommitter): { groupId: string; memberId: string; generation: number } {
  if (!('assignment' in c)) return c;
  const member = c.assignment();
  if (!member) throw new ClientStateError('NOT_JOINED', 'sendWithOffsets: the consumer has not joined its group yet (call it from inside consumer.run)');
  return { groupId: c.groupId, memberId: member.memberId, generation: member.generation };
}
