import { beforeAll, describe, expect, it } from 'vitest';
import { movedPartitions } from '../../shared/groups/assignor.js';
import type { Assignment, TopicPartition } from '../../shared/model/topic-partition.js';
import { ManualClock } from '../support/manual-clock.js';
import { createTestStack, type TestStack } from '../support/test-stack.js';
import { testApi } from '../support/http.js';

let stack: TestStack;
const clock = new ManualClock();

beforeAll(async () => {
  stack = await createTestStack({ clock });
});

interface Member {
  memberId: string;
  generation: number;
  assignments: TopicPartition[];
}

const { call } = testApi(() => stack);

async function topic(name: string, partitions: number) {
  expect((await call('POST', '/v1/topics', { name, partitions })).status).toBe(201);
}

async function join(group: string, topics: string[], extra: Record<string, unknown> = {}): Promise<Member> {
  const res = await call<Member>('POST', `/v1/groups/${group}/members`, { topics, ...extra });
  expect(res.status).toBe(200);
  return res.body;
}

async function heartbeatAll(group: string, ids: string[]): Promise<Assignment> {
  const views = await Promise.all(ids.map((id) => call<Member>('POST', `/v1/groups/${group}/members/${id}/heartbeat`)));
  const generations = new Set(views.map((v) => v.body.generation));
  expect(generations.size).toBe(1);
  return Object.fromEntries(views.map((v) => [v.body.memberId, v.body.assignments]));
}

describe('consumer group membership', () => {
  it('balances 3 members over 6 partitions, moves the fewest when a 4th joins, and redistributes leavers', async () => {
    await topic('g-orders', 6);
    const members = [await join('g1', ['g-orders']), await join('g1', ['g-orders']), await join('g1', ['g-orders'])];
    const ids = members.map((m) => m.memberId);
    const three = await heartbeatAll('g1', ids);
    expect(Object.values(three).map((a) => a.length)).toEqual([2, 2, 2]);

    const fourth = await join('g1', ['g-orders']);
    const four = await heartbeatAll('g1', [...ids, fourth.memberId]);
    expect(Object.values(four).map((a) => a.length).sort()).toEqual([1, 1, 2, 2]);
    // 6 partitions over 4 members must be 2,2,1,1: one partition has to move, and only one does.
    expect(movedPartitions(three, four)).toHaveLength(1);

    expect((await call('DELETE', `/v1/groups/g1/members/${ids[0]}`)).status).toBe(204);
    const afterLeave = await heartbeatAll('g1', [ids[1]!, ids[2]!, fourth.memberId]);
    expect(Object.values(afterLeave).map((a) => a.length)).toEqual([2, 2, 2]);
    expect(movedPartitions(four, afterLeave).length).toBe(four[ids[0]!]!.length);
  });

  it('redistributes the partitions of a member that stops heartbeating, after its session timeout', async () => {
    await topic('g-quiet', 4);
    const a = await join('g2', ['g-quiet'], { sessionTimeoutMs: 6000 });
    const b = await join('g2', ['g-quiet'], { sessionTimeoutMs: 10_000 });
    clock.advance(5000);
    await heartbeatAll('g2', [b.memberId]);
    clock.advance(2000); // a's 6 s lease has run out; b renewed its 10 s lease 2 s ago
    const view = await call<Member>('POST', `/v1/groups/g2/members/${b.memberId}/heartbeat`);
    expect(view.body.assignments).toHaveLength(4);
    const gone = await call<{ code: string }>('POST', `/v1/groups/g2/members/${a.memberId}/heartbeat`);
    expect(gone.status).toBe(409);
    expect(gone.body.code).toBe('UNKNOWN_MEMBER_ID');
  });

  it('keeps the assignment without a rebalance when a static member rejoins within its session', async () => {
    await topic('g-static', 4);
    const a = await join('g3', ['g-static'], { memberId: 'worker-a' });
    const b = await join('g3', ['g-static'], { memberId: 'worker-b' });
    clock.advance(3000);
    const again = await join('g3', ['g-static'], { memberId: 'worker-a' });
    expect(again.generation).toBe(b.generation);
    expect(again.assignments).toEqual((await heartbeatAll('g3', ['worker-a', 'worker-b']))['worker-a']);
    expect(a.memberId).toBe('worker-a');
  });

  it('never gives one generation two assignments when joins race', async () => {
    await topic('g-race', 8);
    for (let round = 0; round < 10; round++) {
      const group = `race-${round}`;
      const joined = await Promise.all(Array.from({ length: 5 }, () => join(group, ['g-race'])));
      const owners = new Map<string, string>(); // generation/topic/partition → member
      const views = [...joined, ...(await Promise.all(joined.map(async (m) => (await call<Member>('POST', `/v1/groups/${group}/members/${m.memberId}/heartbeat`)).body)))];
      for (const v of views) {
        for (const tp of v.assignments) {
          const key = `${v.generation}/${tp.topic}/${tp.partition}`;
          expect(owners.get(key) ?? v.memberId, `two owners of ${key}`).toBe(v.memberId);
          owners.set(key, v.memberId);
        }
      }
    }
  });
});

