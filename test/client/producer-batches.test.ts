import { describe, expect, it } from 'vitest';
import { Accumulator, ANSWER_BYTES_PER_RECORD, type Pending } from '../../client/src/accumulator.js';
import { type BatchRecord, toBatchRecord } from '../../client/src/batch-record.js';
import type { Encoding, Message } from '../../client/src/encoding.js';
import { Freshet, InvalidRequestError } from '../../client/src/index.js';
import { toJsonRecord } from '../../client/src/json-record.js';
import { compress } from '../../shared/log/compression.js';
import { toProduceRecords } from '../../shared/log/json-records.js';
import { type DecodedRecord, decodeRecordBatch, encodeRecordBatch, type LogRecord } from '../../shared/log/record-batch-codec.js';
import { type EncodableRecord, encodeRecordBatchWith } from '../../shared/log/record-batch-encode.js';
import { frameRecordBatches, PARTITION_PREFIX_BYTES, RECORD_BATCHES_MEDIA_TYPE } from '../../shared/log/record-batches-body.js';

const NOW = 1_700_000_000_000;
const utf8 = new TextEncoder();
const bytesOf = (b: Uint8Array | string | null) => (b === null ? null : Array.from(typeof b === 'string' ? utf8.encode(b) : b));
const plain = (r: Pick<LogRecord, 'key' | 'headers' | 'timestamp'> & { value: Uint8Array | string | null }) => ({
  key: bytesOf(r.key),
  value: bytesOf(r.value),
  headers: r.headers.map((h) => ({ key: h.key, value: bytesOf(h.value) })),
  timestamp: r.timestamp,
});

/** Each partition's batch of a record-batches body, decoded with the server's codec. */
function readBody(body: Uint8Array): { partition: number; records: DecodedRecord[] }[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const out: { partition: number; records: DecodedRecord[] }[] = [];
  for (let position = 0; position < body.length; ) {
    const partition = view.getInt32(position);
    const batch = decodeRecordBatch(body.subarray(position + PARTITION_PREFIX_BYTES));
    expect(batch.baseOffset).toBe(0);
    expect(batch.compression).toBe('none');
    expect(batch.records.map((r) => r.offset)).toEqual(batch.records.map((_, i) => i));
    out.push({ partition, records: batch.records });
    position += PARTITION_PREFIX_BYTES + batch.sizeInBytes;
  }
  return out;
}

const bytes = (...b: number[]) => new Uint8Array(b);
const MESSAGES: Record<Encoding, Message[]> = {
  json: [
    { key: 'order-1', value: { id: 1, items: ['a', 'ü'], nested: { ok: true, n: null } }, headers: { trace: 'abc', empty: '', none: null } },
    { key: null, value: 'just a string', timestamp: NOW - 5 },
    { value: 42.5 },
    { key: 'tomb', value: null },
    { key: 'absent' },
    { key: 'ключ 🔑', value: ['emoji 🎉', 'ascii'], headers: { 'naïve': 'ça va', 'x-🔑': 'v' }, timestamp: 0 },
    { value: { lone: '\ud800' } },
  ],
  string: [
    { key: 'k', value: 'plain text', headers: { h: 'v' } },
    { key: null, value: '' },
    { key: 'tomb', value: null, headers: { a: null } },
    { value: 'ünïcödé 🎉', timestamp: 253_402_300_799_999 },
  ],
  base64: [
    { key: bytes(1, 2, 3), value: bytes(0, 255, 128, 7), headers: { bin: bytes(9, 8), b64: 'AAEC', none: null } },
    { key: 'AQID', value: 'AP+ABw==' },
    { key: null, value: new Uint8Array(0) },
    { key: bytes(0), value: null, timestamp: NOW + 10 },
  ],
};

