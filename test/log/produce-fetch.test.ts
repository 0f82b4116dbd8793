import { beforeAll, describe, expect, it } from 'vitest';
import { countCalls } from '../support/call-counter.js';
import { testApi } from '../support/http.js';
import { createTestStack, emulatorClients, type TestStack } from '../support/test-stack.js';

let stack: TestStack;
let calls: ReturnType<typeof countCalls>;

beforeAll(async () => {
  const clients = emulatorClients();
  calls = countCalls(clients);
  stack = await createTestStack({ clients });
});

const { createTopic, produce, fetchRecords } = testApi(() => stack);

describe('produce and fetch', () => {
  it('reads back what was produced, with keys, values, headers and timestamps', async () => {
    await createTopic('roundtrip', 1);
    const { status, json } = await produce('roundtrip', {
      records: [
        { key: 'k1', value: { n: 1, s: 'é' }, headers: { trace: 'abc' }, timestamp: 1_700_000_000_000 },
        { key: null, value: null },
        { value: [1, 2, 3] },
      ],
    });
    expect(status).toBe(200);
    expect(json.offsets).toEqual([
      { partition: 0, offset: 0 },
      { partition: 0, offset: 1 },
      { partition: 0, offset: 2 },
    ]);
    const fetched = await fetchRecords('roundtrip', 0, '?offset=0');
    expect(fetched.status).toBe(200);
    expect(fetched.json.records.map((r) => [r.offset, r.key, r.value, r.headers])).toEqual([
      [0, 'k1', { n: 1, s: 'é' }, { trace: 'abc' }],
      [1, null, null, {}],
      [2, null, [1, 2, 3], {}],
    ]);
    expect(fetched.json.records[0]!.timestamp).toBe(1_700_000_000_000);
    expect(fetched.json).toMatchObject({ nextOffset: 3, highWatermark: 3, logStartOffset: 0 });
  });

  it('writes exactly one PutObject and one TransactWriteItems for a produce touching 5 partitions', async () => {
    await createTopic('five', 8);
    calls.reset();
    const records = [0, 1, 2, 3, 4].flatMap((partition) => [{ partition, value: partition }, { partition, value: partition * 10 }]);
    const { status, json } = await produce('five', { records });
    expect(status).toBe(200);
    expect(new Set(json.offsets.map((o) => o.partition)).size).toBe(5);
    expect(calls.get('PutObjectCommand')).toBe(1);
    expect(calls.get('TransactWriteItemsCommand')).toBe(1);
  });

  it('uses whatever the topic compression is (gzip) transparently', async () => {
    await createTopic('zipped', 1, { compression: 'gzip' });
    const value = { text: 'a'.repeat(10_000) };
    await produce('zipped', { records: [{ key: 'z', value }] });
    const fetched = await fetchRecords('zipped', 0, '?offset=0');
    expect(fetched.json.records[0]!.value).toEqual(value);
    const [part] = ((await (await stack.request('GET', '/v1/topics/zipped/partitions')).json()) as { partitions: { bytes: number }[] }).partitions;
    expect(part!.bytes).toBeLessThan(1_000);
  });

  it('carries arbitrary bytes with encoding=base64', async () => {
    await createTopic('bytes', 1);
    const key = Buffer.from([0, 255, 1]).toString('base64');
    const value = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]).toString('base64');
    const header = Buffer.from([0xff]).toString('base64');
    expect((await produce('bytes', { encoding: 'base64', records: [{ key, value, headers: { bin: header } }] })).status).toBe(200);
    const fetched = await fetchRecords('bytes', 0, '?encoding=base64');
    expect(fetched.json.records[0]).toMatchObject({ key, value, headers: { bin: header } });
    // The same record is not JSON: asking for json says so instead of guessing.
    const asJson = await stack.request('GET', '/v1/topics/bytes/partitions/0/records');
    expect(asJson.status).toBe(422);
    expect(((await asJson.json()) as { code: string }).code).toBe('RECORD_NOT_DECODABLE');
  });

  it('honours limit and maxBytes, always returning at least one record', async () => {
    await createTopic('paged', 1);
    for (let i = 0; i < 5; i++) await produce('paged', { records: Array.from({ length: 4 }, (_, j) => ({ value: 'x'.repeat(100) + (i * 4 + j) })) });
    const limited = await fetchRecords('paged', 0, '?offset=3&limit=7');
    expect(limited.json.records.map((r) => r.offset)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(limited.json.nextOffset).toBe(10);
    const small = await fetchRecords('paged', 0, '?offset=5&maxBytes=250');
    expect(small.json.records.map((r) => r.offset)).toEqual([5, 6]);
    const tiny = await fetchRecords('paged', 0, '?offset=5&maxBytes=1');
    expect(tiny.json.records.map((r) => r.offset)).toEqual([5]);
    const all = await fetchRecords('paged', 0, '?offset=0&limit=1000');
    expect(all.json.records.map((r) => r.value)).toEqual(Array.from({ length: 20 }, (_, i) => 'x'.repeat(100) + i));
    const atEnd = await fetchRecords('paged', 0, '?offset=20');
    expect(atEnd.json).toMatchObject({ records: [], nextOffset: 20, highWatermark: 20 });
  });

  it('answers 416 with both bounds below the log start or above the high watermark', async () => {
    await createTopic('bounded', 1);
    await produce('bounded', { records: [{ value: 1 }, { value: 2 }] });
    const res = await stack.request('GET', '/v1/topics/bounded/partitions/0/records?offset=3');
    expect(res.status).toBe(416);
    expect(await res.json()).toMatchObject({ code: 'OFFSET_OUT_OF_RANGE', logStartOffset: 0, highWatermark: 2, offset: 3 });
  });

  it('describes partitions with log start, high watermark, bytes and last append time', async () => {
    await createTopic('described', 3);
    const before = Date.now();
    await produce('described', { records: [{ partition: 2, value: 1 }, { partition: 2, value: 2 }] });
    const res = await stack.request('GET', '/v1/topics/described/partitions');
    const { partitions } = (await res.json()) as { partitions: { partition: number; highWatermark: number; bytes: number; lastAppendTime: number | null }[] };
    expect(partitions.map((p) => [p.partition, p.highWatermark])).toEqual([
      [0, 0],
      [1, 0],
      [2, 2],
    ]);
    expect(partitions[0]!.lastAppendTime).toBeNull();
    expect(partitions[2]!.lastAppendTime).toBeGreaterThanOrEqual(before);
    expect(partitions[2]!.bytes).toBeGreaterThan(61);
  });
});

