import { setTimeout as sleep } from 'node:timers/promises';
import { CommitContentionError } from '../errors.js';
import type { GroupMember, GroupMeta } from '../model/group.js';
import { assignPartitions } from './assignor.js';
import type { GroupsContext } from './groups-context.js';

export interface GroupState {
  meta: GroupMeta | undefined;
  leases: Map<string, number>;
}

/**
 * Reads the group and, when a member's lease has expired or a subscribed topic's
 * partition count changed, rebalances before answering: any request to the group
 * notices a dead member, no coordinator process needed.
 */
export async function loadGroup(ctx: GroupsContext, group: string): Promise<GroupState> {
  return updateGroup(ctx, group, (meta) => meta);
}

/**
 * Applies `change` to the current membership and writes the next generation when the
 * membership, subscriptions or partition counts differ. The write is conditional on the
 * generation read, so racing rebalances serialize: the loser re-reads and re-applies.
 */
export async function updateGroup(
  ctx: GroupsContext,
  group: string,
  change: (meta: GroupMeta | undefined, leases: Map<string, number>, now: number) => GroupMeta | undefined,
): Promise<GroupState> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { meta, leases } = await ctx.store.load(group);
    const now = ctx.log.clock.now();
    const live = meta ? withoutExpired(meta, leases, now) : undefined;
    const wanted = change(live, leases, now);
    if (!wanted) return { meta, leases };
    const counts = await partitionCounts(ctx, wanted.members);
    if (meta && sameMembership(meta, wanted) && sameCounts(meta.partitionCounts, counts)) return { meta, leases };
    const next: GroupMeta = {
      ...wanted,
      generation: (meta?.generation ?? 0) + 1,
      partitionCounts: counts,
      assignment: assignPartitions(Object.values(wanted.members), counts, meta?.assignment ?? {}),
      updatedAt: now,
    };
    if (await ctx.store.writeMeta(next, meta?.generation)) return { meta: next, leases };
    await sleep(Math.random() * 10 * 2 ** Math.min(attempt, 5));
  }
  throw new CommitContentionError(1);
}

function withoutExpired(meta: GroupMeta, leases: Map<string, number>, now: number): GroupMeta {
  const members = Object.fromEntries(Object.entries(meta.members).filter(([id]) => (leases.get(id) ?? 0) > now));
  return Object.keys(members).length === Object.keys(meta.members).length ? meta : { ...meta, members };
}

async function partitionCounts(ctx: GroupsContext, members: Record<string, GroupMember>): Promise<Record<string, number>> {
  const topics = [...new Set(Object.values(members).flatMap((m) => m.topics))].sort();
  const found = await Promise.all(topics.map((t) => ctx.log.topics.get(t)));
  return Object.fromEntries(topics.map((t, i) => [t, found[i]?.partitions ?? 0]));
}

function sameMembership(a: GroupMeta, b: GroupMeta): boolean {
  const ids = Object.keys(a.members).sort();
  if (ids.join() !== Object.keys(b.members).sort().join()) return false;
  const shape = (m: GroupMember) => JSON.stringify([[...m.topics].sort(), m.sessionTimeoutMs, m.autoOffsetReset]);
  return ids.every((id) => shape(a.members[id]!) === shape(b.members[id]!));
}

function sameCounts(a: Record<string, number>, b: Record<string, number>): boolean {
  return JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}
