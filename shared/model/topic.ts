/** A topic's configuration, as stored and as answered by the API. */
export interface Topic {
  name: string;
  /** Immutable id of this incarnation of the name; partitions' logs are keyed by it. */
  topicId: string;
  partitions: number;
  compression: CompressionSetting;
  retention: RetentionSettings;
  cleanupPolicy: CleanupPolicy;
  /** Kafka's log cleaner settings; they apply while `cleanupPolicy` includes `compact`. */
  compaction: CompactionSettings;
  createdAt: number;
}

/**
 * Kafka's cleanup.policy: `delete` removes whole index entries past `retention`;
 * `compact` keeps the latest record of every key (the log cleaner, docs/maintenance.md);
 * `compact,delete` does both.
 */
export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';
export const CLEANUP_POLICIES = ['delete', 'compact', 'compact,delete'] as const satisfies readonly CleanupPolicy[];

export const isCompacted = (topic: Pick<Topic, 'cleanupPolicy'>): boolean => topic.cleanupPolicy !== 'delete';
export const deletesByRetention = (topic: Pick<Topic, 'cleanupPolicy'>): boolean => topic.cleanupPolicy !== 'compact';

/**
 * Kafka's min.compaction.lag.ms, max.compaction.lag.ms, delete.retention.ms and
 * min.cleanable.dirty.ratio. Kafka's "infinite" max.compaction.lag.ms (Long.MAX_VALUE, not
 * a safe JSON number) is `null` here: no bound, the dirty ratio alone decides.
 */
export interface CompactionSettings {
  /** A record stays uncompacted at least this long after its append. */
  minLagMs: number;
  /** A partition is cleaned once its oldest dirty record is this old, whatever its dirty ratio; null = never forced. */
  maxLagMs: number | null;
  /** How long a tombstone (null value) stays readable after its append. */
  deleteRetentionMs: number;
  /** The cleaner runs when dirty bytes / cleanable bytes reach this (0..1). */
  minCleanableDirtyRatio: number;
}

export const DEFAULT_COMPACTION: CompactionSettings = {
  minLagMs: 0,
  maxLagMs: null,
  deleteRetentionMs: 24 * 3600_000,
  minCleanableDirtyRatio: 0.5,
};

/** What PATCH /v1/topics/{topic} may change. */
export interface TopicChanges {
  partitions?: number;
  retention?: RetentionSettings;
  cleanupPolicy?: CleanupPolicy;
  compaction?: CompactionSettings;
}

/** Kafka's compression.type values Freshet writes (snappy aside); docs/log.md, "Compression". */
export type CompressionSetting = 'none' | 'gzip' | 'lz4' | 'zstd';

/** Kafka's retention.ms / retention.bytes (-1 = unbounded) and local.retention.ms (hot tier). */
export interface RetentionSettings {
  ms: number;
  bytes: number;
  hotMs: number;
}

export const DEFAULT_RETENTION: RetentionSettings = {
  ms: 7 * 24 * 3600_000, // Kafka's retention.ms default
  bytes: -1,
  hotMs: 24 * 3600_000,
};

export const MAX_PARTITIONS = 1024;

/** Kafka's legal topic names; `.` and `..` are refused because they are path segments. */
export const TOPIC_NAME_PATTERN = /^[a-zA-Z0-9._-]{1,249}$/;
export const isValidTopicName = (name: string): boolean => TOPIC_NAME_PATTERN.test(name) && name !== '.' && name !== '..';