describe("the producer's RecordBatches", () => {
  for (const encoding of ['json', 'string', 'base64'] as const) {
    it(`hold, with encoding ${encoding}, the records the server makes of the same messages sent as JSON`, () => {
      const messages = MESSAGES[encoding];
      const records = messages.map((m, i) => toBatchRecord(m, encoding, i, NOW));
      // Two partitions, as a request that packs lingering partitions together sends them.
      const body = frameRecordBatches([
        { partition: 3, batch: encodeRecordBatchWith(records.slice(0, 2), {}, { compression: 'none' }) },
        { partition: 0, batch: encodeRecordBatchWith(records.slice(2), {}, { compression: 'none' }) },
      ]);
      const sent = readBody(body);
      expect(sent.map((s) => s.partition)).toEqual([3, 0]);
      const decoded = sent.flatMap((s) => s.records);

      // A JSON value holding a lone surrogate is the one the JSON body refuses (its text would not be valid
      // Unicode once parsed); JSON.stringify escapes it, so the batch stores it unaltered as `\ud800`.
      const lone = encoding === 'json' ? 6 : -1;
      const asJson = messages.flatMap((m, i) => (i === lone ? [] : [JSON.parse(toJsonRecord(m, encoding, i))]));
      const server = toProduceRecords(asJson, encoding).map((r) => plain({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp ?? NOW }));
      expect(decoded.filter((_, i) => i !== lone).map(plain)).toEqual(server);
      if (lone >= 0) expect(new TextDecoder().decode(decoded[lone]!.value!)).toBe('{"lone":"\\ud800"}');
      // Tombstones are Kafka nulls, not empty values; an absent key is a null key.
      for (const [i, m] of messages.entries()) {
        if (m.value === null || m.value === undefined) expect(decoded[i]!.value).toBeNull();
        if (m.key === null || m.key === undefined) expect(decoded[i]!.key).toBeNull();
      }
      // Sizes are what the server counts: key + value + header names and values.
      for (const [i, r] of records.entries()) {
        const d = decoded[i]!;
        const size = (d.key?.length ?? 0) + (d.value?.length ?? 0) + d.headers.reduce((n, h) => n + utf8.encode(h.key).length + (h.value?.length ?? 0), 0);
        expect(r.recordBytes).toBe(size);
      }
    });
  }

  it('are byte for byte what the server encodes from the same records (one codec, Buffer or TextEncoder underneath)', () => {
    const records: EncodableRecord[] = [
      ...MESSAGES.json.map((m, i) => toBatchRecord(m, 'json', i, NOW + i * 1000)),
      ...MESSAGES.string.map((m, i) => toBatchRecord(m, 'string', i, NOW - i)),
      // Lone surrogates only the server's own rewrites could hold: both measure and write them as U+FFFD.
      { key: null, value: 'héllo \ud83d wörld', headers: [{ key: 'lone \udfff', value: null }], timestamp: NOW },
    ];
    for (const compression of ['none', 'gzip'] as const) {
      const server = encodeRecordBatch(records, { compression });
      const web = encodeRecordBatchWith(records, { compress }, { compression });
      expect(web).not.toBeInstanceOf(Buffer);
      expect(Buffer.from(web).equals(server)).toBe(true);
    }
  });

  it('give a message without a timestamp the producer clock at send, and keep a given one', () => {
    const before = Date.now();
    expect(toBatchRecord({ value: 1 }, 'json', 0, Date.now()).timestamp).toBeGreaterThanOrEqual(before);
    expect(toBatchRecord({ value: 1, timestamp: 5 }, 'json', 0, NOW).timestamp).toBe(5);
    expect(toBatchRecord({ value: 1 }, 'json', 0, NOW).timestamp).toBe(NOW);
  });

  it('refuse before sending what the server would refuse, naming the field', () => {
    const refusal = (m: Message, encoding: Encoding) => {
      try {
        toBatchRecord(m, encoding, 4, NOW);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidRequestError);
        return `${(err as InvalidRequestError).code}: ${(err as InvalidRequestError).detail}`;
      }
      return 'accepted';
    };
    expect(refusal({ value: bytes(1) }, 'json')).toBe("INVALID_MESSAGE: messages[4].value is bytes: use encoding 'base64'");
    expect(refusal({ value: () => 1 }, 'json')).toBe('INVALID_MESSAGE: messages[4].value is not JSON-serializable');
    expect(refusal({ key: 7 as unknown as string, value: 1 }, 'json')).toBe("INVALID_MESSAGE: messages[4].key must be a string with encoding 'json'");
    expect(refusal({ value: 7 }, 'string')).toBe("INVALID_MESSAGE: messages[4].value must be a string with encoding 'string'");
    expect(refusal({ value: bytes(1) }, 'string')).toBe("INVALID_MESSAGE: messages[4].value must be a string with encoding 'string' (use encoding 'base64' for bytes)");
    expect(refusal({ value: 'a\ud800b' }, 'string')).toMatch(/messages\[4\]\.value has a lone UTF-16 surrogate/);
    expect(refusal({ key: '\udc00', value: 'v' }, 'json')).toMatch(/messages\[4\]\.key has a lone UTF-16 surrogate/);
    expect(refusal({ value: 1, headers: { '\ud800': 'v' } }, 'json')).toMatch(/messages\[4\]\.headers has a header name with a lone UTF-16 surrogate/);
    expect(refusal({ value: 1, headers: { h: bytes(1) } }, 'json')).toBe("INVALID_MESSAGE: messages[4].headers.h must be a string with encoding 'string' (use encoding 'base64' for bytes)");
    expect(refusal({ value: 'not base64!' }, 'base64')).toBe('INVALID_MESSAGE: messages[4].value is not valid base64');
    expect(refusal({ value: 'AAE' }, 'base64')).toBe('INVALID_MESSAGE: messages[4].value is not valid base64');
    expect(refusal({ value: 5 }, 'base64')).toBe('INVALID_MESSAGE: messages[4].value must be a Uint8Array or base64 text');
    expect(refusal({ value: 1, partition: -1 }, 'json')).toBe('INVALID_MESSAGE: messages[4].partition must be a non-negative integer');
    expect(refusal({ value: 1, timestamp: -1 }, 'json')).toMatch(/^INVALID_MESSAGE: messages\[4\]\.timestamp must be an integer in 0\.\.253402300799999/);
    expect(refusal({ value: 1, timestamp: 253_402_300_800_000 }, 'json')).toMatch(/messages\[4\]\.timestamp/);
    expect(refusal({ value: 1, timestamp: 1.5 }, 'json')).toMatch(/messages\[4\]\.timestamp/);
  });

  it("copy a base64 message's bytes, so a caller reusing its array while the message lingers changes nothing", () => {
    for (const value of [bytes(1, 2, 3), Buffer.from([1, 2, 3])]) {
      const record = toBatchRecord({ value }, 'base64', 0, NOW);
      value[0] = 99;
      expect(bytesOf(record.value)).toEqual([1, 2, 3]);
    }
  });
});

