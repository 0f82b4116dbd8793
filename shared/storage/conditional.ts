import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

/**
 * Runs a conditional write (one item or a transaction) and answers whether its condition
 * held: the storage convention (README.md) that a lost race is a value, never thrown.
 * Every other error propagates.
 */
export async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException || err instanceof TransactionCanceledException) return false;
    throw err;
  }
}

/** A TransactWriteItems of conditional items: all or none, answered as whether every condition held. */
export const transactConditionally = (doc: DynamoDBDocumentClient, items: TransactItems): Promise<boolean> =>
  conditionally(doc.send(new TransactWriteCommand({ TransactItems: items })));

type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;
