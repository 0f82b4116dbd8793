import type { Assignment, TopicPartition } from './topic-partition.js';

/** A member as the group remembers it between rebalances. */
export interface GroupMember {
  memberId: string;
  topics: string[];
  sessionTimeoutMs: number;
  autoOffsetReset: 'earliest' | 'latest';
  joinedAt: number;
}

/** The group's META item: membership and assignment, changed only by a rebalance. */
export interface GroupMeta {
  group: string;
  generation: number;
  members: Record<string, GroupMember>;
  assignment: Assignment;
  /** Partition counts the assignment was computed from; a change triggers a rebalance. */
  partitionCounts: Record<string, number>;
  updatedAt: number;
  /**
   * A seek this generation made, until its offsets are all written as OFFSET items
   * (GroupStorage.completeSeek). Present only in the generation the seek itself wrote.
   */
  pendingSeek?: PendingSeek | undefined;
}

/** A seek's new committed offsets, kept in META itself: `offsets[i]` is for `partitions[i]`. */
export interface PendingSeek {
  topic: string;
  partitions: number[];
  offsets: number[];
  at: number;
}

export interface StoredOffset extends TopicPartition {
  offset: number;
  generation: number;
  memberId: string;
  /** When it was written (commit or seek). */
  at: number;
}
