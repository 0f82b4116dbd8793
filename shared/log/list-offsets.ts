import type { LogContext } from './log-context.js';
import { topicWithPartition } from './partition-lookup.js';

/**
 * Kafka's offsetsForTimes: the first offset whose append time is ≥ `timestamp`, or the
 * high watermark (with a null timestamp) when nothing was appended since.
 */
export async function offsetForTimestamp(
  ctx: LogContext,
  topicName: string,
  partition: number,
  timestamp: number,
): Promise<{ offset: number; timestamp: number | null }> {
  const topic = await topicWithPartition(ctx, topicName, partition);
  const [found, head] = await Promise.all([
    ctx.store.firstEntryAppendedAtOrAfter(topic.topicId, partition, timestamp),
    ctx.store.readHead(topic.topicId, partition),
  ]);
  if (!found || found.baseOffset >= head.nextOffset) return { offset: head.nextOffset, timestamp: null };
  return { offset: Math.max(found.baseOffset, head.logStartOffset), timestamp: found.appendTime };
}
