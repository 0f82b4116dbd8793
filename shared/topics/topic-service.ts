import { ulid } from 'ulid';
import { InvalidRequestError, TopicExistsError, TopicNotFoundError, UnprocessableError } from '../errors.js';
import type { LogContext } from '../log/log-context.js';
import { requireTopic } from '../log/partition-lookup.js';
import { type CleanupPolicy, type CompactionSettings, type CompressionSetting, DEFAULT_COMPACTION, DEFAULT_RETENTION, isValidTopicName, MAX_PARTITIONS, type RetentionSettings, type Topic } from '../model/topic.js';

export interface CreateTopicInput {
  name: string;
  partitions: number;
  retention?: Partial<RetentionSettings> | undefined;
  compression?: CompressionSetting | undefined;
  cleanupPolicy?: CleanupPolicy | undefined;
  compaction?: Partial<CompactionSettings> | undefined;
}

export interface UpdateTopicInput {
  partitions?: number | undefined;
  retention?: Partial<RetentionSettings> | undefined;
  cleanupPolicy?: CleanupPolicy | undefined;
  compaction?: Partial<CompactionSettings> | undefined;
}

export async function createTopic(ctx: LogContext, input: CreateTopicInput): Promise<Topic> {
  if (!isValidTopicName(input.name)) {
    throw new InvalidRequestError(`invalid topic name '${input.name}': use 1-249 of [a-zA-Z0-9._-], not '.' or '..'`);
  }
  checkPartitionCount(input.partitions);
  const topic: Topic = {
    name: input.name,
    topicId: ulid(ctx.clock.now()),
    partitions: input.partitions,
    compression: input.compression ?? 'none',
    retention: { ...DEFAULT_RETENTION, ...input.retention },
    cleanupPolicy: input.cleanupPolicy ?? 'delete',
    compaction: checkedCompaction({ ...DEFAULT_COMPACTION, ...input.compaction }),
    createdAt: ctx.clock.now(),
  };
  if (!(await ctx.topics.create(topic))) throw new TopicExistsError(topic.name);
  return topic;
}

export const getTopic = (ctx: LogContext, name: string): Promise<Topic> => requireTopic(ctx, name);

export const listTopics = (ctx: LogContext): Promise<Topic[]> => ctx.topics.list();

/** Partitions can only grow (as in Kafka: shrinking would move keys and lose data). */
export async function updateTopic(ctx: LogContext, name: string, input: UpdateTopicInput): Promise<Topic> {
  const topic = await getTopic(ctx, name);
  if (input.partitions !== undefined) {
    checkPartitionCount(input.partitions);
    if (input.partitions < topic.partitions) {
      throw new UnprocessableError(
        'PARTITIONS_CANNOT_SHRINK',
        `topic '${name}' has ${topic.partitions} partitions; the count can only grow, not shrink to ${input.partitions}`,
        { partitions: topic.partitions },
      );
    }
  }
  const updated = await ctx.topics.update(topic, {
    ...(input.partitions !== undefined ? { partitions: input.partitions } : {}),
    ...(input.retention !== undefined ? { retention: { ...topic.retention, ...input.retention } } : {}),
    ...(input.cleanupPolicy !== undefined ? { cleanupPolicy: input.cleanupPolicy } : {}),
    ...(input.compaction !== undefined ? { compaction: checkedCompaction({ ...topic.compaction, ...input.compaction }) } : {}),
  });
  ctx.topicCache.forget(name);
  // Deleted (or deleted and re-created) since it was read.
  if (!updated) throw new TopicNotFoundError(name);
  return updated;
}

/**
 * Closes every partition head of the incarnation first, then frees the name. Processes
 * that still hold the topic in their cache (log/topic-cache.ts) can then commit nothing
 * into it: their commit fails on the closed head and they read the topic afresh. The name
 * is freed only if the partition count is still the one whose heads were closed (a
 * concurrent PATCH may have grown it: close the new ones too).
 */
export async function deleteTopic(ctx: LogContext, name: string): Promise<void> {
  ctx.topicCache.forget(name);
  for (;;) {
    const topic = await getTopic(ctx, name);
    await ctx.writer.closeHeads(
      topic.topicId,
      Array.from({ length: topic.partitions }, (_, p) => p),
      ctx.clock.now(),
    );
    if (await ctx.topics.delete(topic, ctx.clock.now())) return;
    const now = await ctx.topics.get(name);
    if (now?.topicId !== topic.topicId) throw new TopicNotFoundError(name);
  }
}

/** Kafka refuses min.compaction.lag.ms above max.compaction.lag.ms; so do we (400, nothing written). */
function checkedCompaction(settings: CompactionSettings): CompactionSettings {
  if (settings.maxLagMs !== null && settings.maxLagMs < settings.minLagMs) {
    throw new InvalidRequestError(`compaction.maxLagMs (${settings.maxLagMs}) must be at least compaction.minLagMs (${settings.minLagMs})`, [
      { path: 'compaction.maxLagMs', message: `must be null or at least minLagMs (${settings.minLagMs})` },
    ]);
  }
  return settings;
}

function checkPartitionCount(partitions: number): void {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
    throw new InvalidRequestError(`partitions must be an integer from 1 to ${MAX_PARTITIONS}; got ${partitions}`);
  }
}
