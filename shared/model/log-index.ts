/** The HEAD item of a partition. A partition nobody wrote to has no item yet. */
export interface PartitionHead {
  exists: boolean;
  /** The high watermark: the offset the next committed record gets. */
  nextOffset: number;
  logStartOffset: number;
  bytes: number;
  lastAppendTime: number | null;
  /**
   * The topic incarnation was deleted: its heads are closed before its name is freed, so a
   * process still holding the old topic in its cache can commit nothing more into it.
   */
  closed?: true | undefined;
  /** Compacted topics: where the log cleaner stands (absent until it first runs). */
  cleaner?: CleanerState | undefined;
}

/**
 * The log cleaner's state on a partition's head (Kafka's cleaner-offset-checkpoint):
 * offsets below `checkpoint` have been cleaned; `cleanBytes` is what they weighed then.
 */
export interface CleanerState {
  /** Kafka's firstDirtyOffset: the first offset the last completed cleaning did not go over. */
  checkpoint: number;
  cleanBytes: number;
  /** Set while a cleaning is under way (by its first index swap): a crashed one is resumed. */
  cleaningUpTo: number | null;
  /** When the earliest tombstone the last cleaning kept passes deleteRetentionMs: a cleaning is due then. */
  nextTombstoneExpiry: number | null;
}

/** bytes appended since the last cleaning / bytes of the partition (0 for an empty one). */
export function dirtyRatio(head: PartitionHead): number {
  if (head.bytes <= 0) return 0;
  return Math.min(1, Math.max(0, head.bytes - (head.cleaner?.cleanBytes ?? 0)) / head.bytes);
}

export const EMPTY_HEAD: PartitionHead = { exists: false, nextOffset: 0, logStartOffset: 0, bytes: 0, lastAppendTime: null };

/** One index entry: which bytes of which object hold offsets baseOffset..lastOffset. */
export interface IndexEntry {
  baseOffset: number;
  lastOffset: number;
  recordCount: number;
  objectKey: string;
  byteOffset: number;
  byteLength: number;
  /** The (last) append time of the records it holds. */
  appendTime: number;
  maxTimestamp: number;
  tier: 'hot' | 'cold';
  /**
   * Segment entries only: `[baseOffset, appendTime]` of every original batch they hold,
   * flattened (Kafka's time index), so offsets-for-time stays exact after compaction.
   */
  timeIndex?: number[] | undefined;
}
