import type { IndexEntry } from '../model/log-index.js';
import type { StoredObject } from '../model/stored-object.js';

/**
 * The ports maintenance needs from storage, one per thing it changes: the log's index
 * entries (storage/index-entry-store.ts), the run lease (storage/lease-store.ts) and the
 * bucket's objects (storage/object-store.ts). Topic tombstones come through the log's
 * TopicStorage, group offsets through GroupStorage.
 */
export interface IndexEntryStorage {
  entries(topicId: string, partition: number): Promise<IndexEntry[]>;
  /**
   * Replaces consecutive entries with one that covers the same offsets (keyed, like the
   * last of them, by its last offset, so it overwrites that one). At most 99 entries: a
   * transaction holds 100 items.
   */
  swapEntries(topicId: string, partition: number, old: readonly IndexEntry[], replacement: IndexEntry): Promise<boolean>;
  /**
   * Key compaction (the log cleaner): consecutive entries give way to one holding the
   * records kept, or to none; the head's bytes drop by `bytesRemoved` and its
   * `cleaningUpTo` is set, in one transaction. At most 98 entries.
   */
  replaceCleanedEntries(topicId: string, partition: number, old: readonly IndexEntry[], replacement: IndexEntry | undefined, cleaning: { upTo: number; bytesRemoved: number }): Promise<boolean>;
  /** Moves the cleaner checkpoint from `from` and clears `cleaningUpTo`; false if another run moved it. */
  finishCleaning(topicId: string, partition: number, from: number, state: { checkpoint: number; cleanBytes: number; nextTombstoneExpiry: number | null }): Promise<boolean>;
  /** Retention: drops the oldest entry and moves the log start past it, in one transaction (`cleaned`: it lies below the cleaner checkpoint). */
  removeOldestEntry(topicId: string, partition: number, entry: IndexEntry, cleaned?: boolean): Promise<boolean>;
  markTier(topicId: string, partition: number, entry: IndexEntry, tier: IndexEntry['tier']): Promise<void>;
  /** Deletes every item of a partition's log (head and entries); answers the objects they named. */
  /** Deletes a deleted topic's entries, keeping its closed head until `closed.keepUntil` (unix seconds). */
  purgePartition(topicId: string, partition: number, closed: { at: number; keepUntil: number }): Promise<Set<string>>;
}

/** One maintenance run at a time: a lease that expires by itself. */
export interface LeaseStorage {
  /** One maintenance run at a time: a lease item, taken conditionally, that expires by itself. */
  acquireLease(owner: string, now: number, ttlMs: number): Promise<boolean>;
  releaseLease(owner: string): Promise<void>;
}

export interface ObjectStorage {
  /** When the topic's objects were last listed in full (orphan GC). */
  lastSweep(topicId: string): Promise<number>;
  recordSweep(topicId: string, at: number): Promise<void>;
  listObjects(prefix: string): Promise<StoredObject[]>;
  putSegment(key: string, body: Uint8Array, metadata: Record<string, string>): Promise<void>;
  /** Rewrites an object in place with another storage class (a copy onto itself). */
  changeStorageClass(key: string, storageClass: string): Promise<void>;
  storageClass(key: string): Promise<string>;
  deleteObjects(keys: readonly string[]): Promise<void>;
}
