import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

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
