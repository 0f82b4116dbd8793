import type { CommitResult, IdempotencyRecord, OffsetCommitInProduce, PartitionAppend } from '../model/commit.js';
import type { IndexEntry, PartitionHead } from '../model/log-index.js';
import type { Topic, TopicChanges } from '../model/topic.js';

/**
 * The ports the log needs from storage. The log owns them; `shared/storage/` implements
 * them (TopicStore, LogStore, CommitWriter) without importing them, and the composition
 * root (`shared/runtime/`) is where the compiler checks that the stores fit.
 *
 * Outcomes of conditional writes follow the storage convention (see storage/keys.ts):
 * an expected race is answered as a value, never thrown.
 */

/** Topic configurations by name, and the tombstones of deleted incarnations. */
export interface TopicStorage {
  /** Answers false when the name is taken. */
  create(topic: Topic): Promise<boolean>;
  get(name: string): Promise<Topic | undefined>;
  list(): Promise<Topic[]>;
  /** Answers undefined when the incarnation is gone (deleted, or deleted and re-created). */
  update(topic: Topic, changes: TopicChanges): Promise<Topic | undefined>;
  /** Answers false when the incarnation is already gone or no longer has `topic.partitions`. */
  delete(topic: Topic, now: number): Promise<boolean>;
  deletedTopics(): Promise<(Topic & { deletedAt: number })[]>;
  forgetDeletedTopic(topicId: string): Promise<void>;
}

/** Reads of the log's metadata (heads, index entries) and its objects' bytes, and the produce's object write. */
export interface LogStorage {
  readHead(topicId: string, partition: number): Promise<PartitionHead>;
  readHeads(topicId: string, partitions: readonly number[]): Promise<Map<number, PartitionHead>>;
  /** Entries whose last offset is ≥ `offset`, in offset order, until `enough` says they cover what the caller wants. */
  entriesFrom(topicId: string, partition: number, offset: number, enough: (entries: IndexEntry[]) => boolean): Promise<IndexEntry[]>;
  /** Up to `limit` consecutive entries in offset order from the one holding `offset` (one read, no paging). */
  entriesAt(topicId: string, partition: number, offset: number, limit: number): Promise<IndexEntry[]>;
  putObject(key: string, body: Uint8Array, metadata: Record<string, string>): Promise<void>;
  getRange(key: string, start: number, length: number): Promise<Uint8Array>;
  /** A presigned URL for that same ranged GET, with the Range header signed in (direct reads). */
  presignRange(key: string, start: number, length: number, expiresInSeconds: number): Promise<string>;
}

/** The produce commit: heads, index entries and the idempotency record in one all-or-nothing write. */
export interface CommitStorage {
  commit(args: {
    topicId: string;
    topic: string;
    objectKey: string;
    appends: readonly PartitionAppend[];
    /** `replacing`: a stored answer found stale (log/idempotent-answer.ts), superseded only as it was read. */
    idempotency?: { key: string; record: IdempotencyRecord; nowSeconds: number; replacing?: { objectKey: string | undefined } };
    /** A consumer group's offsets, committed in the same transaction (exactly-once pipelines). */
    offsetCommit?: OffsetCommitInProduce;
  }): Promise<CommitResult>;
  readIdempotency(topic: string, key: string, nowSeconds: number): Promise<IdempotencyRecord | undefined>;
  /** Closes an incarnation's heads before its deletion: no commit lands in them afterwards. */
  closeHeads(topicId: string, partitions: readonly number[], now: number): Promise<void>;
}
