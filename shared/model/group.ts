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
}

export interface StoredOffset extends TopicPartition {
  offset: number;
  generation: number;
  memberId: string;
  /** When it was written (commit or seek). */
  at: number;
}
