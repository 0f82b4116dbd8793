import type { LogContext } from './log-context.js';
import { topicWithPartition } from './partition-lookup.js';
import { firstEntryAppendedAtOrAfter } from './time-search.js';

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
  const head = await ctx.store.readHead(topic.topicId, partition);
  const probe = (offset: number, limit: number) => ctx.store.entriesAt(topic.topicId, partition, offset, limit);
  const found = await firstEntryAppendedAtOrAfter(probe, timestamp, head.nextOffset, head.lastAppendTime);
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
