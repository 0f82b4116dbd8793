import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { BucketAlreadyOwnedByYou, CreateBucketCommand, HeadBucketCommand, NoSuchBucket, NotFound } from '@aws-sdk/client-s3';
import { INDEX_LIST } from './keys.js';
import type { StorageClients } from './clients.js';

/**
 * The table definition used by local mode and tests. The CDK stack declares the same
 * attributes and indexes (infra/constructs/storage.ts); keep the two in step.
 */
export const TABLE_ATTRIBUTES = [
  { AttributeName: 'pk', AttributeType: 'S' },
  { AttributeName: 'sk', AttributeType: 'S' },
  { AttributeName: 'listPk', AttributeType: 'S' },
  { AttributeName: 'listSk', AttributeType: 'S' },
] as const;

export const TTL_ATTRIBUTE = 'expiresAt';

export async function ensureTable(clients: StorageClients, table: string): Promise<void> {
  try {
    await clients.dynamo.send(new DescribeTableCommand({ TableName: table }));
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  await clients.dynamo.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...TABLE_ATTRIBUTES],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: INDEX_LIST,
          KeySchema: [
            { AttributeName: 'listPk', KeyType: 'HASH' },
            { AttributeName: 'listSk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    }),
  );
  await waitUntilTableExists({ client: clients.dynamo, maxWaitTime: 60 }, { TableName: table });
  await clients.dynamo.send(
    new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }),
  );
}

/**
 * Creates the bucket only when HEAD says it is missing (404). Any other failure (a 500 from
 * a damaged s3rver data dir, a refused connection) is not "missing" and is thrown as is:
 * creating would only fail again with a misleading "already exists". A bucket created by a
 * concurrent start in between counts as success.
 */
export async function ensureBucket(clients: StorageClients, bucket: string): Promise<void> {
  try {
    await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (err) {
    if (!(err instanceof BucketAlreadyOwnedByYou)) throw err;
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof NotFound || err instanceof NoSuchBucket || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
}
