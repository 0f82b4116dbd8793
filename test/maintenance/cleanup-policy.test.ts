import { beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../../shared/maintenance/run-maintenance.js';
import { testApi } from '../support/http.js';
import { ManualClock } from '../support/manual-clock.js';
import { createTestStack, type TestStack } from '../support/test-stack.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
let stack: TestStack;
const clock = new ManualClock(Date.now());
const { call, createTopic } = testApi(() => stack);

type Fetched = { records: { offset: number; key: string | null; value: unknown }[]; logStartOffset: number; highWatermark: number; nextOffset: number };
const read = async (topic: string) => (await call<Fetched>('GET', `/v1/topics/${topic}/partitions/0/records?limit=1000`)).body;
const produce = async (topic: string, records: unknown[]) => expect((await call('POST', `/v1/topics/${topic}/records`, { records })).status).toBe(200);
const cleaningOf = (report: Awaited<ReturnType<typeof runMaintenance>>, topic: string) => report.partitions.find((p) => p.topic === topic)?.keyCompaction;

beforeAll(async () => {
  stack = await createTestStack({ clock });
});

describe('cleanupPolicy and compaction settings', () => {
  it('a compacted topic is created with Kafka’s defaults, and PATCH changes the policy and single settings', async () => {
    const topic = await createTopic('settings', 1, { cleanupPolicy: 'compact' });
    expect(topic).toMatchObject({ cleanupPolicy: 'compact', compaction: { minLagMs: 0, maxLagMs: null, deleteRetentionMs: 86_400_000, minCleanableDirtyRatio: 0.5 } });
    const patched = await call('PATCH', '/v1/topics/settings', { cleanupPolicy: 'compact,delete', compaction: { maxLagMs: HOUR } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ cleanupPolicy: 'compact,delete', compaction: { minLagMs: 0, maxLagMs: HOUR, deleteRetentionMs: 86_400_000 } });
    expect((await call('GET', '/v1/topics/settings')).body).toMatchObject({ cleanupPolicy: 'compact,delete', compaction: { maxLagMs: HOUR } });
    expect((await createTopic('plain', 1)) as object).toMatchObject({ cleanupPolicy: 'delete' });
  });

  it('refuses settings Kafka refuses, and writes nothing', async () => {
    const conflicting = await call<{ code: string; errors: { path: string }[] }>('PATCH', '/v1/topics/settings', { compaction: { minLagMs: 2 * HOUR } });
    expect(conflicting.status).toBe(400);
    expect(conflicting.body.errors[0]!.path).toBe('compaction.maxLagMs');
    expect((await call('POST', '/v1/topics', { name: 'bad-ratio', partitions: 1, cleanupPolicy: 'compact', compaction: { minCleanableDirtyRatio: 1.5 } })).status).toBe(400);
    expect((await call('POST', '/v1/topics', { name: 'bad-policy', partitions: 1, cleanupPolicy: 'delete,compact' })).status).toBe(400);
    expect((await call('GET', '/v1/topics/bad-ratio')).status).toBe(404);
    expect((await call('GET', '/v1/topics/settings')).body).toMatchObject({ compaction: { minLagMs: 0 } });
  });

  it('a record without a key is refused on a compacted topic (400 naming the record), and nothing is written', async () => {
    await createTopic('keyed-only', 1, { cleanupPolicy: 'compact' });
    const res = await call<{ code: string; detail: string; errors: { path: string }[] }>('POST', '/v1/topics/keyed-only/records', {
      records: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }, { value: 3 }],
    });
    expect(res.status).toBe(400);
    expect(res.body.detail).toContain('record 2 has no key');
    expect(res.body.errors).toEqual([{ path: 'records.2.key', message: 'is required on a compacted topic' }]);
    expect((await read('keyed-only')).highWatermark).toBe(0);
    // A tombstone has a key and a null value: accepted.
    await produce('keyed-only', [{ key: 'a', value: null }]);
  });

  it('compact,delete removes records past retention whatever their key; compact alone keeps them', async () => {
    for (const cleanupPolicy of ['compact,delete', 'compact']) {
      const name = `both-${cleanupPolicy.length}`;
      await createTopic(name, 1, { cleanupPolicy, retention: { ms: HOUR } });
      for (let i = 0; i < 3; i++) await produce(name, [{ key: `unique-${i}`, value: i }]);
    }
    clock.advance(2 * HOUR);
    for (const name of ['both-14', 'both-7']) await produce(name, [{ key: 'fresh', value: 'new' }]);
    await runMaintenance(stack.maintenance);

    const both = await read('both-14');
    expect(both.logStartOffset).toBe(3);
    expect(both.records.map((r) => r.key)).toEqual(['fresh']);
    const compactOnly = await read('both-7');
    expect(compactOnly.logStartOffset).toBe(0);
    expect(compactOnly.records.map((r) => r.key)).toEqual(['unique-0', 'unique-1', 'unique-2', 'fresh']);
  });

  it('cleans when the dirty ratio reaches minCleanableDirtyRatio, or when dirty records pass maxLagMs; never younger than minLagMs', async () => {
    await createTopic('triggers', 1, { cleanupPolicy: 'compact', compaction: { minLagMs: 10 * MINUTE, maxLagMs: HOUR } });
    const batch = (n: number) => Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 20}`, value: `${n}-${i}`.padEnd(100, '.') }));
    for (let n = 0; n < 4; n++) await produce('triggers', batch(n));
    await produce('triggers', [{ key: 'last', value: 'x' }]);

    clock.advance(MINUTE); // younger than minLagMs: nothing is cleanable yet
    expect(cleaningOf(await runMaintenance(stack.maintenance), 'triggers')).toBeUndefined();

    clock.advance(10 * MINUTE); // all dirty (ratio 1): cleaned
    expect(cleaningOf(await runMaintenance(stack.maintenance), 'triggers')).toMatchObject({ recordsRemoved: 380, complete: true });
    const partitions = async () => (await call<{ partitions: { dirtyRatio: number }[] }>('GET', '/v1/topics/triggers/partitions')).body.partitions[0]!;
    const cleanRatio = (await partitions()).dirtyRatio;

    // A little more (dirty ratio well under 0.5): not cleaned until maxLagMs passes.
    await produce('triggers', [{ key: 'k0', value: 'newer' }]);
    await produce('triggers', [{ key: 'last', value: 'y' }]);
    expect((await partitions()).dirtyRatio).toBeGreaterThan(cleanRatio);
    clock.advance(11 * MINUTE);
    expect(cleaningOf(await runMaintenance(stack.maintenance), 'triggers')).toBeUndefined();
    clock.advance(HOUR);
    expect(cleaningOf(await runMaintenance(stack.maintenance), 'triggers')).toMatchObject({ reason: 'dirty records older than maxLagMs 3600000' });
    const latest = Array.from({ length: 19 }, (_, i) => `k${i + 1}=${`3-${81 + i}`.padEnd(100, '.')}`);
    expect((await read('triggers')).records.map((r) => `${r.key}=${r.value}`)).toEqual([...latest, 'k0=newer', 'last=y']);
  });

  it('an Idempotency-Key retry after its records were compacted away answers the first offsets and writes nothing', async () => {
    await createTopic('retried', 1, { cleanupPolicy: 'compact' });
    const body = { records: [{ key: 'a', value: 'old' }, { key: 'b', value: 'old' }] };
    const first = await stack.request('POST', '/v1/topics/retried/records', body, { 'idempotency-key': 'once' });
    expect(first.status).toBe(200);
    const { offsets } = (await first.json()) as { offsets: unknown[] };
    await produce('retried', [{ key: 'a', value: 'new' }, { key: 'b', value: 'new' }]);
    await produce('retried', [{ key: 'c', value: 'last' }]);
    clock.advance(MINUTE);
    expect(cleaningOf(await runMaintenance(stack.maintenance), 'retried')).toMatchObject({ recordsRemoved: 2 });

    const retry = await stack.request('POST', '/v1/topics/retried/records', body, { 'idempotency-key': 'once' });
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { offsets: unknown[] }).offsets).toEqual(offsets);
    const after = await read('retried');
    expect(after.highWatermark).toBe(5);
    expect(after.records.map((r) => `${r.key}=${r.value}`)).toEqual(['a=new', 'b=new', 'c=last']);
  });

  it('a cleaning racing produces loses no acknowledged record', async () => {
    // Its own stack, with a clock at real time: the object sweep compares S3's real
    // LastModified with the clock, and this file's clock has moved hours ahead.
    const busy = await createTestStack({ clock: new ManualClock(Date.now()) });
    const api = testApi(busy);
    const produceTo = async (records: unknown[]) => expect((await api.call('POST', '/v1/topics/busy/records', { records })).status).toBe(200);
    await api.createTopic('busy', 1, { cleanupPolicy: 'compact' });
    for (let n = 0; n < 20; n++) await produceTo(Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: n })));
    const latest = new Map<string, number>();
    const producing = (async () => {
      for (let n = 20; n < 40; n++) {
        const records = Array.from({ length: 5 }, (_, i) => ({ key: `k${(n + i) % 20}`, value: n }));
        await produceTo(records);
        for (const r of records) latest.set(r.key, r.value);
      }
    })();
    const report = await runMaintenance(busy.maintenance);
    await producing;
    expect(cleaningOf(report, 'busy')?.recordsRemoved).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) if (!latest.has(`k${i}`)) latest.set(`k${i}`, 19);
    const final = (await api.call<Fetched>('GET', '/v1/topics/busy/partitions/0/records?limit=1000')).body;
    expect(new Map(final.records.map((r) => [r.key!, r.value as number]))).toEqual(latest);
    expect(final.highWatermark).toBe(400 + 100);
  });
});
