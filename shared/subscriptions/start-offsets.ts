import { OffsetOutOfRangeError, PartitionNotFoundError } from '../errors.js';
import { offsetForTimestamp } from '../log/list-offsets.js';
import type { LogContext } from '../log/log-context.js';
import type { Topic } from '../model/topic.js';
import type { StartAt } from '../model/subscription.js';

export type SeekTarget = StartAt | { offsets: { partition: number; offset: number }[] };

/** Where each partition's cursor goes for a start position or seek target (Kafka's seekToBeginning/End/offsetsForTimes). */
export async function resolveOffsets(log: LogContext, topic: Topic, to: SeekTarget): Promise<Map<number, number>> {
  const all = Array.from({ length: topic.partitions }, (_, p) => p);
  const partitions = typeof to === 'object' && 'offsets' in to ? to.offsets.map((o) => o.partition) : all;
  for (const p of partitions) if (p >= topic.partitions) throw new PartitionNotFoundError(topic.name, p, topic.partitions);
  const heads = await log.store.readHeads(topic.topicId, partitions);
  const result = new Map<number, number>();
  if (to === 'earliest' || to === 'latest') {
    for (const [p, h] of heads) result.set(p, to === 'earliest' ? h.logStartOffset : h.nextOffset);
  } else if ('offsets' in to) {
    for (const { partition, offset } of to.offsets) {
      const h = heads.get(partition)!;
      if (offset < h.logStartOffset || offset > h.nextOffset) throw new OffsetOutOfRangeError(offset, h.logStartOffset, h.nextOffset);
      result.set(partition, offset);
    }
  } else {
    await Promise.all(partitions.map(async (p) => result.set(p, (await offsetForTimestamp(log, topic.name, p, to.timestamp)).offset)));
  }
  return result;
}
