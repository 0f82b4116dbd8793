import { setTimeout as sleep } from 'node:timers/promises';
import { CommitContentionError, IllegalGenerationError, OffsetOutOfRangeError, PartitionNotAssignedError } from '../errors.js';
import { topicWithPartition } from '../log/partition-lookup.js';
import type { StoredOffset } from '../model/group.js';
import { type TopicPartition, tpKey } from '../model/topic-partition.js';
import { loadGroup } from './group-state.js';
import type { GroupsContext } from './groups-context.js';
import { requireMember } from './membership.js';

export interface CommitRequest {
  memberId: string;
  generation: number;
  offsets: (TopicPartition & { offset: number })[];
}

/**
 * Commits offsets for partitions the member owns in the given generation (invariant 6).
 * The ownership check reads META; the write is a transaction conditional on META still
 * being at that generation, so a rebalance in between fences it and nothing changes.
 */
export async function commitOffsets(ctx: GroupsContext, group: string, req: CommitRequest): Promise<{ generation: number }> {
  const { generation, stored, lease } = await checkCommit(ctx, group, req);
  for (let attempt = 0; attempt < 12; attempt++) {
    const outcome = await ctx.store.commitOffsets(group, generation, stored, lease);
    if (outcome === 'committed') return { generation };
    if (outcome === 'fenced') {
      const current = await ctx.store.load(group);
      throw new IllegalGenerationError(group, generation, current.meta?.generation ?? generation);
    }
    // Another transaction held the META item for a moment: try again shortly.
    await sleep(Math.random() * 5 * 2 ** Math.min(attempt, 6));
  }
  throw new CommitContentionError(1);
}

/**
 * What a commit checks before it writes (shared with groups/produce-with-offsets.ts): the
 * member, its generation, that it owns every partition, and that every offset lies in
 * [logStartOffset, highWatermark]. Answers the offsets as stored and the lease to renew.
 */
export async function checkCommit(
  ctx: GroupsContext,
  group: string,
  req: CommitRequest,
): Promise<{ generation: number; stored: StoredOffset[]; lease: { memberId: string; expiresAt: number } }> {
  const state = await loadGroup(ctx, group);
  const member = requireMember(state, group, req.memberId);
  const { generation } = state.meta!;
  if (req.generation !== generation) throw new IllegalGenerationError(group, req.generation, generation);
  const owned = new Set((state.meta!.assignment[req.memberId] ?? []).map(tpKey));
  for (const o of req.offsets) {
    if (!owned.has(tpKey(o))) throw new PartitionNotAssignedError(group, req.memberId, o.topic, o.partition, generation);
  }
  await Promise.all(
    req.offsets.map(async (o) => {
      const topic = await topicWithPartition(ctx.log, o.topic, o.partition);
      const head = await ctx.log.store.readHead(topic.topicId, o.partition);
      if (o.offset < head.logStartOffset || o.offset > head.nextOffset) throw new OffsetOutOfRangeError(o.offset, head.logStartOffset, head.nextOffset);
    }),
  );
  const now = ctx.log.clock.now();
  const stored = req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, generation, memberId: req.memberId, at: now }));
  return { generation, stored, lease: { memberId: req.memberId, expiresAt: now + member.sessionTimeoutMs } };
}
