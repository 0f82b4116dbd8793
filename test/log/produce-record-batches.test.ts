import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { crc32c } from '../../shared/log/crc32c.js';
import { MAX_RECORD_BYTES, MAX_TIMESTAMP } from '../../shared/log/limits.js';
import { decodeRecordBatch, type EncodableRecord, encodeRecordBatch } from '../../shared/log/record-batch-codec.js';
import { frameRecordBatches, RECORD_BATCHES_MEDIA_TYPE } from '../../shared/log/record-batches-body.js';
import { createTestStack, ROOT_KEY, type TestStack } from '../support/test-stack.js';

let stack: TestStack;
const text = new TextEncoder();
const T0 = 1_764_000_000_000;

beforeAll(async () => {
  stack = await createTestStack();
  for (const topic of [
    { name: 'batches', partitions: 3 },
    { name: 'batches-zstd', partitions: 1, compression: 'zstd' },
    { name: 'batches-compacted', partitions: 1, cleanupPolicy: 'compact' },
    { name: 'batches-schema', partitions: 1 },
    { name: 'batches-refused', partitions: 2 },
  ]) {
    expect((await stack.request('POST', '/v1/topics', topic)).status).toBe(201);
  }
  const schema = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };
  expect((await stack.request('PUT', '/v1/topics/batches-schema/schema', { schema })).status).toBeLessThan(300);
});

const records = (n: number, from = 0, extra: Partial<EncodableRecord> = {}): EncodableRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    key: text.encode(`key-${from + i}`),
    value: text.encode(JSON.stringify({ id: `r${from + i}` })),
    headers: i % 2 ? [{ key: 'trace', value: text.encode(`t${i}`) }] : [],
    timestamp: T0 + from + i,
    ...extra,
  }));

const batch = (rs: EncodableRecord[], options: Parameters<typeof encodeRecordBatch>[1] = { compression: 'none' }) => encodeRecordBatch(rs, options);

/** POSTs a binary produce body. */
const produce = (topic: string, body: Uint8Array, headers: Record<string, string> = {}) =>
  stack.app.request(`/v1/topics/${topic}/records`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': RECORD_BATCHES_MEDIA_TYPE, ...headers },
    body,
  });

const fetchAll = async (topic: string, partition: number) =>
  ((await (await stack.request('GET', `/v1/topics/${topic}/partitions/${partition}/records?offset=0&encoding=base64`)).json()) as {
    records: { offset: number; key: string | null; value: string | null; headers: Record<string, string>; timestamp: number }[];
  }).records;

const highWatermark = async (topic: string, partition: number) =>
  ((await (await stack.request('GET', `/v1/topics/${topic}/partitions`)).json()) as { partitions: { highWatermark: number }[] }).partitions[partition]!.highWatermark;

const objectKeys = async (topic: string) => ((await stack.clients.s3.send(new ListObjectsV2Command({ Bucket: stack.bucket, Prefix: `batches/${topic}/` }))).Contents ?? []).map((o) => o.Key!);

/** A batch edited after encoding, its CRC-32C made right again: what a buggy producer could send. */
function resealed(bytes: Buffer, edit: (b: Buffer) => void): Buffer {
  const copy = Buffer.from(bytes);
  edit(copy);
  copy.writeUInt32BE(crc32c(copy.subarray(21)), 17);
  return copy;
}

const b64 = (bytes: Uint8Array | null) => (bytes === null ? null : Buffer.from(bytes).toString('base64'));

