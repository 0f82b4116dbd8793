import { PartitionNotFoundError, TopicNotFoundError } from '../errors.js';
import type { Topic } from '../model/topic.js';
import type { LogContext } from './log-context.js';

/** The topic, after checking that it exists and has the partition. */
export async function topicWithPartition(ctx: LogContext, topicName: string, partition: number): Promise<Topic> {
  const topic = await ctx.topics.get(topicName);
  if (!topic) throw new TopicNotFoundError(topicName);
  if (partition >= topic.partitions) throw new PartitionNotFoundError(topicName, partition, topic.partitions);
  return topic;
}
