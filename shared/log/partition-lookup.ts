import { PartitionNotFoundError, TopicNotFoundError } from '../errors.js';
import type { Topic } from '../model/topic.js';
import type { LogContext } from './log-context.js';

/** The topic, or TopicNotFoundError: the one place that answers "no such topic". */
export async function requireTopic(ctx: Pick<LogContext, 'topics'>, topicName: string): Promise<Topic> {
  const topic = await ctx.topics.get(topicName);
  if (!topic) throw new TopicNotFoundError(topicName);
  return topic;
}

/** The topic, after checking that it exists and has the partition. */
export async function topicWithPartition(ctx: LogContext, topicName: string, partition: number): Promise<Topic> {
  const topic = await requireTopic(ctx, topicName);
  if (partition >= topic.partitions) throw new PartitionNotFoundError(topicName, partition, topic.partitions);
  return topic;
}