describe('keyed records', () => {
  it.each([
    ['foobar', [0, 0, 6]],
    ['abc', [0, 3, 3]],
  ])('key %s lands where Kafka puts it in topics of 3/6/12 partitions', async (key, expected) => {
    const landed: number[] = [];
    for (const partitions of [3, 6, 12]) {
      const name = `keyed-${key}-${partitions}`;
      await createTopic(name, partitions);
      const { json } = await produce(name, { records: [{ key, value: 1 }] });
      landed.push(json.offsets[0]!.partition);
    }
    expect(landed).toEqual(expected);
  });

  it('keeps unkeyed records of one request together in one partition', async () => {
    await createTopic('sticky', 12);
    const { json } = await produce('sticky', { records: Array.from({ length: 20 }, (_, i) => ({ value: i })) });
    expect(new Set(json.offsets.map((o) => o.partition)).size).toBe(1);
    expect(json.offsets.map((o) => o.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('Idempotency-Key', () => {
  it('returns the original offsets for a retry and writes nothing', async () => {
    await createTopic('idem', 4);
    const body = { records: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }, { key: 'c', value: 3 }] };
    const first = await produce('idem', body, { 'idempotency-key': 'req-1' });
    const marks = async () => ((await (await stack.request('GET', '/v1/topics/idem/partitions')).json()) as { partitions: { highWatermark: number }[] }).partitions.map((p) => p.highWatermark);
    const before = await marks();
    calls.reset();
    const second = await produce('idem', body, { 'idempotency-key': 'req-1' });
    expect(second.status).toBe(200);
    expect(second.json.offsets).toEqual(first.json.offsets);
    expect(await marks()).toEqual(before);
    expect(calls.get('PutObjectCommand')).toBe(0);
    expect(calls.get('TransactWriteItemsCommand')).toBe(0);
  });

  it('gives concurrent retries of one key one set of offsets', async () => {
    await createTopic('idem-race', 1);
    const body = { records: [{ value: 'once' }] };
    const results = await Promise.all(Array.from({ length: 6 }, () => produce('idem-race', body, { 'idempotency-key': 'race' })));
    expect(new Set(results.map((r) => JSON.stringify(r.json.offsets))).size).toBe(1);
    const fetched = await fetchRecords('idem-race', 0);
    expect(fetched.json.highWatermark).toBe(1);
  });

  it('refuses the same key for a different request', async () => {
    await createTopic('idem-reuse', 1);
    await produce('idem-reuse', { records: [{ value: 1 }] }, { 'idempotency-key': 'k' });
    const res = await stack.request('POST', '/v1/topics/idem-reuse/records', { records: [{ value: 2 }] }, { 'idempotency-key': 'k' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { code: string }).code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});

describe('long-poll fetch', () => {
  it('returns soon after a produce when waiting at the high watermark', async () => {
    await createTopic('waiting', 1);
    const started = performance.now();
    const pending = fetchRecords('waiting', 0, '?offset=0&waitMs=15000');
    await new Promise((r) => setTimeout(r, 300));
    await produce('waiting', { records: [{ value: 'hello' }] });
    const { json } = await pending;
    expect(json.records.map((r) => r.value)).toEqual(['hello']);
    // Generous: the point is that it did not sit out the whole 15 s.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('notices a commit made by another process by polling the head', async () => {
    await createTopic('waiting-remote', 1);
    const other = (await import('../../shared/http/app.js')).createApp(
      (await import('../../shared/runtime/create-runtime.js')).createRuntime({ clients: stack.clients, table: stack.table, bucket: stack.bucket, rootKey: 'another-root-key-123456' }),
    );
    const pending = fetchRecords('waiting-remote', 0, '?offset=0&waitMs=15000');
    await new Promise((r) => setTimeout(r, 300));
    await other.request('/v1/topics/waiting-remote/records', {
      method: 'POST',
      headers: { authorization: 'Bearer another-root-key-123456', 'content-type': 'application/json' },
      body: JSON.stringify({ records: [{ value: 'from elsewhere' }] }),
    });
    expect((await pending).json.records.map((r) => r.value)).toEqual(['from elsewhere']);
  });

  it('returns empty at the deadline when nothing arrives', async () => {
    await createTopic('quiet', 1);
    const { status, json } = await fetchRecords('quiet', 0, '?waitMs=300');
    expect(status).toBe(200);
    expect(json).toMatchObject({ records: [], nextOffset: 0, highWatermark: 0 });
  });
});

describe('offsets for a timestamp', () => {
  it('finds the first offset appended at or after it, else the high watermark', async () => {
    await createTopic('timed', 1);
    await produce('timed', { records: [{ value: 0 }, { value: 1 }] });
    await new Promise((r) => setTimeout(r, 20));
    const middle = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    await produce('timed', { records: [{ value: 2 }] });
    const at = async (t: number) => (await (await stack.request('GET', `/v1/topics/timed/partitions/0/offsets?timestamp=${t}`)).json()) as { offset: number; timestamp: number | null };
    expect((await at(0)).offset).toBe(0);
    const found = await at(middle);
    expect(found.offset).toBe(2);
    expect(found.timestamp).toBeGreaterThanOrEqual(middle);
    expect(await at(Date.now() + 60_000)).toEqual({ offset: 3, timestamp: null });
  });
});

