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
