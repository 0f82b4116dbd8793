import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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

/** Credentials the emulators accept (both ignore them; the SDK insists on some). */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** How an S3 client must talk to s3rver: the one copy of these settings. */
export const S3RVER_CLIENT_SETTINGS = {
  credentials: EMULATOR_CREDENTIALS,
  forcePathStyle: true,
  // s3rver stores aws-chunked framing verbatim when the SDK adds default checksums.
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
} as const;

/** Created once per process (module scope in Lambda) and injected everywhere else. */
export function createStorageClients(options: ClientOptions): StorageClients {
  const emulated = EMULATOR_CREDENTIALS;
  const dynamo = new DynamoDBClient({
    region: options.region,
    ...(options.dynamoEndpoint ? { endpoint: options.dynamoEndpoint, credentials: emulated } : {}),
  });
  const s3 = new S3Client({
    region: options.region,
    ...(options.s3Endpoint ? { endpoint: options.s3Endpoint, ...S3RVER_CLIENT_SETTINGS } : {}),
  });
  const doc = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  return { dynamo, doc, s3 };
}
