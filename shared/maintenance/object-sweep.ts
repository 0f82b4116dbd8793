import type { PartitionHead } from '../model/log-index.js';
import type { Topic } from '../model/topic.js';
import { topicBatchesPrefix, topicSegmentsPrefix } from '../storage/object-keys.js';
import type { MaintenanceContext } from './maintenance-context.js';

/** An idle topic's objects are listed at most this often: LIST requests are what idling would cost. */
const IDLE_SWEEP_INTERVAL_MS = 24 * 3600_000;

/**
 * Whether this run must list the topic's objects: it released some, something was
 * appended since the last listing (an orphan may be ripening), or the daily listing is
 * due (what a failed produce leaves without moving any head).
 */
export async function sweepDue(ctx: MaintenanceContext, topic: Topic, heads: ReadonlyMap<number, PartitionHead>, released: ReadonlySet<string>, now: number): Promise<boolean> {
  if (released.size > 0) return true;
  const last = await ctx.objects.lastSweep(topic.topicId);
  const lastAppend = Math.max(0, ...[...heads.values()].map((h) => h.lastAppendTime ?? 0));
  return lastAppend >= last - ctx.settings.orphanGraceMs || now - last >= IDLE_SWEEP_INTERVAL_MS;
}

/**
 * Deletes a topic's objects that no index entry refers to (invariant 9): those released
 * by compaction or retention in this run at once, and any other unreferenced object once
 * it is older than the orphan grace period — what a crash between a produce's PUT and its
 * commit leaves, and what an interrupted run released. A young unreferenced object may be
 * a produce still committing, so it is never touched.
 */
export async function sweepTopicObjects(ctx: MaintenanceContext, topic: Topic, partitions: readonly number[], released: ReadonlySet<string>, now: number): Promise<string[]> {
  const referenced = new Set<string>();
  for (const p of partitions) for (const e of await ctx.entries.entries(topic.topicId, p)) referenced.add(e.objectKey);
  const objects = [
    ...(await ctx.objects.listObjects(topicBatchesPrefix(topic.name))),
    ...(await ctx.objects.listObjects(topicSegmentsPrefix(topic.name, topic.topicId))),
  ];
  const graceEnd = now - ctx.settings.orphanGraceMs;
  const doomed = objects.filter((o) => !referenced.has(o.key) && (released.has(o.key) || o.lastModified < graceEnd)).map((o) => o.key);
  await ctx.objects.deleteObjects(doomed);
  await ctx.objects.recordSweep(topic.topicId, now);
  return doomed;
}
