import { toJsonRecord } from '../log/json-records.js';
import type { DecodedRecord } from '../log/record-batch-codec.js';
import type { RecordEncoding } from '../model/record-encoding.js';
import type { DeliveryFormat } from '../model/subscription.js';

export interface DeliveryPayload {
  contentType: string;
  body: string;
}

export interface PayloadInput {
  subscriptionId: string;
  topic: string;
  partition: number;
  records: readonly DecodedRecord[];
  format: DeliveryFormat;
  encoding: RecordEncoding;
}

/**
 * The request body. `json`: `{subscription, topic, partition, records}` with records shaped
 * as in fetch. `cloudevents`: a CloudEvents 1.0 JSON batch, one event per record, using the
 * spec's Partitioning (`partitionkey`) and Sequence (`sequence`, zero-padded so string
 * order is offset order) extensions. A record the encoding cannot represent throws
 * RECORD_NOT_DECODABLE, which fails the attempt (and in the end dead-letters the batch).
 */
export function formatPayload(input: PayloadInput): DeliveryPayload {
  const records = input.records.map((r) => toJsonRecord(r, input.partition, input.encoding));
  if (input.format === 'json') {
    return {
      contentType: 'application/json',
      body: JSON.stringify({ subscription: input.subscriptionId, topic: input.topic, partition: input.partition, records }),
    };
  }
  const events = records.map((r) => ({
    specversion: '1.0',
    id: `${input.topic}/${input.partition}/${r.offset}`,
    source: `/freshet/topics/${encodeURIComponent(input.topic)}/partitions/${input.partition}`,
    type: 'dev.freshet.record',
    time: new Date(r.timestamp).toISOString(),
    datacontenttype: input.encoding === 'json' ? 'application/json' : 'text/plain',
    ...(r.key !== null ? { partitionkey: r.key } : {}),
    sequence: String(r.offset).padStart(20, '0'),
    freshetsubscription: input.subscriptionId,
    data: r.value,
    ...(Object.keys(r.headers).length > 0 ? { freshetheaders: JSON.stringify(r.headers) } : {}),
  }));
  return { contentType: 'application/cloudevents-batch+json', body: JSON.stringify(events) };
}
