import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { StorageClients } from './clients.js';
import { MAINTENANCE_LEASE_KEY } from './keys.js';
import { conditionally } from './conditional.js';

/** The maintenance lease: one item that says which run may work, and until when. */
export class LeaseStore {
  constructor(
    private readonly clients: StorageClients,
    private readonly table: string,
  ) {}

  /** One maintenance run at a time: a lease item, taken conditionally, that expires by itself. */
  async acquireLease(owner: string, now: number, ttlMs: number): Promise<boolean> {
    return conditionally(
      this.clients.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...MAINTENANCE_LEASE_KEY, owner, leaseUntil: now + ttlMs },
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now, ':owner': owner },
        }),
      ),
    );
  }

  async releaseLease(owner: string): Promise<void> {
    try {
      await this.clients.doc.send(
        new DeleteCommand({ TableName: this.table, Key: MAINTENANCE_LEASE_KEY, ConditionExpression: '#owner = :owner', ExpressionAttributeNames: { '#owner': 'owner' }, ExpressionAttributeValues: { ':owner': owner } }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }
}
