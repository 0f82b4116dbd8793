import { beforeAll, describe, expect, it } from 'vitest';
import { GroupStore } from '../../shared/storage/group-store.js';
import { createTestStack, type TestStack } from '../support/test-stack.js';

/**
 * Regression (issue 12): a seek on ≥ 100 partitions answered 500 (one transaction of more
 * than 100 items). Topics may have 1,024 partitions; the seek stays atomic and fenced.
 */
let stack: TestStack;

interface Described {
  generation: number;
  offsets: { topic: string; partition: number; committedOffset: number | null }[];
}

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await stack.request(method, path, body);
  return { status: res.status, body: (await res.json()) as T };
}

beforeAll(async () => {
  stack = await createTestStack();
  expect((await stack.request('POST', '/v1/topics', { name: 'wide', partitions: 1024 })).status).toBe(201);
  // Records on a few partitions, so 'latest' differs from 'earliest' somewhere.
  const records = [0, 99, 100, 512, 1023].flatMap((partition) => [{ partition, value: 1 }, { partition, value: 2 }]);
  expect((await stack.request('POST', '/v1/topics/wide/records', { records })).status).toBe(200);
}, 120_000);

describe('seek on a 1,024-partition topic', () => {
  it('sets all 1,024 committed offsets and fences the old generation', async () => {
    const member = (await call<{ memberId: string; generation: number }>('POST', '/v1/groups/wide-g/members', { topics: ['wide'] })).body;
    const seek = await call<{ generation: number; offsets: { partition: number; offset: number }[] }>('POST', '/v1/groups/wide-g/seek', { topic: 'wide', to: 'latest' });
    expect(seek.status).toBe(200);
    expect(seek.body.generation).toBe(member.generation + 1);
    expect(seek.body.offsets).toHaveLength(1024);

    const described = (await call<Described>('GET', '/v1/groups/wide-g')).body;
    const committed = new Map(described.offsets.map((o) => [o.partition, o.committedOffset]));
    expect(committed.size).toBe(1024);
    for (let p = 0; p < 1024; p++) expect(committed.get(p), `partition ${p}`).toBe([0, 99, 100, 512, 1023].includes(p) ? 2 : 0);

    // The member's generation is gone: its commit is refused and changes nothing.
    const stale = await call<{ code: string }>('POST', '/v1/groups/wide-g/offsets', {
      memberId: member.memberId,
      generation: member.generation,
      offsets: [{ topic: 'wide', partition: 0, offset: 0 }],
    });
    expect([stale.status, stale.body.code]).toEqual([409, 'ILLEGAL_GENERATION']);
    expect((await call<Described>('GET', '/v1/groups/wide-g')).body.offsets.find((o) => o.partition === 0)!.committedOffset).toBe(2);
  }, 60_000);

  it('takes an explicit list of 100+ partitions, duplicates included', async () => {
    const partitions = [...Array.from({ length: 150 }, (_, i) => i), 0, 1, 2];
    const seek = await call<{ offsets: { partition: number; offset: number }[] }>('POST', '/v1/groups/wide-list/seek', { topic: 'wide', partitions, to: 'earliest' });
    expect(seek.status).toBe(200);
    expect(seek.body.offsets).toHaveLength(150);
    expect((await call<Described>('GET', '/v1/groups/wide-list')).body.offsets).toHaveLength(150);
  }, 60_000);

  it('is completed by the next reader when the seeking request died after its commit point', async () => {
    const store = new GroupStore(stack.clients, stack.table);
    // What a seek that crashed right after its one conditional META write leaves behind.
    const partitions = Array.from({ length: 1024 }, (_, p) => p);
    const written = await store.writeMeta(
      { group: 'wide-crash', generation: 1, members: {}, assignment: {}, partitionCounts: {}, updatedAt: 1, pendingSeek: { topic: 'wide', partitions, offsets: partitions.map((p) => (p === 512 ? 1 : 0)), at: 1 } },
      undefined,
    );
    expect(written).toBe(true);
    const described = (await call<Described>('GET', '/v1/groups/wide-crash')).body;
    expect(described.generation).toBe(1);
    expect(described.offsets).toHaveLength(1024);
    expect(described.offsets.find((o) => o.partition === 512)!.committedOffset).toBe(1);
    const { meta } = await store.load('wide-crash');
    expect(meta!.pendingSeek).toBeUndefined();
  }, 60_000);
});
