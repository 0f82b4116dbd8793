import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TopicSchema } from '../model/topic-schema.js';
import type { StorageClients } from './clients.js';
import { conditionally } from './conditional.js';
import { schemaKey, schemaVersionsPrefix, topicKey } from './keys.js';
import { deleteAll, queryAll } from './paginate.js';

/** Versions of a topic's schema: one immutable item per version, beside the topic's META. */
export class SchemaStore {
  constructor(
    private readonly clients: StorageClients,
    private readonly table: string,
  ) {}

  /** The latest version, or undefined: one Query (newest first, one item). */
  async latest(topic: string, topicId: string): Promise<TopicSchema | undefined> {
    const out = await this.clients.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': topicKey(topic).pk, ':prefix': schemaVersionsPrefix(topicId) },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return out.Items?.[0] ? toSchema(out.Items[0]) : undefined;
  }

  /** Every version, oldest first. */
  async list(topic: string, topicId: string): Promise<TopicSchema[]> {
    const items = await queryAll(this.clients.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': topicKey(topic).pk, ':prefix': schemaVersionsPrefix(topicId) },
      ConsistentRead: true,
    });
    return items.map(toSchema);
  }

  /** Deletes every version of a deleted topic incarnation (maintenance's topic cleanup). */
  async deleteVersions(topic: string, topicId: string): Promise<void> {
    const items = await queryAll(this.clients.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': topicKey(topic).pk, ':prefix': schemaVersionsPrefix(topicId) },
      ProjectionExpression: 'pk, sk',
    });
    await deleteAll(this.clients.doc, this.table, items.map((i) => ({ pk: i.pk, sk: i.sk })));
  }

  /**
   * Writes a new version; false when that version number is taken (a concurrent PUT won
   * the race: re-read and check compatibility against it).
   */
  async put(schema: TopicSchema): Promise<boolean> {
    return conditionally(
      this.clients.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...schemaKey(schema.topic, schema.topicId, schema.version), ...schema, schema: JSON.stringify(schema.schema) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
}

function toSchema(item: Record<string, unknown>): TopicSchema {
  return {
    topic: item.topic as string,
    topicId: item.topicId as string,
    version: item.version as number,
    // Stored as JSON text: DynamoDB maps cannot hold empty strings as keys, nor keep key order.
    schema: JSON.parse(item.schema as string),
    compatibility: item.compatibility as TopicSchema['compatibility'],
    createdAt: item.createdAt as number,
  };
}
