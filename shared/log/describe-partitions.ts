import { dirtyRatio } from '../model/log-index.js';
import { isCompacted } from '../model/topic.js';
import type { LogContext } from './log-context.js';
import { requireTopic } from './partition-lookup.js';

export interface PartitionDescription {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  bytes: number;
  lastAppendTime: number | null;
  /** Compacted topics only (else null): what the log cleaner has yet to go over, as a share of the bytes. */
  dirtyRatio: number | null;
}

export async function describePartitions(ctx: LogContext, topicName: string): Promise<PartitionDescription[]> {
  const topic = await requireTopic(ctx, topicName);
  const partitions = Array.from({ length: topic.partitions }, (_, p) => p);
  const heads = await ctx.store.readHeads(topic.topicId, partitions);
  return partitions.map((partition) => {
    const h = heads.get(partition)!;
    return {
      partition,
      logStartOffset: h.logStartOffset,
      highWatermark: h.nextOffset,
      bytes: h.bytes,
      lastAppendTime: h.lastAppendTime,
      dirtyRatio: isCompacted(topic) ? dirtyRatio(h) : null,
    };
  });
}
