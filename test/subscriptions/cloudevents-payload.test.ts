import { type CloudEvent, HTTP } from 'cloudevents';
import { describe, expect, it } from 'vitest';
import type { DecodedRecord } from '../../shared/log/record-batch-codec.js';
import { formatPayload } from '../../shared/subscriptions/payload.js';
import type { RecordEncoding } from '../../shared/model/record-encoding.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const record = (offset: number, timestamp: number, value: Uint8Array | null = utf8('{"a":1}')): DecodedRecord => ({
  offset,
  timestamp,
  key: utf8('k1'),
  value,
  headers: [{ key: 'h', value: utf8('x') }],
});

/** Parses the body the way a receiver using the official CloudEvents SDK does; it validates every event. */
function received(records: DecodedRecord[], encoding: RecordEncoding) {
  const payload = formatPayload({ subscriptionId: 'sub_1', topic: 'orders', partition: 3, records, format: 'cloudevents', encoding });
  expect(payload.contentType).toBe('application/cloudevents-batch+json');
  const events = HTTP.toEvent({ headers: { 'content-type': payload.contentType }, body: payload.body }) as CloudEvent<unknown>[];
  for (const e of events) expect(e.validate()).toBe(true);
  return { events, raw: JSON.parse(payload.body) as Record<string, unknown>[] };
}

describe('CloudEvents payload', () => {
  it('conforms to the JSON event format for every encoding (checked by the cloudevents SDK)', () => {
    for (const encoding of ['json', 'string', 'base64'] as const) {
      const { events } = received([record(0, 1_700_000_000_000), record(1, 1_700_000_000_001, null)], encoding);
      expect(events.map((e) => e.id)).toEqual(['orders/3/0', 'orders/3/1']);
      expect(events[0]!.time).toBe('2023-11-14T22:13:20.000Z');
    }
  });

  // Regression (issue 12): the bytes were sent as `data` labelled text/plain.
  it('sends base64 bytes as data_base64, never as data', () => {
    const bytes = new Uint8Array([0, 255, 1, 2]);
    const { events, raw } = received([record(0, 1_700_000_000_000, bytes)], 'base64');
    expect(raw[0]).toMatchObject({ data_base64: 'AP8BAg==', datacontenttype: 'application/octet-stream' });
    expect(raw[0]).not.toHaveProperty('data');
    expect(Buffer.from(events[0]!.data as Uint8Array)).toEqual(Buffer.from(bytes));
  });

  // Regression (issue 12): year 10000 gave "time":"+010000-…", not RFC 3339, and the SDK refused the batch.
  it('leaves out time when a stored timestamp cannot be written in RFC 3339 (past year 9999, or NO_TIMESTAMP)', () => {
    const { events, raw } = received([record(0, 253_402_300_799_999), record(1, 253_402_300_800_000), record(2, 8_640_000_000_000_000), record(3, -1)], 'json');
    expect(raw[0]!.time).toBe('9999-12-31T23:59:59.999Z');
    expect(raw.slice(1).map((e) => 'time' in e)).toEqual([false, false, false]);
    expect(events).toHaveLength(4);
  });
});
