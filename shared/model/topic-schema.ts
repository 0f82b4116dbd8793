/**
 * A topic's JSON Schema (draft 2020-12), versioned, with the compatibility mode that
 * governs its next versions (docs/schemas.md). Modes as Confluent Schema Registry defines
 * them: backward = the new schema reads everything the old one accepted; forward = the
 * old reads everything the new accepts; full = both; `_transitive` = against every
 * earlier version, not only the latest.
 */
export const COMPATIBILITY_MODES = ['none', 'backward', 'forward', 'full', 'backward_transitive', 'forward_transitive', 'full_transitive'] as const;
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];
export const DEFAULT_COMPATIBILITY: CompatibilityMode = 'backward';

/** A JSON Schema: an object, or `true` / `false`. */
export type JsonSchema = boolean | { [keyword: string]: unknown };

export interface TopicSchema {
  topic: string;
  /** The topic incarnation it belongs to: a re-created topic starts without a schema. */
  topicId: string;
  /** 1, 2, 3 … per topic incarnation. */
  version: number;
  schema: JsonSchema;
  compatibility: CompatibilityMode;
  createdAt: number;
}

/** The record header that carries the version a record was validated against. */
export const SCHEMA_VERSION_HEADER = 'freshet-schema-version';
