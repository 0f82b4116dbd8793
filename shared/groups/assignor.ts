import type { Assignment, TopicPartition } from '../model/topic-partition.js';

/**
 * The service-side partition assignor: deterministic, balanced and sticky.
 *
 * 1. Every partition stays with its previous owner while that owner is still a member
 *    subscribed to its topic (stickiness: the cooperative-sticky idea).
 * 2. Unowned partitions go, in order, to the eligible member with the fewest partitions.
 * 3. While some partition's owner has at least two more partitions than another eligible
 *    member, the fullest owner gives its highest partition to the emptiest member.
 *
 * With the same subscriptions everywhere this ends balanced (counts differ by at most
 * one) with the fewest possible moves; ties break by member id, so every process that
 * computes an assignment from the same input gets the same answer.
 */
export interface AssignorMember {
  memberId: string;
  topics: readonly string[];
}

export function assignPartitions(
  members: readonly AssignorMember[],
  partitionCounts: Readonly<Record<string, number>>,
  previous: Readonly<Assignment>,
): Assignment {
  const ids = members.map((m) => m.memberId).sort();
  const subscribed = new Map(members.map((m) => [m.memberId, new Set(m.topics)]));
  const owned = new Map<string, string[]>(ids.map((id) => [id, []])); // member → partition keys
  const owner = new Map<string, string>(); // partition key → member

  const all: string[] = [];
  for (const topic of Object.keys(partitionCounts).sort()) {
    if (!members.some((m) => m.topics.includes(topic))) continue;
    for (let p = 0; p < partitionCounts[topic]!; p++) all.push(key(topic, p));
  }
  const exists = new Set(all);
  const eligible = (id: string, k: string) => subscribed.get(id)?.has(topicOf(k)) ?? false;
  const give = (id: string, k: string) => {
    owned.get(id)!.push(k);
    owner.set(k, id);
  };

  for (const id of ids) {
    for (const tp of previous[id] ?? []) {
      const k = key(tp.topic, tp.partition);
      if (exists.has(k) && !owner.has(k) && eligible(id, k)) give(id, k);
    }
  }

  const count = (id: string) => owned.get(id)!.length;
  for (const k of all) {
    if (owner.has(k)) continue;
    const candidates = ids.filter((id) => eligible(id, k));
    if (candidates.length === 0) continue;
    give(candidates.reduce((best, id) => (count(id) < count(best) ? id : best)), k);
  }

  // Each move lowers the sum of squared counts, so this ends.
  for (;;) {
    let move: { from: string; to: string; k: string } | undefined;
    const byFullest = [...ids].sort((a, b) => count(b) - count(a) || a.localeCompare(b));
    search: for (const from of byFullest) {
      const mine = [...owned.get(from)!].sort(comparePartitionKeys).reverse();
      for (const k of mine) {
        const to = ids.filter((id) => id !== from && eligible(id, k)).reduce<string | undefined>((best, id) => (best === undefined || count(id) < count(best) ? id : best), undefined);
        if (to !== undefined && count(to) < count(from) - 1) {
          move = { from, to, k };
          break search;
        }
      }
    }
    if (!move) break;
    owned.set(move.from, owned.get(move.from)!.filter((k) => k !== move.k));
    give(move.to, move.k);
  }

  return Object.fromEntries(ids.map((id) => [id, owned.get(id)!.sort(comparePartitionKeys).map(fromKey)]));
}

/** Partitions whose owner differs between two assignments (including newly owned ones). */
export function movedPartitions(before: Readonly<Assignment>, after: Readonly<Assignment>): TopicPartition[] {
  const ownerBefore = new Map<string, string>();
  for (const [id, tps] of Object.entries(before)) for (const tp of tps) ownerBefore.set(key(tp.topic, tp.partition), id);
  const moved: TopicPartition[] = [];
  for (const [id, tps] of Object.entries(after)) for (const tp of tps) if (ownerBefore.get(key(tp.topic, tp.partition)) !== id) moved.push(tp);
  return moved;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const topicOf = (k: string) => k.slice(0, k.lastIndexOf('\u0000'));
const fromKey = (k: string): TopicPartition => ({ topic: topicOf(k), partition: Number(k.slice(k.lastIndexOf('\u0000') + 1)) });
function comparePartitionKeys(a: string, b: string): number {
  const ta = topicOf(a);
  const tb = topicOf(b);
  return ta === tb ? fromKey(a).partition - fromKey(b).partition : ta.localeCompare(tb);
}
