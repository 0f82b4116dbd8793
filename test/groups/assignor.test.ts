import { describe, expect, it } from 'vitest';
import { assignPartitions, movedPartitions } from '../../shared/groups/assignor.js';
import type { Assignment } from '../../shared/model/topic-partition.js';

const members = (...ids: string[]) => ids.map((memberId) => ({ memberId, topics: ['t'] }));
const counts = (a: Assignment) => Object.values(a).map((tps) => tps.length);

describe('assignPartitions', () => {
  it('gives 3 members 2 partitions each of a 6-partition topic', () => {
    const a = assignPartitions(members('a', 'b', 'c'), { t: 6 }, {});
    expect(counts(a)).toEqual([2, 2, 2]);
    expect(Object.values(a).flat().map((tp) => tp.partition).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('moves the fewest partitions when a 4th member joins, and keeps counts within one', () => {
    const before = assignPartitions(members('a', 'b', 'c'), { t: 6 }, {});
    const after = assignPartitions(members('a', 'b', 'c', 'd'), { t: 6 }, before);
    const sizes = counts(after);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    // 6 over 4 members is 2,2,1,1: the newcomer needs one partition, and only one moves.
    expect(movedPartitions(before, after)).toHaveLength(1);
    expect(after.d).toHaveLength(1);
  });

  it('hands a leaver’s partitions to the others and moves nothing else', () => {
    const before = assignPartitions(members('a', 'b', 'c'), { t: 6 }, {});
    const after = assignPartitions(members('a', 'b'), { t: 6 }, before);
    expect(counts(after)).toEqual([3, 3]);
    expect(movedPartitions(before, after).map((tp) => tp.partition).sort()).toEqual(before.c!.map((tp) => tp.partition).sort());
  });

  it('is deterministic whatever the order of members', () => {
    const x = assignPartitions(members('c', 'a', 'b'), { t: 7, u: 3 }, {});
    const y = assignPartitions(members('b', 'c', 'a'), { u: 3, t: 7 }, {});
    expect(x).toEqual(y);
  });

  it('assigns a member only partitions of topics it subscribed to', () => {
    const a = assignPartitions(
      [
        { memberId: 'a', topics: ['t'] },
        { memberId: 'b', topics: ['t', 'u'] },
      ],
      { t: 2, u: 4 },
      {},
    );
    expect(a.a!.every((tp) => tp.topic === 't')).toBe(true);
    expect(Object.values(a).flat()).toHaveLength(6);
  });

  it('stays balanced and complete over many random membership changes', () => {
    let previous: Assignment = {};
    let ids = ['m0'];
    for (let round = 1; round < 200; round++) {
      const leaver = Math.floor(Math.random() * ids.length);
      ids = Math.random() < 0.5 && ids.length > 1 ? ids.filter((_, i) => i !== leaver) : [...ids, `m${round}`];
      const next = assignPartitions(members(...ids), { t: 12 }, previous);
      const sizes = counts(next);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(Object.values(next).flat()).toHaveLength(12);
      previous = next;
    }
  });
});
