import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../support/manual-clock.js';
import { testApi } from '../support/http.js';
import { createTestStack, type TestStack } from '../support/test-stack.js';

let stack: TestStack;
const clock = new ManualClock();
const { call, createTopic, produce, fetchRecords } = testApi(() => stack);

beforeAll(async () => {
  stack = await createTestStack({ clock });
});

interface Member {
  memberId: string;
  generation: number;
  assignments: { topic: string; partition: number }[];
}

const join = async (group: string, topics: string[]) => (await call<Member>('POST', `/v1/groups/${group}/members`, { topics, autoOffsetReset: 'earliest' })).body;
const committed = async (group: string) =>
  (await call<{ offsets: { topic: string; partition: number; committedOffset: number | null }[] }>('GET', `/v1/groups/${group}`)).body.offsets;

describe('produce with a group commit (exactly-once consume-transform-produce)', () => {
  it('commits the records and the offsets together', async () => {
    await createTopic('eo-in', 1);
    await createTopic('eo-out', 1);
    await produce('eo-in', { records: [{ value: 1 }, { value: 2 }] });
    const m = await join('eo-g1', ['eo-in']);
    const res = await produce('eo-out', {
      records: [{ value: 10 }, { value: 20 }],
      commit: { group: 'eo-g1', memberId: m.memberId, generation: m.generation, offsets: [{ topic: 'eo-in', partition: 0, offset: 2 }] },
    });
    expect(res.status).toBe(200);
    expect(res.json.offsets).toEqual([
      { partition: 0, offset: 0 },
      { partition: 0, offset: 1 },
    ]);
    expect(await committed('eo-g1')).toMatchObject([{ topic: 'eo-in', partition: 0, committedOffset: 2 }]);
  });

  it('a commit from a stale generation writes neither records nor offsets', async () => {
    await createTopic('st-in', 2);
    await createTopic('st-out', 1);
    await produce('st-in', { records: [{ value: 1, partition: 0 }, { value: 2, partition: 1 }] });
    const first = await join('st-g', ['st-in']);
    expect(first.assignments).toHaveLength(2);
    const second = await join('st-g', ['st-in']); // rebalance: generation + 1
    expect(second.generation).toBe(first.generation + 1);
    const stale = await produce('st-out', {
      records: [{ value: 'late' }],
      commit: { group: 'st-g', memberId: first.memberId, generation: first.generation, offsets: [{ topic: 'st-in', partition: 0, offset: 1 }] },
    });
    expect(stale.status).toBe(409);
    expect(stale.json).toMatchObject({ code: 'ILLEGAL_GENERATION', generation: second.generation });
    expect((await fetchRecords('st-out', 0)).json.highWatermark).toBe(0);
    expect((await committed('st-g')).every((o) => o.committedOffset === null)).toBe(true);
  });

  it('is fenced in the transaction itself: a rebalance after the checks still writes neither', async () => {
    // The race the transaction guards: the member passes the read-side checks, then the
    // group moves on before the commit. Simulated by fencing the group between check and
    // commit through the storage port the produce uses.
    await createTopic('race-in', 1);
    await createTopic('race-out', 1);
    await produce('race-in', { records: [{ value: 1 }] });
    const m = await join('race-g', ['race-in']);
    const writer = stack.log.writer;
    const original = writer.commit.bind(writer);
    writer.commit = async (args) => {
      writer.commit = original;
      await join('race-g', ['race-in']); // a second member joins: generation + 1
      return original(args);
    };
    try {
      const res = await produce('race-out', {
        records: [{ value: 'x' }],
        commit: { group: 'race-g', memberId: m.memberId, generation: m.generation, offsets: [{ topic: 'race-in', partition: 0, offset: 1 }] },
      });
      expect(res.status).toBe(409);
      expect(res.json).toMatchObject({ code: 'ILLEGAL_GENERATION' });
    } finally {
      writer.commit = original;
    }
    expect((await fetchRecords('race-out', 0)).json.highWatermark).toBe(0);
    expect((await committed('race-g'))[0]!.committedOffset).toBeNull();
  });

  it('is fenced by the live lease in the transaction itself: a lease that ran out after the checks writes neither', async () => {
    await createTopic('lease-in', 1);
    await createTopic('lease-out', 1);
    await produce('lease-in', { records: [{ value: 1 }] });
    const m = await join('lease-g', ['lease-in']);
    const writer = stack.log.writer;
    const original = writer.commit.bind(writer);
    writer.commit = async (args) => {
      writer.commit = original;
      // The member's session runs out between the checks and the commit, and nobody has
      // rebalanced yet: the generation still matches, only the lease condition can refuse.
      await stack.runtime.groups.store.renewLease('lease-g', m.memberId, 0);
      return original(args);
    };
    try {
      const res = await produce('lease-out', {
        records: [{ value: 'x' }],
        commit: { group: 'lease-g', memberId: m.memberId, generation: m.generation, offsets: [{ topic: 'lease-in', partition: 0, offset: 1 }] },
      });
      expect(res.status).toBe(409);
      expect(res.json).toMatchObject({ code: 'UNKNOWN_MEMBER_ID' });
    } finally {
      writer.commit = original;
    }
    expect((await fetchRecords('lease-out', 0)).json.highWatermark).toBe(0);
    expect(await stack.runtime.groups.store.listOffsets('lease-g')).toEqual([]);
  });

  it('refuses a member whose lease expired, a partition it does not own, and an offset past the high watermark', async () => {
    await createTopic('ls-in', 2);
    await createTopic('ls-out', 1);
    await produce('ls-in', { records: [{ value: 1, partition: 0 }] });
    const a = await join('ls-g', ['ls-in']);
    const b = await join('ls-g', ['ls-in']);
    const aView = (await call<Member>('POST', `/v1/groups/ls-g/members/${a.memberId}/heartbeat`)).body;
    const notOwned = [0, 1].find((p) => !aView.assignments.some((x) => x.partition === p))!;
    const notMine = await produce('ls-out', {
      records: [{ value: 'x' }],
      commit: { group: 'ls-g', memberId: a.memberId, generation: b.generation, offsets: [{ topic: 'ls-in', partition: notOwned, offset: 0 }] },
    });
    expect(notMine.json).toMatchObject({ code: 'PARTITION_NOT_ASSIGNED' });
    const owned = aView.assignments[0]!.partition;
    const past = await produce('ls-out', {
      records: [{ value: 'x' }],
      commit: { group: 'ls-g', memberId: a.memberId, generation: b.generation, offsets: [{ topic: 'ls-in', partition: owned, offset: 99 }] },
    });
    expect(past.status).toBe(416);
    clock.advance(31_000); // both sessions expire
    const expired = await produce('ls-out', {
      records: [{ value: 'x' }],
      commit: { group: 'ls-g', memberId: a.memberId, generation: b.generation, offsets: [{ topic: 'ls-in', partition: owned, offset: 0 }] },
    });
    expect(expired.status).toBe(409);
    expect((await fetchRecords('ls-out', 0)).json.highWatermark).toBe(0);
  });

  it('enforces the 100-item transaction limit with a 422 before anything is written', async () => {
    await createTopic('big-in', 96);
    await createTopic('big-out', 2);
    const m = await join('big-g', ['big-in']);
    // 96 offsets + generation check + lease = 98 items, plus 2 per partition produced to.
    const offsets = Array.from({ length: 96 }, (_, partition) => ({ topic: 'big-in', partition, offset: 0 }));
    const commit = { group: 'big-g', memberId: m.memberId, generation: m.generation, offsets };
    const tooBig = await produce('big-out', { records: [{ value: 1, partition: 0 }, { value: 2, partition: 1 }], commit });
    expect(tooBig.status).toBe(422);
    expect(tooBig.json).toMatchObject({ code: 'TRANSACTION_TOO_LARGE', items: 102, max: 100 });
    expect((await fetchRecords('big-out', 0)).json.highWatermark).toBe(0);
    const fits = await produce('big-out', { records: [{ value: 1, partition: 0 }], commit });
    expect(fits.status).toBe(200);
    expect((await committed('big-g')).filter((o) => o.committedOffset === 0)).toHaveLength(96);
  });

  it('needs produce on the target topic and consume on the committed topics', async () => {
    await createTopic('sc-in', 1);
    await createTopic('sc-out', 1);
    const key = async (scopes: unknown[]) => ((await call<{ key: string }>('POST', '/v1/keys', { name: 'sc', scopes })).body as { key: string }).key;
    const produceOnly = await key([{ topics: 'sc-out', actions: ['produce'] }, { topics: 'sc-in', actions: ['produce'] }]);
    const m = await join('sc-g', ['sc-in']);
    const body = { records: [{ value: 1 }], commit: { group: 'sc-g', memberId: m.memberId, generation: m.generation, offsets: [{ topic: 'sc-in', partition: 0, offset: 0 }] } };
    const res = await stack.request('POST', '/v1/topics/sc-out/records', body, { authorization: `Bearer ${produceOnly}` });
    expect(res.status).toBe(403);
    const both = await key([{ topics: 'sc-out', actions: ['produce'] }, { topics: 'sc-in', actions: ['consume'] }]);
    expect((await stack.request('POST', '/v1/topics/sc-out/records', body, { authorization: `Bearer ${both}` })).status).toBe(200);
  });

  it('a retried produce-with-commit (same Idempotency-Key) answers the original offsets and commits nothing twice', async () => {
    await createTopic('id-in', 1);
    await createTopic('id-out', 1);
    await produce('id-in', { records: [{ value: 1 }] });
    const m = await join('id-g', ['id-in']);
    const body = { records: [{ value: 'f(1)' }], commit: { group: 'id-g', memberId: m.memberId, generation: m.generation, offsets: [{ topic: 'id-in', partition: 0, offset: 1 }] } };
    const first = await produce('id-out', body, { 'idempotency-key': 'tx-1' });
    const again = await produce('id-out', body, { 'idempotency-key': 'tx-1' });
    expect(first.status).toBe(200);
    expect(again.json.offsets).toEqual(first.json.offsets);
    // Even after the group moved on (the answer was lost, then a rebalance): the request
    // was applied, so its retry answers its offsets rather than a 409.
    await join('id-g', ['id-in']);
    const afterRebalance = await produce('id-out', body, { 'idempotency-key': 'tx-1' });
    expect(afterRebalance.status).toBe(200);
    expect(afterRebalance.json.offsets).toEqual(first.json.offsets);
    expect((await fetchRecords('id-out', 0)).json.highWatermark).toBe(1);
    // A new request from the stale generation is refused.
    expect((await produce('id-out', body, { 'idempotency-key': 'tx-2' })).json).toMatchObject({ code: 'ILLEGAL_GENERATION' });
  });
});