describe('Accumulator', () => {
  const pending = (record: BatchRecord, partition: number): Pending => ({ record, partition, done: () => {} });
  const encodeRequest = (sections: { partition: number; items: Pending[] }[]) =>
    frameRecordBatches(sections.map((s) => ({ partition: s.partition, batch: encodeRecordBatchWith(s.items.map((p) => p.record), {}, { compression: 'none' }) })));

  it('counts a request as exactly its RecordBatches body plus the answer it expects', () => {
    const accumulator = new Accumulator({ lingerMs: 0, batchMaxBytes: 6_000_000, batchMaxRecords: 10_000 });
    // Offset deltas past 63 and 8191 (2 and 3 varint bytes), timestamps far from the first record's, big and empty values.
    for (let i = 0; i < 9000; i++) {
      const timestamp = i % 7 === 0 ? NOW + i * 86_400_000 : i % 5 === 0 ? NOW - i : NOW;
      const value = i % 1000 === 0 ? 'x'.repeat(70_000) : i % 3 === 0 ? null : `{"i":${i}}`;
      const partition = i < 8500 ? 0 : i % 3;
      accumulator.add('t', pending(toBatchRecord({ key: i % 2 ? `k${i}` : null, value, timestamp, headers: i % 11 ? undefined : { h: 'v' } }, 'string', i, NOW), partition), NOW);
    }
    const batches = accumulator.drain(NOW, true);
    expect(batches.length).toBeGreaterThan(0);
    for (const batch of batches) {
      const body = encodeRequest(batch.sections);
      expect(batch.bytes).toBe(body.length + ANSWER_BYTES_PER_RECORD * batch.records);
    }
  });

  it('cuts requests so that a request and its answer stay within batchMaxBytes', () => {
    const max = 64 * 1024;
    const accumulator = new Accumulator({ lingerMs: 0, batchMaxBytes: max, batchMaxRecords: 10_000 });
    for (let i = 0; i < 2000; i++) accumulator.add('t', pending(toBatchRecord({ key: `k${i % 5}`, value: { i, pad: 'p'.repeat(i % 300) } }, 'json', i, NOW + i), i % 4), NOW);
    let requests = 0;
    for (let round = 0; round < 100; round++) {
      const batches = accumulator.drain(NOW, true);
      if (batches.length === 0) break;
      for (const batch of batches) {
        requests++;
        expect(encodeRequest(batch.sections).length + ANSWER_BYTES_PER_RECORD * batch.records).toBeLessThanOrEqual(max - 512);
        accumulator.release(batch);
      }
    }
    expect(requests).toBeGreaterThan(4);
  });
});

