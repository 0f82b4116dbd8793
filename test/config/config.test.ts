import { describe, expect, it } from 'vitest';
import { loadConfig, parseRootKey } from '../../shared/config.js';
import { DEFAULT_COMMIT_BUDGET_MS, DEFAULT_MAINTENANCE_SETTINGS } from '../../shared/model/settings.js';

const KEY = 'k'.repeat(16);

describe('loadConfig', () => {
  it('gives every setting its default when the environment is empty', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      rootKey: undefined,
      rootKeySecretArn: undefined,
      dataDir: '.freshet',
      table: 'freshet',
      bucket: 'freshet',
      dynamoEndpoint: undefined,
      s3Endpoint: undefined,
      region: 'us-east-1',
      commitBudgetMs: DEFAULT_COMMIT_BUDGET_MS,
      maintenance: {
        intervalMs: 60_000,
        compactAfterMs: DEFAULT_MAINTENANCE_SETTINGS.compactAfterMs,
        segmentBytes: DEFAULT_MAINTENANCE_SETTINGS.segmentBytes,
        orphanGraceMs: DEFAULT_MAINTENANCE_SETTINGS.orphanGraceMs,
        coldStorageClass: 'STANDARD_IA',
      },
      webhookAllowLoopback: undefined,
      logRequests: false,
    });
  });

  it('reads what a deployed function is given', () => {
    const config = loadConfig({
      PORT: '9000',
      FRESHET_ROOT_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:freshet-root-AbCdEf',
      FRESHET_TABLE: 'orders-table',
      FRESHET_BUCKET: 'orders-bucket',
      FRESHET_S3_ENDPOINT: ' http://127.0.0.1:4569 ',
      AWS_REGION: 'eu-west-1',
      FRESHET_COMMIT_BUDGET_MS: '2500',
      FRESHET_SEGMENT_BYTES: '1048576',
      FRESHET_COLD_STORAGE_CLASS: 'GLACIER_IR',
      FRESHET_WEBHOOK_ALLOW_LOOPBACK: 'false',
      FRESHET_LOG_REQUESTS: 'yes',
    });
    expect(config).toMatchObject({
      port: 9000,
      rootKeySecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:freshet-root-AbCdEf',
      table: 'orders-table',
      bucket: 'orders-bucket',
      s3Endpoint: 'http://127.0.0.1:4569',
      region: 'eu-west-1',
      commitBudgetMs: 2500,
      maintenance: { segmentBytes: 1048576, coldStorageClass: 'GLACIER_IR' },
      webhookAllowLoopback: false,
      logRequests: true,
    });
  });

  it('names every wrong variable and why, in one error', () => {
    expect(() =>
      loadConfig({
        PORT: 'eighty',
        FRESHET_ROOT_KEY: 'short',
        FRESHET_ROOT_KEY_SECRET_ARN: 'arn:aws:s3:::bucket',
        FRESHET_TABLE: 'ab',
        FRESHET_BUCKET: 'b'.repeat(64),
        FRESHET_DYNAMODB_ENDPOINT: 'not a url',
        FRESHET_COMMIT_BUDGET_MS: '1.5',
        FRESHET_ORPHAN_GRACE_MS: '1000',
        FRESHET_SEGMENT_BYTES: String(6 * 1024 ** 3),
        FRESHET_COLD_STORAGE_CLASS: 'GLACIER',
        FRESHET_WEBHOOK_ALLOW_LOOPBACK: 'yes',
      }),
    ).toThrow(
      'invalid configuration: PORT: Invalid input: expected number, received NaN; ' +
        'FRESHET_ROOT_KEY: the root key must be at least 16 characters; ' +
        'FRESHET_ROOT_KEY_SECRET_ARN: must be a Secrets Manager secret ARN; ' +
        'FRESHET_TABLE: Too small: expected string to have >=3 characters; ' +
        'FRESHET_BUCKET: Too big: expected string to have <=63 characters; ' +
        'FRESHET_DYNAMODB_ENDPOINT: Invalid URL; ' +
        'FRESHET_COMMIT_BUDGET_MS: Invalid input: expected int, received number; ' +
        'FRESHET_SEGMENT_BYTES: Too big: expected number to be <=5368709120; ' +
        'FRESHET_ORPHAN_GRACE_MS: Too small: expected number to be >=60000; ' +
        'FRESHET_COLD_STORAGE_CLASS: Invalid option: expected one of "STANDARD_IA"|"ONEZONE_IA"|"INTELLIGENT_TIERING"|"GLACIER_IR"; ' +
        'FRESHET_WEBHOOK_ALLOW_LOOPBACK: Invalid option: expected one of "true"|"false"',
    );
  });

  it('refuses an empty value where a name is needed, and reads an unset one as its default', () => {
    expect(() => loadConfig({ AWS_REGION: '' })).toThrow('AWS_REGION: Too small: expected string to have >=1 characters');
    expect(loadConfig({ AWS_REGION: undefined }).region).toBe('us-east-1');
  });
});

describe('parseRootKey', () => {
  it('takes a key of 16 characters or more and refuses a shorter one', () => {
    expect(parseRootKey(KEY)).toBe(KEY);
    expect(() => parseRootKey('k'.repeat(15))).toThrow('the root key must be at least 16 characters');
  });
});
