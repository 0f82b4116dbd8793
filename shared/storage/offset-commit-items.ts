import type { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { OffsetCommitInProduce } from '../model/commit.js';
import { groupPk, META_SK, memberSk, offsetSk } from './keys.js';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * The items a group's offset commit adds to a produce transaction, in this order:
 * a ConditionCheck that META is still at the commit's generation (a rebalance fences it,
 * as GroupStore.commitOffsets does), one Put per offset, and the member's lease renewed on
 * condition that it has not expired (a member whose session ran out may not commit even
 * before anyone noticed and rebalanced). Indices: 0 = generation, last = lease.
 */
export function offsetCommitItems(table: string, commit: OffsetCommitInProduce): TransactItem[] {
  const pk = groupPk(commit.group);
  return [
    {
      ConditionCheck: {
        TableName: table,
        Key: { pk, sk: META_SK },
        ConditionExpression: 'generation = :g',
        ExpressionAttributeValues: { ':g': commit.generation },
      },
    },
    ...commit.offsets.map((o) => ({ Put: { TableName: table, Item: { pk, sk: offsetSk(o.topic, o.partition), ...o } } })),
    {
      Update: {
        TableName: table,
        Key: { pk, sk: memberSk(commit.memberId) },
        UpdateExpression: 'SET leaseExpiresAt = :t',
        ConditionExpression: 'leaseExpiresAt > :now',
        ExpressionAttributeValues: { ':t': commit.leaseExpiresAt, ':now': commit.now },
      },
    },
  ];
}
