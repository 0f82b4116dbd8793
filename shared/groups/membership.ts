import { ulid } from 'ulid';
import { GroupNotFoundError, TopicNotFoundError, UnknownMemberError } from '../errors.js';
import type { GroupMember, GroupMeta } from '../model/group.js';
import type { TopicPartition } from '../model/topic-partition.js';
import { type GroupState, loadGroup, updateGroup } from './group-state.js';
import { type GroupsContext, SESSION_TIMEOUT } from './groups-context.js';

export interface JoinRequest {
  topics: string[];
  sessionTimeoutMs?: number | undefined;
  /** A known id rejoining within its session keeps its assignment (static membership). */
  memberId?: string | undefined;
  autoOffsetReset?: 'earliest' | 'latest' | undefined;
}

export interface MemberView {
  memberId: string;
  generation: number;
  assignments: TopicPartition[];
  sessionTimeoutMs: number;
}

export async function joinGroup(ctx: GroupsContext, group: string, req: JoinRequest): Promise<MemberView> {
  const topics = [...new Set(req.topics)].sort();
  const found = await Promise.all(topics.map((t) => ctx.log.topics.get(t)));
  const missing = topics.find((_, i) => !found[i]);
  if (missing) throw new TopicNotFoundError(missing);

  const memberId = req.memberId ?? ulid().toLowerCase();
  const sessionTimeoutMs = req.sessionTimeoutMs ?? SESSION_TIMEOUT.default;
  // The lease is written before the membership, so no one sees the new member as expired.
  await ctx.store.renewLease(group, memberId, ctx.log.clock.now() + sessionTimeoutMs);
  const state = await updateGroup(ctx, group, (meta, _leases, now) => {
    const known = meta?.members[memberId];
    const member: GroupMember = {
      memberId,
      topics,
      sessionTimeoutMs,
      autoOffsetReset: req.autoOffsetReset ?? known?.autoOffsetReset ?? 'latest',
      joinedAt: known?.joinedAt ?? now,
    };
    const base: GroupMeta = meta ?? { group, generation: 0, members: {}, assignment: {}, partitionCounts: {}, updatedAt: now };
    return { ...base, members: { ...base.members, [memberId]: member } };
  });
  return view(state, group, memberId);
}

/** Renews the lease and answers the current generation and assignment (Kafka's heartbeat + sync). */
export async function heartbeat(ctx: GroupsContext, group: string, memberId: string): Promise<MemberView> {
  const state = await loadGroup(ctx, group);
  const member = requireMember(state, group, memberId);
  await ctx.store.renewLease(group, memberId, ctx.log.clock.now() + member.sessionTimeoutMs);
  return view(state, group, memberId);
}

/** Leaves at once: the remaining members are rebalanced now, not after a timeout. */
export async function leaveGroup(ctx: GroupsContext, group: string, memberId: string): Promise<void> {
  let known = false;
  await updateGroup(ctx, group, (meta) => {
    if (!meta) throw new GroupNotFoundError(group);
    known = memberId in meta.members;
    if (!known) throw new UnknownMemberError(group, memberId, meta.generation);
    const { [memberId]: _leaving, ...members } = meta.members;
    return { ...meta, members };
  });
  await ctx.store.deleteLease(group, memberId);
}

export function requireMember(state: GroupState, group: string, memberId: string): GroupMember {
  if (!state.meta) throw new GroupNotFoundError(group);
  const member = state.meta.members[memberId];
  if (!member) throw new UnknownMemberError(group, memberId, state.meta.generation);
  return member;
}

function view(state: GroupState, group: string, memberId: string): MemberView {
  const member = requireMember(state, group, memberId);
  return {
    memberId,
    generation: state.meta!.generation,
    assignments: state.meta!.assignment[memberId] ?? [],
    sessionTimeoutMs: member.sessionTimeoutMs,
  };
}