describe('produce with the producer\'s own RecordBatches', () => {
  it('stores each batch byte for byte, answers every record\'s offset in body order, and fetch reads them back', async () => {
    const p2 = records(3, 0);
    const p0 = records(2, 100, { key: null });
    const sent2 = batch(p2);
    const body = frameRecordBatches([
      { partition: 2, batch: sent2 },
      { partition: 0, batch: batch(p0) },
    ]);
    const response = await produce('batches', body);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      topic: 'batches',
      offsets: [
        { partition: 2, offset: 0 },
        { partition: 2, offset: 1 },
        { partition: 2, offset: 2 },
        { partition: 0, offset: 0 },
        { partition: 0, offset: 1 },
      ],
    });
    // One object: partition 0's batch, then partition 2's, exactly the bytes sent.
    const [key] = await objectKeys('batches');
    const stored = Buffer.from(await (await stack.clients.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }))).Body!.transformToByteArray());
    expect(stored.subarray(stored.length - sent2.length).equals(sent2)).toBe(true);

    for (const [partition, sent] of [
      [2, p2],
      [0, p0],
    ] as const) {
      const fetched = await fetchAll('batches', partition);
      expect(fetched.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp }))).toEqual(sent.map((r) => ({ key: b64(r.key), value: b64(r.value as Uint8Array), timestamp: r.timestamp })));
      expect(fetched[1]!.headers).toEqual({ trace: Buffer.from('t1').toString('base64') });
    }
  });

  it('re-encodes batches into the topic\'s codec, and stamps and checks a topic\'s schema', async () => {
    const sent = records(4);
    expect((await produce('batches-zstd', frameRecordBatches([{ partition: 0, batch: batch(sent) }]))).status).toBe(200);
    const [key] = await objectKeys('batches-zstd');
    const stored = await (await stack.clients.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }))).Body!.transformToByteArray();
    expect(decodeRecordBatch(stored).compression).toBe('zstd');
    expect((await fetchAll('batches-zstd', 0)).map((r) => r.value)).toEqual(sent.map((r) => b64(r.value as Uint8Array)));

    const bad = records(2).map((r, i) => (i === 1 ? { ...r, value: text.encode('{"id": 7}') } : r));
    const refused = await produce('batches-schema', frameRecordBatches([{ partition: 0, batch: batch(bad) }]));
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ code: 'SCHEMA_VIOLATION', violations: [{ index: 1 }] });
    expect(await highWatermark('batches-schema', 0)).toBe(0);
    expect((await produce('batches-schema', frameRecordBatches([{ partition: 0, batch: batch(records(2)) }]))).status).toBe(200);
    expect((await fetchAll('batches-schema', 0))[0]!.headers['freshet-schema-version']).toBe(Buffer.from('1').toString('base64'));
  });

  it('replays a retry with the same Idempotency-Key, refuses the key on another body, and honours Freshet-Expected-Offset', async () => {
    const body = frameRecordBatches([{ partition: 1, batch: batch(records(2, 500)) }]);
    const first = await produce('batches', body, { 'idempotency-key': 'binary-1' });
    const again = await produce('batches', body, { 'idempotency-key': 'binary-1' });
    expect(await again.json()).toEqual(await first.json());
    expect(await highWatermark('batches', 1)).toBe(2);
    const other = await produce('batches', frameRecordBatches([{ partition: 1, batch: batch(records(1, 900)) }]), { 'idempotency-key': 'binary-1' });
    expect(other.status).toBe(422);

    const stale = await produce('batches', frameRecordBatches([{ partition: 1, batch: batch(records(1, 600)) }]), { 'freshet-expected-offset': '0' });
    expect(stale.status).toBe(409);
    const fresh = await produce('batches', frameRecordBatches([{ partition: 1, batch: batch(records(1, 600)) }]), { 'freshet-expected-offset': '2' });
    expect(fresh.status).toBe(200);
  });

  const good = batch(records(3));
  const cases: [string, Uint8Array, number, RegExp][] = [
    ['an empty body', new Uint8Array(0), 400, /no record batch/],
    ['a flipped bit', frameRecordBatches([{ partition: 0, batch: Buffer.from(good).fill(0x55, 80, 81) }]), 400, /CRC-32C mismatch/],
    ['a truncated batch', frameRecordBatches([{ partition: 0, batch: good }]).subarray(0, 50), 400, /truncated/],
    ['bytes after the last batch', Buffer.concat([frameRecordBatches([{ partition: 0, batch: good }]), Buffer.from([0, 0])]), 400, /bytes left where a 4-byte partition starts/],
    ['a negative partition', frameRecordBatches([{ partition: 0, batch: good }]).fill(0xff, 0, 4), 400, /partition -1 is negative/],
    ['two batches for one partition', frameRecordBatches([{ partition: 1, batch: good }, { partition: 1, batch: good }]), 400, /has a batch already/],
    ['a baseOffset', frameRecordBatches([{ partition: 0, batch: Buffer.from(good).fill(1, 7, 8) }]), 400, /baseOffset must be 0/],
    ['a partitionLeaderEpoch', frameRecordBatches([{ partition: 0, batch: Buffer.from(good).fill(0, 12, 16) }]), 400, /partitionLeaderEpoch must be -1/],
    ['a transactional batch', frameRecordBatches([{ partition: 0, batch: resealed(good, (b) => b.writeInt16BE(0x10, 21)) }]), 400, /attributes 16/],
    ['LogAppendTime', frameRecordBatches([{ partition: 0, batch: resealed(good, (b) => b.writeInt16BE(0x08, 21)) }]), 400, /attributes 8/],
    ['a producer id', frameRecordBatches([{ partition: 0, batch: resealed(good, (b) => b.writeBigInt64BE(7n, 43)) }]), 400, /producerId/],
    ['a gap in the offset deltas', frameRecordBatches([{ partition: 0, batch: batch(records(2), { compression: 'none', offsetDeltas: [0, 2] }) }]), 400, /lastOffsetDelta 2 must be recordCount - 1/],
    ['a wrong maxTimestamp', frameRecordBatches([{ partition: 0, batch: resealed(good, (b) => b.writeBigInt64BE(BigInt(T0 + 99), 35)) }]), 400, /maxTimestamp/],
    // Byte 63 is the first record's timestampDelta (after its 1-byte length and attributes).
    ['a first record off firstTimestamp', frameRecordBatches([{ partition: 0, batch: resealed(good, (b) => b.writeUInt8(2, 63)) }]), 400, /timestampDelta must be 0/],
    ['a timestamp past 9999', frameRecordBatches([{ partition: 0, batch: batch(records(1, 0, { timestamp: MAX_TIMESTAMP + 1 })) }]), 400, /timestamp must be an integer/],
    ['a header key that is not UTF-8', frameRecordBatches([{ partition: 0, batch: resealed(batch(records(2)), (b) => b.fill(0xff, b.indexOf('trace'), b.indexOf('trace') + 1)) }]), 400, /header key is not UTF-8/],
    ['a record over 1 MiB', frameRecordBatches([{ partition: 0, batch: batch(records(1, 0, { value: new Uint8Array(MAX_RECORD_BYTES) })) }]), 413, /record 0 is/],
    ['a partition the topic lacks', frameRecordBatches([{ partition: 5, batch: good }]), 404, /partition/i],
  ];
  it.each(cases)('refuses %s and writes nothing', async (_, body, status, detail) => {
    const response = await produce('batches-refused', body);
    const problem = (await response.json()) as { detail: string };
    expect({ status: response.status, detail: problem.detail }).toMatchObject({ status, detail: expect.stringMatching(detail) });
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await highWatermark('batches-refused', 0)).toBe(0);
    expect(await objectKeys('batches-refused')).toEqual([]);
  });

  it('answers every mangled body with a 4xx and writes nothing: 300 random bit flips in the checked bytes, every truncation, random garbage', async () => {
    // A seeded generator: a failure names the case, and the run repeats it.
    let seed = 0x2545f491;
    const random = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x1_0000_0000;
    };
    const sent = frameRecordBatches([{ partition: 1, batch: batch(records(5)) }]);
    const bodies: [string, Uint8Array][] = [];
    // From the batch's attributes on, every byte is under the CRC-32C.
    for (let i = 0; i < 300; i++) {
      const at = 4 + 21 + Math.floor(random() * (sent.length - 25));
      const flipped = Uint8Array.from(sent);
      flipped[at]! ^= 1 << Math.floor(random() * 8);
      bodies.push([`bit flip at byte ${at}`, flipped]);
    }
    for (let length = 1; length < sent.length; length += 7) bodies.push([`first ${length} bytes`, sent.subarray(0, length)]);
    for (let i = 0; i < 20; i++) bodies.push([`garbage ${i}`, Uint8Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256))]);
    const answers = new Map<number, number>();
    for (const [what, body] of bodies) {
      const response = await produce('batches-refused', body);
      answers.set(response.status, (answers.get(response.status) ?? 0) + 1);
      expect(response.status, what).toBeGreaterThanOrEqual(400);
      expect(response.status, what).toBeLessThan(500);
    }
    expect(await highWatermark('batches-refused', 0)).toBe(0);
    expect(await highWatermark('batches-refused', 1)).toBe(0);
    expect(await objectKeys('batches-refused')).toEqual([]);
    expect(answers.get(400)).toBeGreaterThan(300);
  });

  it('refuses a record without a key on a compacted topic, a body with no content type, and another media type', async () => {
    const keyless = await produce('batches-compacted', frameRecordBatches([{ partition: 0, batch: batch(records(2).map((r, i) => (i ? { ...r, key: null } : r))) }]));
    expect(keyless.status).toBe(400);
    expect(((await keyless.json()) as { detail: string }).detail).toMatch(/record 1 has no key/);
    const none = await stack.app.request('/v1/topics/batches/records', { method: 'POST', headers: { authorization: `Bearer ${ROOT_KEY}` } });
    expect(none.status).toBe(400);
    const octets = await stack.app.request('/v1/topics/batches/records', { method: 'POST', headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': 'application/octet-stream' }, body: good });
    expect(octets.status).toBe(415);
  });
});
