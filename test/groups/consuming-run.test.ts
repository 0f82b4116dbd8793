import { beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../support/test-stack.js';
import { testApi } from '../support/http.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

const RECORDS = 10_000;
const PARTITIONS = 6;

interface Member {
  memberId: string;
  generation: number;
}

const { call } = testApi(() => stack);

describe('a consuming run with members joining and leaving', () => {
  it('processes every record at least once, loses none, and duplicates only across rebalances', async () => {
    expect((await call('POST', '/v1/topics', { name: 'run', partitions: PARTITIONS })).status).toBe(201);
    for (let start = 0; start < RECORDS; start += 500) {
      const records = Array.from({ length: 500 }, (_, i) => ({ key: `k${(start + i) % 97}`, value: start + i }));
      expect((await call('POST', '/v1/topics/run/records', { records })).status).toBe(200);
    }

    const join = async (): Promise<Member> => (await call<Member>('POST', '/v1/groups/run-group/members', { topics: ['run'], autoOffsetReset: 'earliest' })).body;
    let members: Member[] = [await join(), await join(), await join()];
    const firstSeen = new Map<number, number>(); // value → generation that first processed it
    let duplicates = 0;
    const duplicateWithinGeneration: number[] = [];
    let rebalances = 0;
    let rounds = 0;

    const lagLeft = async () => {
      const { body } = await call<{ offsets: { lag: number | null }[] }>('GET', '/v1/groups/run-group');
      return body.offsets.reduce((sum, o) => sum + (o.lag ?? 1), 0);
    };

    while (rounds++ < 3000 && (firstSeen.size < RECORDS || (await lagLeft()) > 0)) {
      const roll = Math.random();
      if (roll < 0.05 && members.length > 1) {
        const leaving = members.splice(Math.floor(Math.random() * members.length), 1)[0]!;
        await call('DELETE', `/v1/groups/run-group/members/${leaving.memberId}`);
        rebalances++;
        continue;
      }
      if (roll < 0.1 && members.length < 5) {
        members.push(await join());
        rebalances++;
        continue;
      }
      const member = members[Math.floor(Math.random() * members.length)]!;
      const fetched = await call<{ generation: number; records: { partition: number; offset: number; value: number }[]; code?: string }>(
        'GET',
        `/v1/groups/run-group/records?memberId=${member.memberId}&generation=${member.generation}&limit=100`,
      );
      if (fetched.status === 409) {
        const hb = await call<Member & { code?: string }>('POST', `/v1/groups/run-group/members/${member.memberId}/heartbeat`);
        if (hb.status === 200) member.generation = hb.body.generation;
        else members = members.filter((m) => m !== member).concat(await join());
        continue;
      }
      expect(fetched.status).toBe(200);
      const last = new Map<number, number>();
      for (const r of fetched.body.records) {
        const seenIn = firstSeen.get(r.value);
        if (seenIn === undefined) firstSeen.set(r.value, fetched.body.generation);
        else {
          duplicates++;
          if (seenIn >= fetched.body.generation) duplicateWithinGeneration.push(r.value);
        }
        last.set(r.partition, r.offset);
      }
      if (last.size === 0) continue;
      // Sometimes the group changes while this member is still processing (another
      // member joins): its commit is then fenced and the batch is redelivered.
      if (Math.random() < 0.1 && members.length < 5) {
        members.push(await join());
        rebalances++;
      }
      // Commit after processing: at-least-once.
      const offsets = [...last].map(([partition, offset]) => ({ topic: 'run', partition, offset: offset + 1 }));
      const commit = await call('POST', '/v1/groups/run-group/offsets', { memberId: member.memberId, generation: fetched.body.generation, offsets });
      expect([200, 409]).toContain(commit.status);
    }

    console.log(`consuming run: ${RECORDS} records, ${rounds} rounds, ${rebalances} membership changes, ${duplicates} duplicates`);
    expect([...firstSeen.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: RECORDS }, (_, i) => i));
    expect(await lagLeft()).toBe(0);
    expect(duplicateWithinGeneration).toEqual([]);
  }, 300_000);
});
