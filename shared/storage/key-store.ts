import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Scope } from '../model/scope.js';
import type { StorageClients } from './clients.js';
import { queryAll } from './paginate.js';
import { apiKeyKey as keyItemKey, INDEX_LIST, KEYS_LIST_PK } from './keys.js';
import type { StoredKey } from '../model/api-key.js';
import { conditionally } from './conditional.js';

export class KeyStore {
  constructor(
    private readonly clients: StorageClients,
    private readonly table: string,
  ) {}

  async create(key: StoredKey): Promise<void> {
    await this.clients.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...keyItemKey(key.id), listPk: KEYS_LIST_PK, listSk: key.id, ...key },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** Consistent, so a revoked key stops working at once. */
  async get(id: string): Promise<StoredKey | undefined> {
    const out = await this.clients.doc.send(new GetCommand({ TableName: this.table, Key: keyItemKey(id), ConsistentRead: true }));
    return out.Item ? toKey(out.Item) : undefined;
  }

  async list(): Promise<StoredKey[]> {
    const keys: StoredKey[] = [];
    const items = await queryAll(this.clients.doc, {
      TableName: this.table,
      IndexName: INDEX_LIST,
      KeyConditionExpression: 'listPk = :pk',
      ExpressionAttributeValues: { ':pk': KEYS_LIST_PK },
    });
    for (const item of items) keys.push(toKey(item));
    return keys;
  }

  async delete(id: string): Promise<boolean> {
    return conditionally(this.clients.doc.send(new DeleteCommand({ TableName: this.table, Key: keyItemKey(id), ConditionExpression: 'attribute_exists(pk)' })));
  }

  async touch(id: string, at: number): Promise<void> {
    try {
      await this.clients.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keyItemKey(id),
          UpdateExpression: 'SET lastUsedAt = :t',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':t': at },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }
}

function toKey(item: Record<string, unknown>): StoredKey {
  return {
    id: item.id as string,
    name: item.name as string,
    scopes: item.scopes as Scope[],
    hash: item.hash as string,
    prefix: item.prefix as string,
    createdAt: item.createdAt as number,
    lastUsedAt: (item.lastUsedAt as number | null | undefined) ?? null,
  };
}
