import type { StoredOffset } from './group.js';
import type { PartitionHead } from './log-index.js';

/** What one produce appends to one partition: a section of the batch object. */
export interface PartitionAppend {
  partition: number;
  /** The head as read; the commit is conditional on it not having moved since. */
  expected: PartitionHead;
  recordCount: number;
  byteOffset: number;
  byteLength: number;
  appendTime: number;
  maxTimestamp: number;
}

/** The outcome of a produce, kept so a retry with the same Idempotency-Key gets it back. */
export interface IdempotencyRecord {
  fingerprint: string;
  /** The partition of each record, in request order (uint16 little-endian). */
  recordPartitions: Uint8Array;
  /** Base offset assigned to each touched partition. */
  baseOffsets: Record<string, number>;
  /** Unix seconds; DynamoDB's TTL deletes the item some time after. */
  expiresAt: number;
  /** The batch object the answer's entries point at (absent in records written before it was kept). */
  objectKey?: string | undefined;
}

export type CommitResult =
  | { committed: true }
  /**
   * A head moved (or a concurrent transaction held it): try again from `current` where
   * DynamoDB returned the head as it is now, re-reading the other partitions.
   */
  | { committed: false; reason: 'head-moved'; partitions: number[]; current?: Map<number, PartitionHead> }
  /** Another request with the same Idempotency-Key committed first. */
  | { committed: false; reason: 'idempotency-key-taken' }
  /** The group offset commit riding on the produce was fenced: its generation is gone, or the member's lease expired. */
  | { committed: false; reason: 'offset-commit-fenced' }
  | { committed: false; reason: 'offset-commit-lease-expired' };

/**
 * A consumer group's offset commit made in the same transaction as a produce (exactly-once
 * consume-transform-produce, docs/exactly-once.md): fenced by the group's generation and
 * the member's live lease, exactly like POST /v1/groups/{group}/offsets.
 */
export interface OffsetCommitInProduce {
  group: string;
  generation: number;
  memberId: string;
  offsets: readonly StoredOffset[];
  /** The lease the commit renews, as a commit does; the commit requires it unexpired at `now`. */
  leaseExpiresAt: number;
  now: number;
}
