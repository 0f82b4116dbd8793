import { topicSegmentsPrefix } from '../storage/object-keys.js';
import type { MaintenanceContext } from './maintenance-context.js';

/**
 * How long a deleted incarnation's closed heads outlive it: far longer than any process
 * trusts its cached copy of the topic (TOPIC_CACHE_MAX_AGE_MS) or than a produce takes.
 */
const CLOSED_HEAD_KEPT_SECONDS = 24 * 60 * 60;

/**
 * Finishes topic deletions in the background: every partition's entries (its closed head
 * stays a day longer), the
 * objects they named and the incarnation's segments, and consumer groups' offsets for the
 * topic (unless a new topic already took the name), and the incarnation's schema
 * versions. The DELETED_TOPIC marker goes last,
 * so an interrupted cleanup is simply redone by the next run.
 */
export async function purgeDeletedTopics(ctx: MaintenanceContext, deadline: number): Promise<string[]> {
  const purged: string[] = [];
  for (const topic of await ctx.log.topics.deletedTopics()) {
    if (performance.now() > deadline) break;
    const objects = new Set<string>();
    const closed = { at: topic.deletedAt, keepUntil: Math.floor(topic.deletedAt / 1000) + CLOSED_HEAD_KEPT_SECONDS };
    for (let p = 0; p < topic.partitions; p++) for (const key of await ctx.entries.purgePartition(topic.topicId, p, closed)) objects.add(key);
    for (const o of await ctx.objects.listObjects(topicSegmentsPrefix(topic.name, topic.topicId))) objects.add(o.key);
    await ctx.objects.deleteObjects([...objects]);
    const current = await ctx.log.topics.get(topic.name);
    if (!current) {
      for (const group of await ctx.groups.listGroups()) await ctx.groups.deleteTopicOffsets(group.group, topic.name);
    }
    await ctx.log.schemas.store.deleteVersions(topic.name, topic.topicId);
    await ctx.log.topics.forgetDeletedTopic(topic.topicId);
    purged.push(`${topic.name} (${topic.topicId})`);
  }
  return purged;
}
