import { afterAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../shared/http/app.js';
import { freePort } from '../../shared/local/free-port.js';
import { createRuntime } from '../../shared/runtime/create-runtime.js';
import { createStorageClients } from '../../shared/storage/clients.js';
import { storageFailureKind } from '../../shared/storage/storage-failure.js';
import { createTestStack, type TestStack } from '../support/test-stack.js';

/**
 * Storage that does not answer is a 503 + Retry-After naming the part, never a 500
 * (issue 12, item 3). The failures are real: clients aimed at a port nobody listens on.
 */
describe('storage outages', () => {
  const stacks: TestStack[] = [];
  afterAll(() => {
    for (const s of stacks) {
      s.clients.dynamo.destroy();
      s.clients.s3.destroy();
    }
  });

  async function stackWith(dead: 'dynamodb' | 's3'): Promise<TestStack> {
    // Provision on the live emulators first, then swap in clients with one endpoint dead.
    const live = await createTestStack();
    const { dynamoEndpoint, s3Endpoint } = inject('emulators');
    const deadEndpoint = `http://127.0.0.1:${await freePort()}`;
    const clients = createStorageClients({
      region: 'us-east-1',
      dynamoEndpoint: dead === 'dynamodb' ? deadEndpoint : dynamoEndpoint,
      s3Endpoint: dead === 's3' ? deadEndpoint : s3Endpoint,
    });
    expect((await live.request('POST', '/v1/topics', { name: 'down', partitions: 1 })).status).toBe(201);
    const runtime = createRuntime({ clients, table: live.table, bucket: live.bucket, rootKey: 'test-root-key-0123456789' });
    const app = createApp(runtime);
    const stack = {
      ...live,
      clients,
      runtime,
      log: runtime.log,
      app,
      request: async (method: string, path: string, body?: unknown) =>
        app.request(path, {
          method,
          headers: { authorization: 'Bearer test-root-key-0123456789', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        }),
    };
    stacks.push(stack);
    return stack;
  }

  it('DynamoDB down: produce and health answer 503 problem+json with Retry-After, naming dynamodb', async () => {
    const stack = await stackWith('dynamodb');
    const produce = await stack.request('POST', '/v1/topics/down/records', { records: [{ value: 1 }] });
    expect(produce.status).toBe(503);
    expect(produce.headers.get('content-type')).toBe('application/problem+json');
    expect(produce.headers.get('retry-after')).toBe('1');
    expect(await produce.json()).toMatchObject({ code: 'STORAGE_UNAVAILABLE', parts: ['dynamodb'] });

    const health = await stack.request('GET', '/v1/health');
    expect(health.status).toBe(503);
    expect(health.headers.get('retry-after')).toBe('1');
    expect(await health.json()).toMatchObject({ code: 'STORAGE_UNAVAILABLE', parts: ['dynamodb'] });
  });

  it('S3 down: produce and health answer 503 naming s3', async () => {
    const stack = await stackWith('s3');
    const produce = await stack.request('POST', '/v1/topics/down/records', { records: [{ value: 1 }] });
    expect(produce.status).toBe(503);
    expect(await produce.json()).toMatchObject({ code: 'STORAGE_UNAVAILABLE', parts: ['s3'] });
    const health = await stack.request('GET', '/v1/health');
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ parts: ['s3'] });
  });

  it('health answers 200 when both answer', async () => {
    const stack = await createTestStack();
    const health = await stack.request('GET', '/v1/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });
});

describe('storageFailureKind', () => {
  // The names AWS answers with when it throttles or fails; matched by name, as the SDK builds them.
  const named = (name: string, status?: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
  it.each([
    ['ThrottlingException', 400, 'throttled'],
    ['ProvisionedThroughputExceededException', 400, 'throttled'],
    ['RequestLimitExceeded', 400, 'throttled'],
    ['SlowDown', 503, 'throttled'],
    ['ServiceUnavailable', 503, 'unavailable'],
    ['InternalServerError', 500, 'unavailable'],
    ['UnknownError', 502, 'unavailable'],
    ['ConditionalCheckFailedException', 400, undefined],
    ['NoSuchKey', 404, undefined],
  ] as const)('%s (%i) is %s', (name, status, kind) => {
    expect(storageFailureKind(named(name, status))).toBe(kind);
  });
  it('a reset connection is unavailable; a plain bug is not a storage failure', () => {
    expect(storageFailureKind(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('unavailable');
    expect(storageFailureKind(new TypeError('x is undefined'))).toBeUndefined();
  });
});
