import { setTimeout as sleep } from 'node:timers/promises';
import { CommitContentionError, OffsetOutOfRangeError, PartitionNotFoundError } from '../errors.js';
import { offsetForTimestamp } from '../log/list-offsets.js';
import { requireTopic } from '../log/partition-lookup.js';
import type { GroupMeta } from '../model/group.js';
import type { GroupsContext } from './groups-context.js';

export type SeekTarget = 'earliest' | 'latest' | { offset: number } | { timestamp: number };

export interface SeekRequest {
  topic: string;
  partitions?: number[] | undefined;
  to: SeekTarget;
}

/**
 * Sets committed offsets on up to 1,024 partitions, atomically, fencing the old generation.
 * One transaction cannot do it (at most 100 items), so the seek is committed by ONE
 * conditional write of META: generation + 1 and the whole seek as `pendingSeek`. From that
 * moment commits of the old generation are refused (their ConditionCheck names it), and every
 * read of the group completes a pending seek before answering (GroupStorage.load), so nobody
 * sees some partitions sought and others not. This request then writes the offsets in chunks
 * and clears `pendingSeek`; if it dies midway, the next request to the group finishes the job.
 * Members learn of the new generation on their next heartbeat and continue from the new offsets.
 */
export async function seekGroup(ctx: GroupsContext, group: string, req: SeekRequest): Promise<{ generation: number; offsets: { topic: string; partition: number; offset: number }[] }> {
  const topic = await requireTopic(ctx.log, req.topic);
  // Each partition once: a list naming one twice would write its offset twice.
  const partitions = [...new Set(req.partitions ?? Array.from({ length: topic.partitions }, (_, p) => p))];
  for (const p of partitions) if (p >= topic.partitions) throw new PartitionNotFoundError(req.topic, p, topic.partitions);
  const heads = await ctx.log.store.readHeads(topic.topicId, partitions);
  const targets = await Promise.all(
    partitions.map(async (partition) => {
      const head = heads.get(partition)!;
      const to = req.to;
      if (to === 'earliest') return { partition, offset: head.logStartOffset };
      if (to === 'latest') return { partition, offset: head.nextOffset };
      if ('offset' in to) {
        if (to.offset < head.logStartOffset || to.offset > head.nextOffset) throw new OffsetOutOfRangeError(to.offset, head.logStartOffset, head.nextOffset);
        return { partition, offset: to.offset };
      }
      return { partition, offset: (await offsetForTimestamp(ctx.log, req.topic, partition, to.timestamp)).offset };
    }),
  );

  for (let attempt = 0; attempt < 20; attempt++) {
    const { meta } = await ctx.store.load(group);
    const now = ctx.log.clock.now();
    const pendingSeek = { topic: req.topic, partitions: targets.map((t) => t.partition), offsets: targets.map((t) => t.offset), at: now };
    const next: GroupMeta = meta
      ? { ...meta, generation: meta.generation + 1, updatedAt: now, pendingSeek }
      : { group, generation: 1, members: {}, assignment: {}, partitionCounts: {}, updatedAt: now, pendingSeek };
    if (await ctx.store.writeMeta(next, meta?.generation)) {
      // Committed: the seek happens whatever follows. Completing it here only saves the next reader the work.
      await ctx.store.completeSeek(next);
      return { generation: next.generation, offsets: targets.map(({ partition, offset }) => ({ topic: req.topic, partition, offset })) };
    }
    await sleep(Math.random() * 10 * 2 ** Math.min(attempt, 5));
  }
  throw new CommitContentionError(1);
}
