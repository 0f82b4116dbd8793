import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MaintenanceContext } from '../../shared/maintenance/maintenance-context.js';
import { runMaintenance } from '../../shared/maintenance/run-maintenance.js';
import { headKey } from '../../shared/storage/keys.js';
import { countCalls } from '../support/call-counter.js';
import { ManualClock } from '../support/manual-clock.js';
import { createTestStack, emulatorClients, type TestStack } from '../support/test-stack.js';
import { testApi } from '../support/http.js';

let stack: TestStack;
let maintenance: MaintenanceContext;
let calls: ReturnType<typeof countCalls>;
// Wall-clock based, because S3's LastModified (used for the orphan grace period) is real time.
const clock = new ManualClock(Date.now());
const MINUTE = 60_000;

beforeAll(async () => {
  const clients = emulatorClients();
  calls = countCalls(clients);
  stack = await createTestStack({ clients, clock });
  maintenance = stack.maintenance;
});

const { call } = testApi(() => stack);

type Fetched = { records: { offset: number; key: string; value: string; headers: Record<string, string>; timestamp: number }[]; logStartOffset: number; highWatermark: number };
const readAll = async (topic: string, partition = 0) => (await call<Fetched>('GET', `/v1/topics/${topic}/partitions/${partition}/records?limit=10000&maxBytes=4000000&encoding=base64`)).body;
const objectCount = async (prefix: string) => (await maintenance.objects.listObjects(prefix)).length;

describe('compaction', () => {
  it('rewrites old batches into segments: records read back byte-identical, far fewer entries, objects and GETs', async () => {
    await call('POST', '/v1/topics', { name: 'compact-me', partitions: 2 });
    const times: number[] = [];
    for (let i = 0; i < 100; i++) {
      const records = Array.from({ length: 100 }, (_, j) => ({ key: `k${j}`, value: { i, j }, headers: { n: `${i}-${j}` }, partition: 0 }));
      records.push({ key: 'other', value: { i, j: -1 }, headers: { n: 'p1' }, partition: 1 });
      expect((await call('POST', '/v1/topics/compact-me/records', { records })).status).toBe(200);
      times.push(clock.now());
      clock.advance(10);
    }
    const before = await readAll('compact-me');
    expect(before.records).toHaveLength(10_000);
    const offsetsForTimes = async () => Promise.all(times.filter((_, i) => i % 7 === 0).map(async (t) => (await call<{ offset: number }>('GET', `/v1/topics/compact-me/partitions/0/offsets?timestamp=${t}`)).body.offset));
    const offsetsBefore = await offsetsForTimes();
    const { topicId } = (await stack.log.topics.get('compact-me'))!;
    expect(await maintenance.entries.entries(topicId, 0)).toHaveLength(100);
    expect(await objectCount('batches/compact-me/')).toBe(100);

    calls.reset();
    await readAll('compact-me');
    const getsBefore = calls.get('GetObjectCommand');

    clock.advance(11 * MINUTE);
    const report = await runMaintenance(maintenance);
    expect(report.complete).toBe(true);

    expect(await maintenance.entries.entries(topicId, 0)).toHaveLength(2); // 100 entries, ≤ 99 per swap
    expect(await objectCount('batches/compact-me/')).toBe(0);
    expect(await objectCount(`segments/compact-me-${topicId}/`)).toBe(2); // one segment per partition
    const after = await readAll('compact-me');
    expect(after).toEqual(before);
    expect(await readAll('compact-me', 1)).toMatchObject({ highWatermark: 100 });
    expect(await offsetsForTimes()).toEqual(offsetsBefore);

    calls.reset();
    await readAll('compact-me');
    const getsAfter = calls.get('GetObjectCommand');
    expect(getsBefore).toBe(100);
    expect(getsAfter).toBe(1);
  });

  it('keeps every compacted index entry within 4 MiB, the most one fetch page reads', async () => {
    await call('POST', '/v1/topics', { name: 'big-batches', partitions: 1 });
    for (let i = 0; i < 12; i++) {
      expect((await call('POST', '/v1/topics/big-batches/records', { encoding: 'string', records: [{ value: String(i).padEnd(900_000, 'x') }] })).status).toBe(200);
    }
    clock.advance(11 * MINUTE);
    await runMaintenance(maintenance);
    const { topicId } = (await stack.log.topics.get('big-batches'))!;
    const entries = await maintenance.entries.entries(topicId, 0);
    expect(entries.map((e) => e.recordCount)).toEqual([4, 4, 4]); // 4 × ~900 KB fit in 4 MiB, a 5th would not
    expect(new Set(entries.map((e) => e.objectKey)).size).toBe(1); // still one segment object
    expect(Math.max(...entries.map((e) => e.byteLength))).toBeLessThanOrEqual(4 * 1024 * 1024);
    const page = (await call<Fetched>('GET', '/v1/topics/big-batches/partitions/0/records?offset=5&maxBytes=1&encoding=string')).body;
    expect(page.records.map((r) => r.offset)).toEqual([5]);
  });

  it('leaves batches younger than the threshold alone', async () => {
    await call('POST', '/v1/topics', { name: 'young', partitions: 1 });
    await call('POST', '/v1/topics/young/records', { records: [{ value: 1 }] });
    await runMaintenance(maintenance);
    expect(await objectCount('batches/young/')).toBe(1);
  });
});

