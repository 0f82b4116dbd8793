import { beforeAll, describe, expect, it } from 'vitest';
import { Freshet } from '../../client/src/index.js';
import { runMaintenance } from '../../shared/maintenance/run-maintenance.js';
import { dispatchOnce } from '../../shared/subscriptions/dispatcher.js';
import { isSegmentKey } from '../../shared/storage/object-keys.js';
import { decodeBatchesWithKafkajs } from '../log/kafkajs-decoder.js';
import { testApi } from '../support/http.js';
import { ManualClock } from '../support/manual-clock.js';
import { createHarness, type Harness, subscribe } from '../subscriptions/harness.js';
import { Receiver } from '../subscriptions/receiver.js';
import { ROOT_KEY } from '../support/test-stack.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TOTAL = 100_000;
const KEYS = 1_000;
const DELETED = 100; // keys 0..99 end with a tombstone
const PER_REQUEST = 5_000;
const TOPIC = 'changelog';

type Rec = { offset: number; key: string; value: unknown; timestamp: number };
type Fetched = { records: Rec[]; nextOffset: number; highWatermark: number; logStartOffset: number };
type Partitions = { partitions: { partition: number; highWatermark: number; logStartOffset: number; bytes: number; dirtyRatio: number | null }[] };

/** mulberry32: the same "random" keys on every run. */
function seeded(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 100,000 records over 1,000 keys in random order (each key at least once); the last
 * record of keys 0..99 is a tombstone. The final record stands alone in the last request
 * (a partition's last batch is never cleaned) and is the latest value of key 999.
 */
function changelog() {
  const random = seeded(17);
  const keys = Array.from({ length: TOTAL }, (_, i) => (i < KEYS ? i : i === TOTAL - 1 ? KEYS - 1 : Math.floor(random() * KEYS)));
  const last = new Map<number, number>();
  for (const [i, k] of keys.entries()) last.set(k, i);
  const records = keys.map((k, i) => ({ key: `k${k}`, value: k < DELETED && last.get(k) === i ? null : { k, n: i } }));
  const latest = [...last.entries()].sort((a, b) => a[1] - b[1]);
  return {
    records,
    /** Offset → record of every key's latest record, tombstones included, in offset order. */
    latestWithTombstones: latest.map(([, i]) => ({ offset: i, ...records[i]! })),
    live: latest.filter(([k]) => k >= DELETED).map(([, i]) => ({ offset: i, ...records[i]! })),
  };
}

const data = changelog();
let h: Harness;
const clock = new ManualClock(Date.now());
const { call } = testApi(() => h.stack);
const requestTimes: number[] = [];
const requestBases: number[] = [];
let bytesBefore = 0;
let storedBefore = 0;
const groupSeen = new Map<string, unknown>();
let committed = 0;

async function readFromStart(topic = TOPIC, limit = 1_000): Promise<{ records: Rec[]; fetches: number; highWatermark: number; logStartOffset: number }> {
  const records: Rec[] = [];
  let offset = 0;
  let fetches = 0;
  for (;;) {
    const { body } = await call<Fetched>('GET', `/v1/topics/${topic}/partitions/0/records?offset=${offset}&limit=${limit}&maxBytes=4000000`);
    fetches++;
    records.push(...body.records);
    expect(body.nextOffset).toBeGreaterThan(offset);
    offset = body.nextOffset;
    if (offset >= body.highWatermark) return { records, fetches, highWatermark: body.highWatermark, logStartOffset: body.logStartOffset };
  }
}

const partition0 = async () => (await call<Partitions>('GET', `/v1/topics/${TOPIC}/partitions`)).body.partitions[0]!;
const storedBytes = async () => (await h.stack.maintenance.objects.listObjects('')).reduce((n, o) => n + o.size, 0);
const pick = (r: { offset: number; key: string; value: unknown }) => ({ offset: r.offset, key: r.key, value: r.value });

async function joinGroup(group: string) {
  const { body } = await call<{ memberId: string; generation: number }>('POST', `/v1/groups/${group}/members`, { topics: [TOPIC], autoOffsetReset: 'earliest' });
  return body;
}

beforeAll(async () => {
  h = await createHarness({ clock });
  expect(
    (await call('POST', '/v1/topics', { name: TOPIC, partitions: 1, cleanupPolicy: 'compact', compaction: { deleteRetentionMs: HOUR } })).status,
  ).toBe(201);
  for (let i = 0; i < TOTAL; i += PER_REQUEST) {
    const chunk = data.records.slice(i, Math.min(i + PER_REQUEST, TOTAL - 1));
    if (chunk.length === 0) break;
    requestTimes.push(clock.now());
    requestBases.push(i);
    expect((await call('POST', `/v1/topics/${TOPIC}/records`, { records: chunk })).status).toBe(200);
    clock.advance(1_000);
  }
  requestTimes.push(clock.now());
  requestBases.push(TOTAL - 1);
  expect((await call('POST', `/v1/topics/${TOPIC}/records`, { records: [data.records[TOTAL - 1]] })).status).toBe(200);
  bytesBefore = (await partition0()).bytes;
  storedBefore = await storedBytes();

  // A consumer group reads half the log before any compaction and commits there.
  const member = await joinGroup('halfway');
  while (committed < TOTAL / 2) {
    const { body } = await call<{ records: Rec[]; positions: { offset: number }[] }>('GET', `/v1/groups/halfway/records?memberId=${member.memberId}&limit=10000&maxBytes=4000000`);
    for (const r of body.records) groupSeen.set(r.key, r.value);
    committed = body.positions[0]!.offset;
  }
  console.log(`group committed at ${committed}`);
  const commit = await call('POST', '/v1/groups/halfway/offsets', { memberId: member.memberId, generation: member.generation, offsets: [{ topic: TOPIC, partition: 0, offset: committed }] });
  expect(commit.status).toBe(200);
  expect((await call('DELETE', `/v1/groups/halfway/members/${member.memberId}`)).status).toBe(204);
}, 120_000);

describe('key compaction (cleanupPolicy compact): 100,000 records over 1,000 keys, 100 tombstones', () => {
  it('before cleaning, every record is there and the whole partition is dirty', async () => {
    const p = await partition0();
    expect(p).toMatchObject({ highWatermark: TOTAL, logStartOffset: 0, dirtyRatio: 1 });
  });

  it('a first pass keeps each key’s latest record, tombstones included while younger than deleteRetentionMs', async () => {
    clock.advance(MINUTE);
    const report = await runMaintenance(h.stack.maintenance);
    expect(report.complete).toBe(true);
    const line = report.partitions.find((p) => p.topic === TOPIC)!.keyCompaction!;
    expect(line).toMatchObject({ recordsRemoved: TOTAL - KEYS, tombstonesRemoved: 0, keylessRemoved: 0, complete: true });
    const read = await readFromStart();
    expect(read.records.map(pick)).toEqual(data.latestWithTombstones.map(pick));
    expect(read.highWatermark).toBe(TOTAL);
    // Only the last batch (one record, never cleaned) is dirty now.
    expect((await partition0()).dirtyRatio).toBeLessThan(0.01);
  });

  it('once deleteRetentionMs has passed, reading from the start yields exactly the latest value of each of the 900 live keys, in offset order, with gaps', async () => {
    clock.advance(2 * HOUR);
    const report = await runMaintenance(h.stack.maintenance);
    expect(report.partitions.find((p) => p.topic === TOPIC)!.keyCompaction).toMatchObject({ reason: 'a tombstone passed deleteRetentionMs', tombstonesRemoved: DELETED, recordsRemoved: 0 });
    const read = await readFromStart();
    expect(read.records.map(pick)).toEqual(data.live.map(pick));
    expect(read.records).toHaveLength(KEYS - DELETED);
    const offsets = read.records.map((r) => r.offset);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]!).toBeGreaterThan(offsets[i - 1]!);
    expect(offsets.at(-1)).toBe(TOTAL - 1); // the last batch stays
    expect(read).toMatchObject({ highWatermark: TOTAL, logStartOffset: 0 });

    const p = await partition0();
    expect(p).toMatchObject({ highWatermark: TOTAL, logStartOffset: 0 });
    // 900 of 100,000 records remain: bytes accounted and bytes stored shrink about as much.
    expect(p.bytes).toBeLessThan(bytesBefore * 0.03);
    const stored = await storedBytes();
    expect(stored).toBeLessThan(storedBefore * 0.03);
    console.log(`key compaction: partition bytes ${bytesBefore} → ${p.bytes}, objects ${storedBefore} → ${stored} bytes, ${read.fetches} fetches to read it`);
  });

  it('a fetch from an offset inside a removed range answers the next record that exists', async () => {
    const gap = data.live.findIndex((r, i) => i > 0 && r.offset - data.live[i - 1]!.offset > 2);
    const inside = data.live[gap - 1]!.offset + 1;
    const { body } = await call<Fetched>('GET', `/v1/topics/${TOPIC}/partitions/0/records?offset=${inside}&limit=1`);
    expect(body.records.map((r) => r.offset)).toEqual([data.live[gap]!.offset]);
    expect(body.nextOffset).toBe(data.live[gap]!.offset + 1);
  });

  it('a consumer group that committed mid-way resumes from its committed offset and sees every live key’s latest value', async () => {
    const member = await joinGroup('halfway');
    const after: Rec[] = [];
    for (let round = 0; round < 50; round++) {
      const { body } = await call<{ records: Rec[]; positions: { offset: number }[] }>('GET', `/v1/groups/halfway/records?memberId=${member.memberId}&limit=100&waitMs=0`);
      after.push(...body.records);
      if (body.positions[0]!.offset >= TOTAL) break;
    }
    expect(after.map(pick)).toEqual(data.live.filter((r) => r.offset >= committed).map(pick));
    for (const r of after) groupSeen.set(r.key, r.value);
    for (const r of data.live) expect(groupSeen.get(r.key), r.key).toEqual(r.value);
  });

  it('offsets-for-time answers an offset from which the next record is the first surviving one appended at or after the time', async () => {
    for (const [i, t] of requestTimes.entries()) {
      const { body } = await call<{ offset: number }>('GET', `/v1/topics/${TOPIC}/partitions/0/offsets?timestamp=${t}`);
      const read = await call<Fetched>('GET', `/v1/topics/${TOPIC}/partitions/0/records?offset=${body.offset}&limit=1`);
      const expected = data.live.find((r) => r.offset >= requestBases[i]!)?.offset;
      expect(read.body.records[0]?.offset, `request ${i}`).toBe(expected);
    }
  });

  it('webhook delivery from the earliest offset delivers exactly the surviving records, in order', async () => {
    const receiver = await new Receiver().start();
    try {
      const sub = await subscribe(h, { topic: TOPIC, url: receiver.url, batchSize: 500 });
      receiver.secret = sub.secret;
      for (let i = 0; i < 20; i++) await dispatchOnce(h.ctx);
      const delivered = receiver.requests.flatMap((r) => (JSON.parse(r.body) as { records: Rec[] }).records);
      expect(delivered.map(pick)).toEqual(data.live.map(pick));
    } finally {
      await receiver.stop();
    }
  });

  it('a replay into another topic copies exactly the surviving records', async () => {
    expect((await call('POST', '/v1/topics', { name: 'replayed', partitions: 1 })).status).toBe(201);
    const created = await call<{ id: string }>('POST', '/v1/replays', { topic: TOPIC, from: { timestamp: 0 }, target: { topic: 'replayed' } });
    expect(created.status).toBe(202);
    for (let i = 0; i < 10; i++) {
      await runMaintenance(h.stack.maintenance);
      if ((await call<{ status: string }>('GET', `/v1/replays/${created.body.id}`)).body.status === 'done') break;
    }
    const copied = await readFromStart('replayed');
    expect(copied.records.map((r) => ({ key: r.key, value: r.value }))).toEqual(data.live.map((r) => ({ key: r.key, value: r.value })));
  });

  it.each([false, true])('the client reads the compacted partition from the start, jumping the gaps (direct reads: %s)', async (direct) => {
    // The API in-process; the presigned S3 ranges of direct reads go to the emulator.
    const route = (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      return new URL(request.url).host === 'freshet.test' ? Promise.resolve(h.stack.app.fetch(request)) : fetch(request);
    };
    const client = new Freshet({ url: 'http://freshet.test', apiKey: ROOT_KEY, fetch: route });
    const read: { offset: number; key: string | null }[] = [];
    for await (const m of client.readPartition({ topic: TOPIC, partition: 0, fromOffset: 'earliest', follow: false, limit: 250, direct })) read.push({ offset: Number(m.offset), key: m.key === null ? null : String(m.key) });
    expect(read.map((r) => r.offset)).toEqual(data.live.map((r) => r.offset));
    expect(read.map((r) => r.key)).toEqual(data.live.map((r) => r.key));
  });

  it('kafkajs decodes the cleaned segments to the same records the API returns', async () => {
    const { topicId } = (await h.stack.log.topics.get(TOPIC))!;
    const entries = (await h.stack.maintenance.entries.entries(topicId, 0)).filter((e) => isSegmentKey(e.objectKey));
    expect(entries.length).toBeGreaterThan(0);
    const api = (await call<Fetched>('GET', `/v1/topics/${TOPIC}/partitions/0/records?limit=10000&maxBytes=4000000&encoding=base64`)).body.records;
    const decoded = [];
    for (const e of entries) {
      const batches = await decodeBatchesWithKafkajs(await h.stack.log.store.getRange(e.objectKey, e.byteOffset, e.byteLength));
      // As Kafka's cleaner, the rewritten batches keep the original last offset.
      const last = batches.at(-1)!;
      expect(Number(last.firstOffset) + last.lastOffsetDelta).toBe(e.lastOffset);
      for (const r of batches.flatMap((b) => b.records)) {
        decoded.push({ offset: Number(r.offset), key: r.key?.toString('base64') ?? null, value: r.value?.toString('base64') ?? null });
      }
    }
    const covered = api.filter((r) => entries.some((e) => r.offset >= e.baseOffset && r.offset <= e.lastOffset));
    expect(covered.length).toBeGreaterThanOrEqual(KEYS - DELETED - 1); // all but perhaps the last batch's record
    expect(decoded).toEqual(covered.map(pick));
  });
});
