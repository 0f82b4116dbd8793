import type { IndexEntry } from '../model/log-index.js';
import type { Topic } from '../model/topic.js';
import { isSegmentKey } from '../storage/object-keys.js';
import type { MaintenanceContext } from './maintenance-context.js';

/**
 * KIP-405's idea on S3: segments whose newest record is older than retention.hotMs are
 * rewritten in place with a colder storage class (one that needs no restore, so reads
 * stay transparent), and their entries record the tier.
 */
export async function tierPartition(ctx: MaintenanceContext, topic: Topic, partition: number, entries: readonly IndexEntry[], now: number): Promise<number> {
  const bySegment = new Map<string, IndexEntry[]>();
  for (const e of entries) if (isSegmentKey(e.objectKey)) bySegment.set(e.objectKey, [...(bySegment.get(e.objectKey) ?? []), e]);
  let tiered = 0;
  for (const [objectKey, segmentEntries] of bySegment) {
    if (segmentEntries.every((e) => e.tier === 'cold')) continue;
    if (Math.max(...segmentEntries.map((e) => e.appendTime)) >= now - topic.retention.hotMs) continue;
    await ctx.objects.changeStorageClass(objectKey, ctx.settings.coldStorageClass);
    for (const e of segmentEntries) await ctx.entries.markTier(topic.topicId, partition, e, 'cold');
    tiered++;
  }
  return tiered;
}
