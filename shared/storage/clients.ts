import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tagErrorsWith } from './storage-failure.js';

export interface StorageClients {
  dynamo: DynamoDBClient;
  /** Document client over `dynamo`; it shares `dynamo`'s middleware stack. */
  doc: DynamoDBDocumentClient;
  s3: S3Client;
}

export interface ClientOptions {
  region: string;
  /** Set in local mode and tests: DynamoDB Local. */
  dynamoEndpoint?: string | undefined;
  /** Set in local mode and tests: s3rver. */
  s3Endpoint?: string | undefined;
}

/** Created once per process (module scope in Lambda) and injected everywhere else. */
export function createStorageClients(options: ClientOptions): StorageClients {
  const emulated = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const dynamo = new DynamoDBClient({
    region: options.region,
    ...(options.dynamoEndpoint ? { endpoint: options.dynamoEndpoint, credentials: emulated } : {}),
  });
  const s3 = new S3Client({
    region: options.region,
    ...(options.s3Endpoint
      ? {
          endpoint: options.s3Endpoint,
          credentials: emulated,
          forcePathStyle: true,
          // s3rver stores aws-chunked framing verbatim when the SDK adds default checksums.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {}),
  });
  // Outages and throttles become 503s that name the part that failed (storage-failure.ts).
  dynamo.middlewareStack.add(tagErrorsWith('dynamodb') as never, { step: 'initialize', name: 'freshetStoragePart' });
  s3.middlewareStack.add(tagErrorsWith('s3') as never, { step: 'initialize', name: 'freshetStoragePart' });
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  return { dynamo, doc, s3 };
}
