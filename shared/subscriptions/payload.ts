import { toJsonRecord } from '../log/json-records.js';
import { MAX_TIMESTAMP } from '../log/limits.js';
import type { DecodedRecord } from '../log/record-batch-codec.js';
import type { RecordEncoding } from '../model/record-encoding.js';
import type { DeliveryFormat } from '../model/subscription.js';

const CONTENT_TYPES: Record<RecordEncoding, string> = { json: 'application/json', string: 'text/plain; charset=utf-8', base64: 'application/octet-stream' };

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
 * order is offset order) extensions. With encoding `base64` the bytes go in `data_base64`
 * (the JSON event format's member for binary data), never in `data`. `time` is RFC 3339,
 * so it is left out (it is optional) for a record without a writable timestamp: NO_TIMESTAMP,
 * or one past year 9999 stored before produce refused those. A record the encoding cannot represent throws
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
    ...(r.timestamp >= 0 && r.timestamp <= MAX_TIMESTAMP ? { time: new Date(r.timestamp).toISOString() } : {}),
    datacontenttype: CONTENT_TYPES[input.encoding],
    ...(r.key !== null ? { partitionkey: r.key } : {}),
    sequence: String(r.offset).padStart(20, '0'),
    freshetsubscription: input.subscriptionId,
    ...(input.encoding === 'base64' ? (r.value === null ? {} : { data_base64: r.value }) : { data: r.value }),
    ...(Object.keys(r.headers).length > 0 ? { freshetheaders: JSON.stringify(r.headers) } : {}),
  }));
  return { contentType: 'application/cloudevents-batch+json', body: JSON.stringify(events) };
}
