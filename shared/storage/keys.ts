/**
 * See README.md in this folder for the storage conventions, among them the one for the
 * outcome of a conditional write: a lost race is answered as a value (false, undefined or
 * a discriminated union), never thrown; the capability decides which domain error it is.
 */
/**
 * The single-table key layout: every partition key (pk) and sort key (sk) of every item
 * Freshet stores is built here and nowhere else, so the layout can be read in one place
 * and the dispatcher's stream filter (functions/ and infra/) matches what the log writes.
 *
 * Offsets and times are zero-padded so that DynamoDB's string order is numeric order
 * (Kafka pads segment file names to 20 digits likewise).
 *
 * Logs are keyed by the topic's immutable `topicId` (Kafka's KIP-516 topic IDs), not its
 * name: a topic deleted and re-created under the same name starts a fresh log, and a
 * produce racing the deletion can never append to the new topic's partitions.
 */
export const pad20 = (n: number): string => String(n).padStart(20, '0');

/** Sort key of an item that is the only one (or the descriptor) of its partition key. */
export const META_SK = 'META';

// Topics. Live topics are listed on the `list` index under TOPICS, deleted ones (tombstones
// the maintenance job purges) under DELETED_TOPICS.
export const topicKey = (topic: string) => ({ pk: `TOPIC#${topic}`, sk: META_SK });
export const deletedTopicKey = (topicId: string) => ({ pk: `DELETED_TOPIC#${topicId}`, sk: META_SK });
export const TOPIC_LIST_PK = 'TOPICS';
/**
 * Schema versions live beside the topic's META, keyed by the incarnation so a re-created
 * topic starts without one; the version is padded so the last sk is the latest version.
 */
export const SCHEMA_SK_PREFIX = 'SCHEMA#';
export const schemaVersionsPrefix = (topicId: string): string => `${SCHEMA_SK_PREFIX}${topicId}#`;
export const schemaKey = (topic: string, topicId: string, version: number) => ({ pk: `TOPIC#${topic}`, sk: `${schemaVersionsPrefix(topicId)}${String(version).padStart(10, '0')}` });
export const DELETED_TOPIC_LIST_PK = 'DELETED_TOPICS';

// The log: one partition key per partition, holding its HEAD and its index entries.
export const LOG_PK_PREFIX = 'LOG#';
export const logPk = (topicId: string, partition: number): string => `${LOG_PK_PREFIX}${topicId}#${partition}`;
export const headKey = (topicId: string, partition: number) => ({ pk: logPk(topicId, partition), sk: 'HEAD' });
/** The partition number of a log item's pk (`LOG#{topicId}#{partition}`). */
export const partitionOfLogPk = (pk: string): number => Number(pk.slice(pk.lastIndexOf('#') + 1));
/** The topic incarnation of a log item's pk. */
export const topicIdOfLogPk = (pk: string): string => pk.slice(LOG_PK_PREFIX.length, pk.lastIndexOf('#'));

/**
 * Index entries are keyed by their LAST offset: the entry holding offset `o` is then the
 * first one with sk ≥ O#{o}, so a fetch finds its starting entry and the ones after it
 * with a single Query.
 */
export const ENTRY_PREFIX = 'O#';
export const entrySk = (lastOffset: number): string => `${ENTRY_PREFIX}${pad20(lastOffset)}`;
/** Sorts after every entry sk: the upper bound of a Query over a partition's entries. */
export const ENTRY_SK_END = `${ENTRY_PREFIX}~`;
export const entryKey = (topicId: string, partition: number, lastOffset: number) => ({ pk: logPk(topicId, partition), sk: entrySk(lastOffset) });

/*
 * Offsets for times need no index of their own: append times never go backwards within a
 * partition, so the offset-ordered entries are also time-ordered (log/time-search.ts).
 * Until 2026-12 a local secondary index did it (`byTime`, sort key `timeKey`); tables
 * deployed before keep it with context `freshet:legacyTimeIndex` (docs/deploy.md), and
 * nothing writes `timeKey` any more, so it stays empty and costs no write units.
 */

export const idempotencyKey = (topic: string, key: string) => ({ pk: `IDEMPOTENCY#${topic}#${key}`, sk: 'IDEMPOTENCY' });

// Consumer groups: META, one MEMBER# lease per member, committed OFFSET#s and fetch POSITION#s.
export const groupPk = (group: string): string => `GROUP#${group}`;
export const MEMBER_SK_PREFIX = 'MEMBER#';
export const memberSk = (memberId: string): string => `${MEMBER_SK_PREFIX}${memberId}`;
export const OFFSET_SK_PREFIX = 'OFFSET#';
export const POSITION_SK_PREFIX = 'POSITION#';
export const offsetSk = (topic: string, partition: number): string => `${OFFSET_SK_PREFIX}${topic}#${partition}`;
export const positionSk = (topic: string, partition: number): string => `${POSITION_SK_PREFIX}${topic}#${partition}`;
/** Every offset (or position) sk of one topic begins with this. */
export const topicOffsetsPrefix = (skPrefix: string, topic: string): string => `${skPrefix}${topic}#`;
export const GROUPS_LIST_PK = 'GROUPS';

// API keys.
export const apiKeyKey = (id: string) => ({ pk: `APIKEY#${id}`, sk: 'APIKEY' });
export const KEYS_LIST_PK = 'APIKEYS';

// Webhook subscriptions: META and one CURSOR#{partition:05} per partition.
export const subscriptionPk = (id: string): string => `SUBSCRIPTION#${id}`;
export const CURSOR_SK_PREFIX = 'CURSOR#';
export const cursorSk = (partition: number): string => `${CURSOR_SK_PREFIX}${String(partition).padStart(5, '0')}`;
export const SUBSCRIPTIONS_LIST_PK = 'SUBSCRIPTIONS';

// Replays, listed as active until they finish.
export const replayKey = (id: string) => ({ pk: `REPLAY#${id}`, sk: META_SK });
export const ACTIVE_REPLAYS_LIST_PK = 'REPLAYS#active';
export const FINISHED_REPLAYS_LIST_PK = 'REPLAYS#finished';

// Maintenance: the one-run-at-a-time lease and, per topic, when its objects were last listed.
export const MAINTENANCE_LEASE_KEY = { pk: 'MAINTENANCE', sk: 'LEASE' } as const;
export const sweepKey = (topicId: string) => ({ pk: `SWEEP#${topicId}`, sk: 'SWEEP' });

/** Names of the secondary indexes, shared by provisioning (local and CDK) and queries. */
/** Only on tables deployed before it was dropped (infra, `legacyTimeIndex`); no code queries it. */
export const LEGACY_INDEX_BY_TIME = 'byTime';
export const INDEX_LIST = 'list';
