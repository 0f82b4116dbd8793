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
  let { baseOffset, appendTime } = found;
  // A segment holds many appends: its time index says which batch is the first at or after.
  const index = found.timeIndex ?? [];
  for (let i = 0; i < index.length; i += 2) {
    if (index[i + 1]! >= timestamp) {
      baseOffset = index[i]!;
      appendTime = index[i + 1]!;
      break;
    }
  }
  return { offset: Math.max(baseOffset, head.logStartOffset), timestamp: appendTime };
}
