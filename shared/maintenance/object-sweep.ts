import type { Topic } from '../topics/topic.js';
import type { MaintenanceContext } from './maintenance-context.js';

/**
 * Deletes a topic's objects that no index entry refers to (invariant 9): those released
 * by compaction or retention in this run at once, and any other unreferenced object once
 * it is older than the orphan grace period — what a crash between a produce's PUT and its
 * commit leaves, and what an interrupted run released. A young unreferenced object may be
 * a produce still committing, so it is never touched.
 */
export async function sweepTopicObjects(ctx: MaintenanceContext, topic: Topic, partitions: readonly number[], released: ReadonlySet<string>, now: number): Promise<string[]> {
  const referenced = new Set<string>();
  for (const p of partitions) for (const e of await ctx.store.entries(topic.topicId, p)) referenced.add(e.objectKey);
  const objects = [
    ...(await ctx.store.listObjects(`batches/${topic.name}/`)),
    ...(await ctx.store.listObjects(`segments/${topic.name}-${topic.topicId}/`)),
  ];
  const graceEnd = now - ctx.settings.orphanGraceMs;
  const doomed = objects.filter((o) => !referenced.has(o.key) && (released.has(o.key) || o.lastModified < graceEnd)).map((o) => o.key);
  await ctx.store.deleteObjects(doomed);
  return doomed;
}
