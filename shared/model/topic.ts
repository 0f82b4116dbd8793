/** A topic's configuration, as stored and as answered by the API. */
export interface Topic {
  name: string;
  /** Immutable id of this incarnation of the name; partitions' logs are keyed by it. */
  topicId: string;
  partitions: number;
  compression: CompressionSetting;
  retention: RetentionSettings;
  cleanupPolicy: 'delete';
  createdAt: number;
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
