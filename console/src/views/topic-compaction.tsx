import type { ApiSchemas, Topic } from '@freshet/client';
import { formatMs } from '../format.js';

/** Kafka's cleanup.policy values, as the API takes them (docs/log.md). */
const POLICIES: Topic['cleanupPolicy'][] = ['delete', 'compact', 'compact,delete'];

export function CleanupPolicyOptions() {
  return (
    <>
      {POLICIES.map((p) => (
        <option key={p} value={p}>
          {p}
        </option>
      ))}
    </>
  );
}

/** The highest dirty ratio of a compacted topic's partitions (the one the log cleaner reaches first); null when not compacted. */
export function maxDirtyRatio(partitions: { dirtyRatio: number | null }[]): number | null {
  const ratios = partitions.map((p) => p.dirtyRatio).filter((r): r is number => r !== null);
  return ratios.length === 0 ? null : Math.max(...ratios);
}

export const formatRatio = (r: number | null) => (r === null ? '—' : r.toFixed(2));

/** The PATCH fields of the alter form's cleanup policy and compaction inputs (only those filled in). */
export function compactionChange(f: Record<string, string>): Pick<ApiSchemas['schemas']['UpdateTopicRequest'], 'cleanupPolicy' | 'compaction'> {
  const compaction: ApiSchemas['schemas']['Compaction'] = {};
  if (f.minLagMs) compaction.minLagMs = Number(f.minLagMs);
  if (f.maxLagMs) {
    const text = f.maxLagMs.trim();
    if (text !== 'none' && !/^\d+$/.test(text)) throw new Error(`max compaction lag ms must be a number of milliseconds or 'none', not '${text}'`);
    compaction.maxLagMs = text === 'none' ? null : Number(text);
  }
  if (f.deleteRetentionMs) compaction.deleteRetentionMs = Number(f.deleteRetentionMs);
  if (f.minCleanableDirtyRatio) compaction.minCleanableDirtyRatio = Number(f.minCleanableDirtyRatio);
  return {
    ...(f.cleanupPolicy ? { cleanupPolicy: f.cleanupPolicy as Topic['cleanupPolicy'] } : {}),
    ...(Object.keys(compaction).length > 0 ? { compaction } : {}),
  };
}

/** A topic's cleanup policy and, when compacted, its compaction settings, in the API's words. */
export function CompactionSettings({ topic }: { topic: Topic }) {
  const c = topic.compaction;
  return (
    <dl class="facts" data-testid="compaction">
      <dt>Cleanup policy</dt>
      <dd>{topic.cleanupPolicy}</dd>
      {topic.cleanupPolicy !== 'delete' && (
        <>
          <dt>Min compaction lag</dt>
          <dd>{formatMs(c.minLagMs)}</dd>
          <dt>Max compaction lag</dt>
          <dd>{c.maxLagMs === null ? 'none' : formatMs(c.maxLagMs)}</dd>
          <dt title="how long a tombstone (null value) stays readable">Delete retention (tombstones)</dt>
          <dd>{formatMs(c.deleteRetentionMs)}</dd>
          <dt>Min cleanable dirty ratio</dt>
          <dd>{c.minCleanableDirtyRatio}</dd>
        </>
      )}
    </dl>
  );
}
