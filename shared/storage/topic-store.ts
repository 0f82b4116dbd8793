import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type CompactionSettings, DEFAULT_COMPACTION, type RetentionSettings, type Topic, type TopicChanges } from '../model/topic.js';
import type { StorageClients } from './clients.js';
import { queryAll } from './paginate.js';
import { DELETED_TOPIC_LIST_PK, deletedTopicKey, INDEX_LIST, TOPIC_LIST_PK, topicKey } from './keys.js';
import { conditionally, transactConditionally } from './conditional.js';

/** Topic items: one per name, listed through the sparse `list` GSI. */
export class TopicStore {
  constructor(
    private readonly clients: StorageClients,
    private readonly table: string,
  ) {}

  async create(topic: Topic): Promise<boolean> {
    return conditionally(
      this.clients.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...topicKey(topic.name), listPk: TOPIC_LIST_PK, listSk: topic.name, ...topic },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async get(name: string): Promise<Topic | undefined> {
    const out = await this.clients.doc.send(new GetCommand({ TableName: this.table, Key: topicKey(name), ConsistentRead: true }));
    return out.Item ? toTopic(out.Item) : undefined;
  }

  async list(): Promise<Topic[]> {
    const topics: Topic[] = [];
    const items = await queryAll(this.clients.doc, {
      TableName: this.table,
      IndexName: INDEX_LIST,
      KeyConditionExpression: 'listPk = :pk',
      ExpressionAttributeValues: { ':pk': TOPIC_LIST_PK },
    });
    for (const item of items) topics.push(toTopic(item));
    return topics;
  }

  /**
   * Conditional on the same incarnation (`topicId`) and on never shrinking: two PATCHes
   * racing each other cannot lower the partition count the other one raised.
   */
  async update(topic: Topic, changes: TopicChanges): Promise<Topic | undefined> {
    const sets: string[] = [];
    const values: Record<string, unknown> = { ':id': topic.topicId };
    if (changes.partitions !== undefined) {
      sets.push('#partitions = :p');
      values[':p'] = changes.partitions;
    }
    if (changes.retention !== undefined) {
      sets.push('retention = :r');
      values[':r'] = changes.retention;
    }
    if (changes.cleanupPolicy !== undefined) {
      sets.push('cleanupPolicy = :cp');
      values[':cp'] = changes.cleanupPolicy;
    }
    if (changes.compaction !== undefined) {
      sets.push('compaction = :c');
      values[':c'] = changes.compaction;
    }
    if (sets.length === 0) return topic;
    try {
      const out = await this.clients.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: topicKey(topic.name),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: changes.partitions !== undefined ? 'topicId = :id AND #partitions <= :p' : 'topicId = :id',
          ...(changes.partitions !== undefined ? { ExpressionAttributeNames: { '#partitions': 'partitions' } } : {}),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toTopic(out.Attributes ?? {});
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  }

  /**
   * Removes the name (if the incarnation still has `topic.partitions`) and leaves a tombstone naming the incarnation, from which the
   * maintenance job deletes the partitions' objects, entries and heads in the background.
   */
  async delete(topic: Topic, now: number): Promise<boolean> {
    return transactConditionally(this.clients.doc, [
      {
        Delete: {
          TableName: this.table,
          Key: topicKey(topic.name),
          // The partitions whose heads the caller closed are all there are (a PATCH may grow them).
          ConditionExpression: 'topicId = :id AND #partitions = :p',
          ExpressionAttributeNames: { '#partitions': 'partitions' },
          ExpressionAttributeValues: { ':id': topic.topicId, ':p': topic.partitions },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: {
            ...deletedTopicKey(topic.topicId),
            listPk: DELETED_TOPIC_LIST_PK,
            listSk: topic.topicId,
            ...topic,
            deletedAt: now,
          },
        },
      },
    ]);
  }

  /** Tombstones of deleted topics whose data the maintenance job has yet to purge. */
  async deletedTopics(): Promise<(Topic & { deletedAt: number })[]> {
    const out = await this.clients.doc.send(
      new QueryCommand({ TableName: this.table, IndexName: INDEX_LIST, KeyConditionExpression: 'listPk = :pk', ExpressionAttributeValues: { ':pk': DELETED_TOPIC_LIST_PK } }),
    );
    return (out.Items ?? []) as (Topic & { deletedAt: number })[];
  }

  async forgetDeletedTopic(topicId: string): Promise<void> {
    await this.clients.doc.send(new DeleteCommand({ TableName: this.table, Key: deletedTopicKey(topicId) }));
  }
}

function toTopic(item: Record<string, unknown>): Topic {
  return {
    name: item.name as string,
    topicId: item.topicId as string,
    partitions: item.partitions as number,
    compression: item.compression as Topic['compression'],
    retention: item.retention as RetentionSettings,
    cleanupPolicy: (item.cleanupPolicy as Topic['cleanupPolicy'] | undefined) ?? 'delete',
    // Topics created before compacted topics existed carry no compaction settings.
    compaction: { ...DEFAULT_COMPACTION, ...(item.compaction as Partial<CompactionSettings> | undefined) },
    createdAt: item.createdAt as number,
  };
}