describe('consumer group offsets', () => {
  it('fences a commit or a group fetch from the old generation after a rebalance, changing nothing', async () => {
    await topic('g-fence', 2);
    await call('POST', '/v1/topics/g-fence/records', { records: [0, 1].flatMap((partition) => [{ partition, value: 1 }, { partition, value: 2 }]) });
    const a = await join('g4', ['g-fence'], { autoOffsetReset: 'earliest' });
    const owned = a.assignments[0]!;
    expect((await call('POST', '/v1/groups/g4/offsets', { memberId: a.memberId, generation: a.generation, offsets: [{ ...owned, offset: 1 }] })).status).toBe(200);
    await join('g4', ['g-fence']); // a rebalance: generation moves on
    const before = await call('GET', '/v1/groups/g4');

    const commit = await call<{ code: string; generation: number }>('POST', '/v1/groups/g4/offsets', {
      memberId: a.memberId,
      generation: a.generation,
      offsets: [{ ...owned, offset: 2 }],
    });
    expect(commit.status).toBe(409);
    expect(commit.body).toMatchObject({ code: 'ILLEGAL_GENERATION', generation: a.generation + 1 });
    const fetched = await call<{ code: string }>('GET', `/v1/groups/g4/records?memberId=${a.memberId}&generation=${a.generation}`);
    expect(fetched.status).toBe(409);
    expect(fetched.body.code).toBe('ILLEGAL_GENERATION');
    expect((await call('GET', '/v1/groups/g4')).body).toEqual(before.body);
  });

  it('refuses commits for partitions the member does not own, and offsets out of range', async () => {
    await topic('g-own', 2);
    const a = await join('g5', ['g-own']);
    const b = await join('g5', ['g-own']);
    const mine = (await heartbeatAll('g5', [a.memberId, b.memberId]))[a.memberId]![0]!;
    const other = { topic: 'g-own', partition: 1 - mine.partition };
    const res = await call<{ code: string }>('POST', '/v1/groups/g5/offsets', { memberId: a.memberId, generation: b.generation, offsets: [{ ...other, offset: 0 }] });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('PARTITION_NOT_ASSIGNED');
    const far = await call<{ code: string }>('POST', '/v1/groups/g5/offsets', { memberId: a.memberId, generation: b.generation, offsets: [{ ...mine, offset: 5 }] });
    expect(far.status).toBe(416);
  });

  it('reports lag as high watermark minus committed offset per partition', async () => {
    await topic('g-lag', 2);
    await call('POST', '/v1/topics/g-lag/records', { records: [{ partition: 0, value: 1 }, { partition: 0, value: 2 }, { partition: 0, value: 3 }, { partition: 1, value: 4 }] });
    const a = await join('g6', ['g-lag']);
    await call('POST', '/v1/groups/g6/offsets', { memberId: a.memberId, generation: a.generation, offsets: [{ topic: 'g-lag', partition: 0, offset: 1 }] });
    const { body } = await call<{ offsets: { partition: number; committedOffset: number | null; highWatermark: number; lag: number | null; owner: string }[] }>('GET', '/v1/groups/g6');
    expect(body.offsets.map((o) => [o.partition, o.committedOffset, o.highWatermark, o.lag, o.owner])).toEqual([
      [0, 1, 3, 2, a.memberId],
      [1, null, 1, null, a.memberId],
    ]);
  });

  it('seeks to a timestamp: the first offset whose append time is at or after it', async () => {
    await topic('g-time', 1);
    await call('POST', '/v1/topics/g-time/records', { records: [{ value: 'a' }, { value: 'b' }] });
    clock.advance(60_000);
    const cut = clock.now() - 1000;
    await call('POST', '/v1/topics/g-time/records', { records: [{ value: 'c' }] });
    const seek = await call<{ offsets: { offset: number }[]; generation: number }>('POST', '/v1/groups/g7/seek', { topic: 'g-time', to: { timestamp: cut } });
    expect(seek.status).toBe(200);
    expect(seek.body.offsets[0]!.offset).toBe(2);
    const m = await join('g7', ['g-time']);
    const fetched = await call<{ records: { offset: number; value: string }[] }>('GET', `/v1/groups/g7/records?memberId=${m.memberId}`);
    expect(fetched.body.records.map((r) => r.value)).toEqual(['c']);
    const earliest = await call<{ offsets: { offset: number }[] }>('POST', '/v1/groups/g7/seek', { topic: 'g-time', to: 'earliest' });
    expect(earliest.body.offsets[0]!.offset).toBe(0);
  });

  it('deletes a group only when no member is left', async () => {
    await topic('g-del', 1);
    const a = await join('g8', ['g-del']);
    expect((await call<{ code: string }>('DELETE', '/v1/groups/g8')).body.code).toBe('GROUP_NOT_EMPTY');
    await call('DELETE', `/v1/groups/g8/members/${a.memberId}`);
    expect((await call('DELETE', '/v1/groups/g8')).status).toBe(204);
    expect((await call('GET', '/v1/groups/g8')).status).toBe(404);
  });
});