describe('retention', () => {
  it('removes records older than retention.ms, keeps younger ones, advances the log start; reading below it is 416', async () => {
    await call('POST', '/v1/topics', { name: 'timed-out', partitions: 1, retention: { ms: 60 * MINUTE } });
    for (const value of ['old', 'older-ish', 'young']) {
      await call('POST', '/v1/topics/timed-out/records', { records: [{ value }, { value }] });
      clock.advance(45 * MINUTE);
    }
    // Appended at t, t+45m, t+90m; now t+135m: only the first two are past 60 minutes.
    await runMaintenance(maintenance);
    const after = await readAll('timed-out');
    expect(after.logStartOffset).toBe(4);
    expect(after.records.map((r) => Buffer.from(r.value, 'base64').toString())).toEqual(['"young"', '"young"']);
    const below = await call<{ code: string; logStartOffset: number; highWatermark: number }>('GET', '/v1/topics/timed-out/partitions/0/records?offset=1');
    expect(below.status).toBe(416);
    expect(below.body).toMatchObject({ code: 'OFFSET_OUT_OF_RANGE', logStartOffset: 4, highWatermark: 6 });
  });

  it('keeps each partition under retention.bytes plus at most one entry', async () => {
    await call('POST', '/v1/topics', { name: 'sized', partitions: 1, retention: { bytes: 5000 } });
    for (let i = 0; i < 10; i++) await call('POST', '/v1/topics/sized/records', { encoding: 'string', records: [{ value: 'x'.repeat(1000) }] });
    await runMaintenance(maintenance);
    const { partitions } = (await call<{ partitions: { bytes: number; logStartOffset: number }[] }>('GET', '/v1/topics/sized/partitions')).body;
    const entrySize = 1000 + 80;
    expect(partitions[0]!.bytes).toBeLessThan(5000 + entrySize);
    expect(partitions[0]!.bytes).toBeGreaterThanOrEqual(5000);
    expect(partitions[0]!.logStartOffset).toBeGreaterThan(0);
  });
});

describe('tiering', () => {
  it('moves old segments to a colder storage class, and they stay readable', async () => {
    await call('POST', '/v1/topics', { name: 'cold', partitions: 1, retention: { hotMs: 5 * MINUTE } });
    await call('POST', '/v1/topics/cold/records', { records: [{ value: 'brr' }] });
    const before = await readAll('cold');
    clock.advance(11 * MINUTE);
    await runMaintenance(maintenance);
    const { topicId } = (await stack.log.topics.get('cold'))!;
    const [entry] = await maintenance.entries.entries(topicId, 0);
    expect(entry!.tier).toBe('cold');
    expect(await maintenance.objects.storageClass(entry!.objectKey)).toBe('STANDARD_IA');
    expect(await readAll('cold')).toEqual(before);
  });
});

