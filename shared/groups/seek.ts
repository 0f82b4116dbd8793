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
 * Sets committed offsets and bumps the generation in one transaction: members learn of
 * the new generation on their next heartbeat and continue from the new offsets, and a
 * commit from the old generation cannot overwrite them.
 */
export async function seekGroup(ctx: GroupsContext, group: string, req: SeekRequest): Promise<{ generation: number; offsets: { topic: string; partition: number; offset: number }[] }> {
  const topic = await requireTopic(ctx.log, req.topic);
  const partitions = req.partitions ?? Array.from({ length: topic.partitions }, (_, p) => p);
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
    const next: GroupMeta = meta
      ? { ...meta, generation: meta.generation + 1, updatedAt: now }
      : { group, generation: 1, members: {}, assignment: {}, partitionCounts: {}, updatedAt: now };
    const offsets = targets.map((t) => ({ topic: req.topic, partition: t.partition, offset: t.offset, generation: next.generation, memberId: '', at: now }));
    if (await ctx.store.writeMetaWithOffsets(next, meta?.generation, offsets)) {
      return { generation: next.generation, offsets: offsets.map(({ topic: t, partition, offset }) => ({ topic: t, partition, offset })) };
    }
    await sleep(Math.random() * 10 * 2 ** Math.min(attempt, 5));
  }
  throw new CommitContentionError(1);
}
