import { PartitionNotFoundError, TopicNotFoundError } from '../errors.js';
import type { Topic } from '../model/topic.js';
import type { LogContext } from './log-context.js';

/** The topic, or TopicNotFoundError: the one place that answers "no such topic". */
export async function requireTopic(ctx: Pick<LogContext, 'topics'>, topicName: string): Promise<Topic> {
  const topic = await ctx.topics.get(topicName);
  if (!topic) throw new TopicNotFoundError(topicName);
  return topic;
}

/**
 * The topic as this process last read it (at most TOPIC_CACHE_MAX_AGE_MS ago), else read
 * consistently and remembered. Only the produce path uses it: a stale incarnation there is
 * caught by the commit itself (closed heads), so it costs a retry, never a wrong write.
 */
export async function cachedTopic(ctx: Pick<LogContext, 'topics' | 'topicCache' | 'clock'>, topicName: string, refresh = false): Promise<Topic> {
  const now = ctx.clock.now();
  const cached = refresh ? undefined : ctx.topicCache.get(topicName, now);
  if (cached) return cached;
  const topic = await ctx.topics.get(topicName);
  if (!topic) {
    ctx.topicCache.forget(topicName);
    throw new TopicNotFoundError(topicName);
  }
  ctx.topicCache.set(topic, now);
  return topic;
}

/** The topic, after checking that it exists and has the partition. */
export async function topicWithPartition(ctx: LogContext, topicName: string, partition: number): Promise<Topic> {
  const topic = await requireTopic(ctx, topicName);
  if (partition >= topic.partitions) throw new PartitionNotFoundError(topicName, partition, topic.partitions);
  return topic;
}
