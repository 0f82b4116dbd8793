import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../shared/http/app.js';
import { runMaintenance } from '../../shared/maintenance/run-maintenance.js';
import { type ApiRuntime, createRuntime } from '../../shared/runtime/create-runtime.js';
import { countCalls } from '../support/call-counter.js';
import { createTestStack, emulatorClients, ROOT_KEY, type TestStack } from '../support/test-stack.js';

/**
 * The produce path caches topics per process (shared/log/topic-cache.ts). These tests run
 * two processes on one table: `a` produces through its cache, `b` deletes and re-creates
 * the topic behind a's back. A stale cache may cost a retry, never a write into the
 * deleted incarnation.
 */
let a: TestStack;
let calls: ReturnType<typeof countCalls>;
let b: ApiRuntime;
let bRequest: (method: string, path: string, body?: unknown) => Promise<Response>;

beforeAll(async () => {
  const clients = emulatorClients();
  calls = countCalls(clients);
  a = await createTestStack({ clients });
  b = createRuntime({ clients: emulatorClients(), table: a.table, bucket: a.bucket, rootKey: ROOT_KEY });
  const bApp = createApp(b);
  bRequest = async (method, path, body) =>
    bApp.request(path, {
      method,
      headers: { authorization: `Bearer ${ROOT_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
});

const produceThroughA = async (topic: string, value: string, partition = 0) => {
  const res = await a.request('POST', `/v1/topics/${topic}/records`, { records: [{ value, partition }] });
  return { status: res.status, json: (await res.json()) as { offsets?: { partition: number; offset: number }[]; code?: string } };
};

const valuesOf = async (request: (m: string, p: string) => Promise<Response>, topic: string, partition = 0) => {
  const res = await request('GET', `/v1/topics/${topic}/partitions/${partition}/records?offset=0`);
  return ((await res.json()) as { records: { value: string }[] }).records.map((r) => r.value);
};

describe('the topic cache on the produce path', () => {
  it('reads nothing from DynamoDB before the PUT once the topic and head are known', async () => {
    expect((await a.request('POST', '/v1/topics', { name: 'warm', partitions: 2 })).status).toBe(201);
    expect((await produceThroughA('warm', 'first')).status).toBe(200);
    calls.reset();
    for (let i = 0; i < 3; i++) expect((await produceThroughA('warm', `next-${i}`)).status).toBe(200);
    expect(calls.snapshot()).toEqual({ PutObjectCommand: 3, TransactWriteItemsCommand: 3 });
  });

  it('sends a produce to the new incarnation after another process deleted and re-created the topic', async () => {
    expect((await a.request('POST', '/v1/topics', { name: 'reborn', partitions: 1 })).status).toBe(201);
    expect((await produceThroughA('reborn', 'old-0')).json.offsets).toEqual([{ partition: 0, offset: 0 }]);
    expect((await produceThroughA('reborn', 'old-1')).json.offsets).toEqual([{ partition: 0, offset: 1 }]);
    const old = (await a.log.topics.get('reborn'))!;

    expect((await bRequest('DELETE', '/v1/topics/reborn')).status).toBe(204);
    expect((await bRequest('POST', '/v1/topics', { name: 'reborn', partitions: 1 })).status).toBe(201);

    // a still caches the old incarnation; its commit fails on the closed head, it re-reads the topic.
    const after = await produceThroughA('reborn', 'new-0');
    expect(after).toEqual({ status: 200, json: { topic: 'reborn', offsets: [{ partition: 0, offset: 0 }] } });
    expect(await valuesOf(bRequest, 'reborn')).toEqual(['new-0']);
    const oldHead = await a.log.store.readHead(old.topicId, 0);
    expect(oldHead.nextOffset).toBe(2);
    expect(oldHead.closed).toBe(true);
  });

  it('does not replay an idempotent answer from the deleted incarnation: the retry commits into the new one', async () => {
    expect((await a.request('POST', '/v1/topics', { name: 'retried', partitions: 1 })).status).toBe(201);
    const send = () => a.request('POST', '/v1/topics/retried/records', { records: [{ value: 'once', partition: 0 }] }, { 'idempotency-key': 'k-1' });
    expect(((await (await send()).json()) as { offsets: unknown }).offsets).toEqual([{ partition: 0, offset: 0 }]);
    expect((await bRequest('DELETE', '/v1/topics/retried')).status).toBe(204);
    expect((await bRequest('POST', '/v1/topics', { name: 'retried', partitions: 1 })).status).toBe(201);
    expect((await bRequest('POST', '/v1/topics/retried/records', { records: [{ value: 'other', partition: 0 }] })).status).toBe(200);

    const retry = await send();
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { offsets: unknown }).offsets).toEqual([{ partition: 0, offset: 1 }]);
    expect(await valuesOf(bRequest, 'retried')).toEqual(['other', 'once']);
  });

  it('answers 404 when the cached topic was deleted and not re-created, and writes nothing', async () => {
    expect((await a.request('POST', '/v1/topics', { name: 'gone', partitions: 3 })).status).toBe(201);
    expect((await produceThroughA('gone', 'x', 1)).status).toBe(200);
    const old = (await a.log.topics.get('gone'))!;
    expect((await bRequest('DELETE', '/v1/topics/gone')).status).toBe(204);

    // Partition 1 has a head (now closed); partition 2 never had one: deletion created it closed.
    for (const partition of [1, 2]) {
      const res = await produceThroughA('gone', 'late', partition);
      expect(res.status).toBe(404);
      expect(res.json.code).toBe('TOPIC_NOT_FOUND');
    }
    const heads = await a.log.store.readHeads(old.topicId, [1, 2]);
    expect(heads.get(1)!.nextOffset).toBe(1);
    expect(heads.get(2)!.nextOffset).toBe(0);
  });

  it('cannot restart a purged incarnation: its closed heads outlive the purge', async () => {
    expect((await a.request('POST', '/v1/topics', { name: 'purged', partitions: 2 })).status).toBe(201);
    expect((await produceThroughA('purged', 'x', 0)).status).toBe(200);
    const old = (await a.log.topics.get('purged'))!;
    expect((await bRequest('DELETE', '/v1/topics/purged')).status).toBe(204);
    await runMaintenance(b.maintenance);
    expect(await a.log.topics.deletedTopics()).toEqual([]);

    const res = await produceThroughA('purged', 'late', 1);
    expect(res.status).toBe(404);
    const entries = await a.log.store.entriesFrom(old.topicId, 0, 0, () => true);
    expect(entries).toEqual([]);
    expect((await a.log.store.readHead(old.topicId, 1)).closed).toBe(true);
  });

  it('sees partitions another process added when a record names one beyond the cached count', async () => {
    expect((await a.request('POST', '/v1/topics', { name: 'grown', partitions: 1 })).status).toBe(201);
    expect((await produceThroughA('grown', 'p0', 0)).status).toBe(200);
    expect((await bRequest('PATCH', '/v1/topics/grown', { partitions: 3 })).status).toBe(200);
    const res = await produceThroughA('grown', 'p2', 2);
    expect(res.json.offsets).toEqual([{ partition: 2, offset: 0 }]);
  });

  it('deletes a topic whose partitions grew while its heads were being closed', async () => {
    expect((await a.request('POST', '/v1/topics', { name: 'racing', partitions: 1 })).status).toBe(201);
    const original = b.log.writer.closeHeads.bind(b.log.writer);
    let grew = false;
    b.log.writer.closeHeads = async (topicId, partitions, now) => {
      await original(topicId, partitions, now);
      if (!grew) {
        grew = true;
        expect((await a.request('PATCH', '/v1/topics/racing', { partitions: 2 })).status).toBe(200);
      }
    };
    try {
      expect((await bRequest('DELETE', '/v1/topics/racing')).status).toBe(204);
    } finally {
      b.log.writer.closeHeads = original;
    }
    const old = (await a.log.topics.deletedTopics()).find((t) => t.name === 'racing')!;
    expect(old.partitions).toBe(2);
    expect((await a.log.store.readHead(old.topicId, 1)).closed).toBe(true);
  });
});

describe('the head cache across processes', () => {
  it('retries a commit that lost to another process from the head DynamoDB returned, without reading it', async () => {
    expect((await a.request('POST', '/v1/topics', { name: 'shared', partitions: 1 })).status).toBe(201);
    expect((await produceThroughA('shared', 'a-0')).json.offsets).toEqual([{ partition: 0, offset: 0 }]);
    expect((await bRequest('POST', '/v1/topics/shared/records', { records: [{ value: 'b-0', partition: 0 }, { value: 'b-1', partition: 0 }] })).status).toBe(200);

    calls.reset();
    // a's cached head says 1; the head is at 3. The first transaction fails and returns it.
    expect((await produceThroughA('shared', 'a-1')).json.offsets).toEqual([{ partition: 0, offset: 3 }]);
    expect(calls.snapshot()).toEqual({ PutObjectCommand: 1, TransactWriteItemsCommand: 2 });
    expect(await valuesOf(bRequest, 'shared')).toEqual(['a-0', 'b-0', 'b-1', 'a-1']);
  });
});
