import type { TopicSchema } from '../model/topic-schema.js';

/** Versions of topics' schemas (implemented by storage/schema-store.ts). */
export interface SchemaStorage {
  latest(topic: string, topicId: string): Promise<TopicSchema | undefined>;
  /** Every version, oldest first. */
  list(topic: string, topicId: string): Promise<TopicSchema[]>;
  /** False when the version number is taken (a concurrent registration won). */
  put(schema: TopicSchema): Promise<boolean>;
  /** Every version of a deleted topic incarnation. */
  deleteVersions(topic: string, topicId: string): Promise<void>;
}
