import { BatchGetCommand, type BatchGetCommandOutput, BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';

/** Every item a Query matches, following LastEvaluatedKey page by page. */
export async function queryAll(doc: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out: QueryCommandOutput = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Deletes items by key (see writeAll). */
export const deleteAll = (doc: DynamoDBDocumentClient, table: string, keys: readonly Record<string, unknown>[]): Promise<void> =>
  writeAll(doc, table, keys.map((Key) => ({ DeleteRequest: { Key } })));

/** Put and delete requests, 25 per BatchWriteItem (its limit), resending what DynamoDB left unprocessed. */
export async function writeAll(doc: DynamoDBDocumentClient, table: string, all: readonly Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < all.length; i += 25) {
    let requests: Record<string, unknown>[] | undefined = all.slice(i, i + 25);
    while (requests && requests.length > 0) {
      const res = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests as never } }));
      requests = res.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
    }
  }
}

/**
 * Strongly consistent reads of many items by key, 100 keys per BatchGetItem (its limit),
 * the chunks in parallel, resending what DynamoDB left unprocessed.
 */
export async function getAll(doc: DynamoDBDocumentClient, table: string, keys: readonly Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
  const items: Record<string, unknown>[] = [];
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending: Record<string, unknown>[] | undefined = chunk;
      while (pending && pending.length > 0) {
        const out: BatchGetCommandOutput = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
        items.push(...(out.Responses?.[table] ?? []));
        pending = out.UnprocessedKeys?.[table]?.Keys;
      }
    }),
  );
  return items;
}
