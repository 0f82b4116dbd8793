import { GroupNotEmptyError, GroupNotFoundError } from '../errors.js';
import { type TopicPartition, tpKey } from '../model/topic-partition.js';
import { loadGroup } from './group-state.js';
import type { GroupsContext } from './groups-context.js';

export interface GroupDescription {
  group: string;
  generation: number;
  members: { memberId: string; topics: string[]; leaseExpiresAt: number | null; assignments: TopicPartition[] }[];
  offsets: { topic: string; partition: number; committedOffset: number | null; highWatermark: number; lag: number | null; owner: string | null }[];
}

/**
 * Members, and per partition the committed offset, high watermark and lag (= hw − committed).
 * The `GroupLag` metric comes from every maintenance pass (maintenance/signals.ts), not from here.
 */
export async function describeGroup(ctx: GroupsContext, group: string): Promise<GroupDescription> {
  const { meta, leases } = await loadGroup(ctx, group);
  if (!meta) throw new GroupNotFoundError(group);
  const committed = await ctx.store.listOffsets(group);
  const owners = new Map<string, string>();
  for (const [id, tps] of Object.entries(meta.assignment)) for (const tp of tps) owners.set(tpKey(tp), id);

  const partitions = new Map<string, TopicPartition>();
  for (const [topic, count] of Object.entries(meta.partitionCounts)) for (let p = 0; p < count; p++) partitions.set(`${topic}#${p}`, { topic, partition: p });
  for (const o of committed) partitions.set(tpKey(o), { topic: o.topic, partition: o.partition });
  const byTopic = new Map<string, number[]>();
  for (const tp of partitions.values()) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);

  const highWatermarks = new Map<string, number>();
  await Promise.all(
    [...byTopic].map(async ([topic, ps]) => {
      const t = await ctx.log.topics.get(topic);
      if (!t) return;
      for (const [p, head] of await ctx.log.store.readHeads(t.topicId, ps)) highWatermarks.set(`${topic}#${p}`, head.nextOffset);
    }),
  );
  const committedBy = new Map(committed.map((o) => [tpKey(o), o.offset]));
  const offsets = [...partitions.values()]
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
    .map((tp) => {
      const committedOffset = committedBy.get(tpKey(tp)) ?? null;
      const highWatermark = highWatermarks.get(tpKey(tp)) ?? 0;
      return { ...tp, committedOffset, highWatermark, lag: committedOffset === null ? null : highWatermark - committedOffset, owner: owners.get(tpKey(tp)) ?? null };
    });
  return {
    group,
    generation: meta.generation,
    members: Object.values(meta.members).map((m) => ({ memberId: m.memberId, topics: m.topics, leaseExpiresAt: leases.get(m.memberId) ?? null, assignments: meta.assignment[m.memberId] ?? [] })),
    offsets,
  };
}

export async function listGroups(ctx: GroupsContext): Promise<{ group: string; generation: number; members: number }[]> {
  return (await ctx.store.listGroups()).map((m) => ({ group: m.group, generation: m.generation, members: Object.keys(m.members).length }));
}

/** Only an empty group can be deleted (as Kafka's DeleteGroups: GROUP_NOT_EMPTY otherwise). */
export async function deleteGroup(ctx: GroupsContext, group: string): Promise<void> {
  const { meta } = await loadGroup(ctx, group);
  if (!meta) throw new GroupNotFoundError(group);
  const live = Object.keys(meta.members).length;
  if (live > 0) throw new GroupNotEmptyError(group, live);
  if (!(await ctx.store.deleteGroup(group, meta.generation))) throw new GroupNotEmptyError(group, 1);
}

/** The topics a member (or, for no known member, the whole group) consumes: what scopes are checked against. */
export async function topicsOfGroup(ctx: GroupsContext, group: string, memberId?: string): Promise<string[]> {
  const { meta } = await ctx.store.load(group);
  if (!meta) return [];
  const member = memberId === undefined ? undefined : meta.members[memberId];
  if (member) return member.topics;
  return [...new Set([...Object.keys(meta.partitionCounts), ...Object.values(meta.members).flatMap((m) => m.topics)])];
}
