import type { GroupMeta, StoredOffset } from '../model/group.js';
import type { TopicPartition } from '../model/topic-partition.js';

/**
 * The port consumer groups need from storage (implemented by storage/group-store.ts,
 * bound in shared/runtime/). One item collection per group: META (membership,
 * generation, assignment), member leases, committed offsets and fetch positions.
 */
export interface GroupStorage {
  /** META and every lease in one consistent Query ('MEMBER#…' sorts just before 'META'). */
  load(group: string): Promise<{ meta: GroupMeta | undefined; leases: Map<string, number> }>;
  /**
   * Writes a new generation, conditional on the one it was computed from: of two
   * rebalances racing each other only one can win, so a generation has one assignment.
   */
  writeMeta(meta: GroupMeta, previousGeneration: number | undefined): Promise<boolean>;
  renewLease(group: string, memberId: string, leaseExpiresAt: number): Promise<void>;
  deleteLease(group: string, memberId: string): Promise<void>;
  readOffsets(group: string, tps: readonly TopicPartition[]): Promise<Map<string, StoredOffset>>;
  readPositions(group: string, tps: readonly TopicPartition[]): Promise<Map<string, StoredOffset>>;
  listOffsets(group: string): Promise<StoredOffset[]>;
  /**
   * A position only ever moves forward within a generation, and a stale generation can
   * never overwrite a newer one's.
   */
  writePosition(group: string, position: StoredOffset): Promise<void>;
  /**
   * Commits offsets fenced by the generation (invariant 6): one transaction that checks
   * META is still at `generation` and puts every offset. Returns false when fenced.
   * Also renews the committing member's lease.
   */
  commitOffsets(group: string, generation: number, offsets: readonly StoredOffset[], lease?: { memberId: string; expiresAt: number }): Promise<'committed' | 'fenced' | 'conflict'>;
  /**
   * Seek: new committed offsets and the next generation in one transaction, so members
   * of the old generation are fenced from committing over the new offsets.
   */
  writeMetaWithOffsets(meta: GroupMeta, previousGeneration: number | undefined, offsets: readonly StoredOffset[]): Promise<boolean>;
  /** Forgets committed offsets and positions of a deleted topic. */
  deleteTopicOffsets(group: string, topic: string): Promise<void>;
  listGroups(): Promise<GroupMeta[]>;
  /** Deletes META first (conditional on the generation checked empty), then the rest. */
  deleteGroup(group: string, generation: number): Promise<boolean>;
}