describe('orphan GC and topic deletion', () => {
  it('deletes an uncommitted batch object only after the grace period', async () => {
    // A clock of its own: the grace period is judged against S3's real LastModified.
    const ownClock = new ManualClock(Date.now());
    const own = await createTestStack({ clock: ownClock });
    const ownMaintenance = own.maintenance;
    await own.request('POST', '/v1/topics', { name: 'orphans', partitions: 1 });
    await own.request('POST', '/v1/topics/orphans/records', { records: [{ value: 'kept' }] });
    await own.clients.s3.send(new PutObjectCommand({ Bucket: own.bucket, Key: 'batches/orphans/2026-01-01-00/crashed-before-commit', Body: 'x' }));
    const orphanExists = async () => (await ownMaintenance.objects.listObjects('batches/orphans/')).some((o) => o.key.endsWith('crashed-before-commit'));
    ownClock.advance(5 * MINUTE);
    await runMaintenance(ownMaintenance);
    expect(await orphanExists()).toBe(true);
    ownClock.advance(2 * 60 * MINUTE);
    await runMaintenance(ownMaintenance);
    expect(await orphanExists()).toBe(false);
    const read = (await (await own.request('GET', '/v1/topics/orphans/partitions/0/records')).json()) as { records: unknown[] };
    expect(read.records).toHaveLength(1);
  });

  it('lists an idle topic’s objects once a day, not on every run (LIST requests are the idle cost)', async () => {
    const clients = emulatorClients();
    const counted = countCalls(clients);
    const ownClock = new ManualClock(Date.now());
    const own = await createTestStack({ clients, clock: ownClock });
    const ownMaintenance = own.maintenance;
    await own.request('POST', '/v1/topics', { name: 'idle', partitions: 1 });
    await own.request('POST', '/v1/topics/idle/records', { records: [{ value: 1 }] });
    ownClock.advance(2 * 60 * MINUTE);
    const lists = async () => {
      counted.reset();
      await runMaintenance(ownMaintenance);
      return counted.get('ListObjectsV2Command');
    };
    expect(await lists()).toBe(2); // batches/ and segments/ prefixes: compaction released an object
    ownClock.advance(5 * MINUTE);
    expect(await lists()).toBe(0); // idle: nothing appended within the grace period, nothing released
    await own.request('POST', '/v1/topics/idle/records', { records: [{ value: 2 }] });
    expect(await lists()).toBe(2); // an append: an orphan may be ripening, so keep looking
    ownClock.advance(2 * 60 * MINUTE);
    await runMaintenance(ownMaintenance); // compacts the new batch (released: listed)
    expect(await lists()).toBe(0);
    ownClock.advance(24 * 60 * MINUTE);
    expect(await lists()).toBe(2); // the daily sweep
  });

  it('finishes a topic deletion: entries, objects and group offsets are gone, heads stay closed until their TTL', async () => {
    await call('POST', '/v1/topics', { name: 'doomed', partitions: 2 });
    await call('POST', '/v1/topics/doomed/records', { records: [{ partition: 0, value: 1 }, { partition: 1, value: 2 }] });
    const member = (await call<{ memberId: string; generation: number }>('POST', '/v1/groups/doomed-readers/members', { topics: ['doomed'] })).body;
    await call('POST', '/v1/groups/doomed-readers/offsets', { memberId: member.memberId, generation: member.generation, offsets: [{ topic: 'doomed', partition: 0, offset: 1 }] });
    await call('DELETE', `/v1/groups/doomed-readers/members/${member.memberId}`);
    const { topicId } = (await stack.log.topics.get('doomed'))!;
    expect((await call('DELETE', '/v1/topics/doomed')).status).toBe(204);
    const report = await runMaintenance(maintenance);
    expect(report.topicsPurged).toEqual([`doomed (${topicId})`]);
    expect(await maintenance.entries.entries(topicId, 0)).toEqual([]);
    // A closed head outlives the purge (a day, by TTL) so that no stale topic cache can start the log anew.
    const head = await stack.log.store.readHead(topicId, 1);
    expect({ closed: head.closed, nextOffset: head.nextOffset }).toEqual({ closed: true, nextOffset: 1 });
    const item = await stack.clients.doc.send(new GetCommand({ TableName: stack.table, Key: headKey(topicId, 1) }));
    expect(item.Item?.expiresAt).toBeGreaterThan(Math.floor(Date.now() / 1000));
    expect(await objectCount('batches/doomed/')).toBe(0);
    expect(await maintenance.log.topics.deletedTopics()).toEqual([]);
    const group = (await call<{ offsets: unknown[] }>('GET', '/v1/groups/doomed-readers')).body;
    expect(group.offsets).toEqual([]);
  });
});