describe('Producer request', () => {
  it('POSTs one RecordBatch per partition as application/vnd.freshet.record-batches with an Idempotency-Key, and maps the offsets back in body order', async () => {
    const requests: { headers: Headers; body: Uint8Array }[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const url = new URL(String(input));
      if (init?.method === 'GET') return Response.json({ name: 't', partitions: 4 });
      const body = new Uint8Array(init!.body as Uint8Array);
      requests.push({ headers: new Headers(init!.headers), body });
      // Offsets as the server answers them: batch by batch, record by record, each partition from 100.
      const offsets = readBody(body).flatMap((s) => s.records.map((r) => ({ partition: s.partition, offset: 100 + r.offset })));
      return Response.json({ topic: url.pathname.split('/')[3], offsets });
    };
    const producer = new Freshet({ url: 'http://freshet.test', fetch }).producer({ lingerMs: 50 });
    const before = Date.now();
    const [a, b] = await Promise.all([
      producer.send({ topic: 't', messages: [{ partition: 2, value: { n: 1 } }, { partition: 1, value: { n: 2 }, timestamp: 7 }, { partition: 2, value: { n: 3 } }] }),
      producer.send({ topic: 't', messages: [{ partition: 1, value: 'tomb', key: 'k' }, { partition: 1, key: 'k' }] }),
    ]);
    const after = Date.now();
    await producer.disconnect();
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request!.headers.get('content-type')).toBe(RECORD_BATCHES_MEDIA_TYPE);
    expect(request!.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    const sent = readBody(request!.body);
    expect(sent.map((s) => [s.partition, s.records.map((r) => (r.value === null ? null : new TextDecoder().decode(r.value)))])).toEqual([
      [2, ['{"n":1}', '{"n":3}']],
      [1, ['{"n":2}', '"tomb"', null]],
    ]);
    const stamped = sent.flatMap((s) => s.records).filter((r) => r.timestamp !== 7);
    for (const r of stamped) expect(r.timestamp >= before && r.timestamp <= after).toBe(true);
    expect(a.map((m) => [m.partition, m.offset])).toEqual([
      [2, 100],
      [1, 100],
      [2, 101],
    ]);
    expect(b.map((m) => [m.partition, m.offset])).toEqual([
      [1, 101],
      [1, 102],
    ]);
    expect(producer.stats()).toEqual({ requests: 1, records: 5, bytes: request!.body.length });
  });
});
