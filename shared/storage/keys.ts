/**
 * The single-table key layout. Offsets and times are zero-padded so that DynamoDB's
 * string order is numeric order (Kafka pads segment file names to 20 digits likewise).
 *
 * Logs are keyed by the topic's immutable `topicId` (Kafka's KIP-516 topic IDs), not its
 * name: a topic deleted and re-created under the same name starts a fresh log, and a
 * produce racing the deletion can never append to the new topic's partitions.
 */
export const pad20 = (n: number): string => String(n).padStart(20, '0');
export const pad15 = (n: number): string => String(n).padStart(15, '0');

export const topicKey = (topic: string) => ({ pk: `TOPIC#${topic}`, sk: 'META' });
export const TOPIC_LIST_PK = 'TOPICS';
export const DELETED_TOPIC_LIST_PK = 'DELETED_TOPICS';

export const logPk = (topicId: string, partition: number): string => `LOG#${topicId}#${partition}`;
export const headKey = (topicId: string, partition: number) => ({ pk: logPk(topicId, partition), sk: 'HEAD' });

/**
 * Index entries are keyed by their LAST offset: the entry holding offset `o` is then the
 * first one with sk ≥ O#{o}, so a fetch finds its starting entry and the ones after it
 * with a single Query.
 */
export const ENTRY_PREFIX = 'O#';
export const entrySk = (lastOffset: number): string => `${ENTRY_PREFIX}${pad20(lastOffset)}`;

/** LSI sort key: the entry's last append time, then its base offset, so ties resolve to the lowest offset. */
export const timeKey = (appendTime: number, baseOffset: number): string => `${pad15(appendTime)}#${pad20(baseOffset)}`;

export const idempotencyKey = (topic: string, key: string) => ({ pk: `IDEMPOTENCY#${topic}#${key}`, sk: 'IDEMPOTENCY' });

/** Names of the secondary indexes, shared by provisioning (local and CDK) and queries. */
export const INDEX_BY_TIME = 'byTime';
export const INDEX_LIST = 'list';
