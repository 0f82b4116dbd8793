import type { LogContext } from './log-context.js';
import { requireTopic } from './partition-lookup.js';

export interface PartitionDescription {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  bytes: number;
  lastAppendTime: number | null;
}

export async function describePartitions(ctx: LogContext, topicName: string): Promise<PartitionDescription[]> {
  const topic = await requireTopic(ctx, topicName);
  const partitions = Array.from({ length: topic.partitions }, (_, p) => p);
  const heads = await ctx.store.readHeads(topic.topicId, partitions);
  return partitions.map((partition) => {
    const h = heads.get(partition)!;
    return { partition, logStartOffset: h.logStartOffset, highWatermark: h.nextOffset, bytes: h.bytes, lastAppendTime: h.lastAppendTime };
  });
}
