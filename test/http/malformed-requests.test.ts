import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../support/test-stack.js';

let stack: TestStack;

beforeAll(async () => {
  stack = await createTestStack();
  for (const [name, partitions] of [
    ['orders', 3],
    ['wide', 64],
  ] as const) {
    expect((await stack.request('POST', '/v1/topics', { name, partitions })).status).toBe(201);
  }
  expect((await stack.request('POST', '/v1/topics/orders/records', { records: [{ partition: 0, value: 'seed' }] })).status).toBe(200);
});

/** Everything a bad request could have changed: topics, every head, every object. */
async function snapshot() {
  const topics = (await (await stack.request('GET', '/v1/topics')).json()) as { topics: { name: string; partitions: number }[] };
  const heads = await Promise.all(
    topics.topics.map(async (t) => [t.name, t.partitions, await (await stack.request('GET', `/v1/topics/${t.name}/partitions`)).json()]),
  );
  const objects = await stack.clients.s3.send(new ListObjectsV2Command({ Bucket: stack.bucket }));
  return { heads, objects: (objects.Contents ?? []).map((o) => o.Key).sort() };
}

const produce = (body: unknown, headers?: Record<string, string>): Request => ['POST', '/v1/topics/orders/records', body, headers];
const big = (bytes: number) => 'x'.repeat(bytes);
type Request = readonly [string, string, unknown?, Record<string, string>?];
type Case = [name: string, status: number, code: string, request: Request];

const cases: Case[] = [
  ['body that is not JSON', 400, 'INVALID_JSON', ['POST', '/v1/topics', '{"name": "x",']],
  ['topic name with a slash', 400, 'INVALID_REQUEST', ['POST', '/v1/topics', { name: 'a/b', partitions: 1 }]],
  ['topic name ".."', 400, 'INVALID_REQUEST', ['POST', '/v1/topics', { name: '..', partitions: 1 }]],
  ['topic name of 250 characters', 400, 'INVALID_REQUEST', ['POST', '/v1/topics', { name: 'n'.repeat(250), partitions: 1 }]],
  ['zero partitions', 400, 'INVALID_REQUEST', ['POST', '/v1/topics', { name: 'zero', partitions: 0 }]],
  ['1025 partitions', 400, 'INVALID_REQUEST', ['POST', '/v1/topics', { name: 'many', partitions: 1025 }]],
  ['partitions as a string', 400, 'INVALID_REQUEST', ['POST', '/v1/topics', { name: 'str', partitions: '3' }]],
  ['a misspelled option', 400, 'INVALID_REQUEST', ['POST', '/v1/topics', { name: 'typo', partitions: 1, retension: { ms: 1 } }]],
  ['an unknown compression', 400, 'INVALID_REQUEST', ['POST', '/v1/topics', { name: 'snappy', partitions: 1, compression: 'snappy' }]],
  ['a duplicate topic', 409, 'TOPIC_EXISTS', ['POST', '/v1/topics', { name: 'orders', partitions: 1 }]],
  ['an unknown topic', 404, 'TOPIC_NOT_FOUND', ['GET', '/v1/topics/nope']],
  ['shrinking partitions', 422, 'PARTITIONS_CANNOT_SHRINK', ['PATCH', '/v1/topics/orders', { partitions: 2 }]],
  ['produce to an unknown topic', 404, 'TOPIC_NOT_FOUND', ['POST', '/v1/topics/nope/records', { records: [{ value: 1 }] }]],
  ['records not an array', 400, 'INVALID_REQUEST', produce({ records: { value: 1 } })],
  ['no records', 400, 'INVALID_REQUEST', produce({ records: [] })],
  ['a record without a value', 400, 'INVALID_REQUEST', produce({ records: [{ key: 'k' }] })],
  ['a numeric key', 400, 'INVALID_REQUEST', produce({ records: [{ key: 5, value: 1 }] })],
  ['a partition the topic lacks', 404, 'PARTITION_NOT_FOUND', produce({ records: [{ partition: 3, value: 1 }] })],
  ['a negative partition', 400, 'INVALID_REQUEST', produce({ records: [{ partition: -1, value: 1 }] })],
  ['a negative timestamp', 400, 'INVALID_REQUEST', produce({ records: [{ value: 1, timestamp: -5 }] })],
  ['a fractional timestamp', 400, 'INVALID_REQUEST', produce({ records: [{ value: 1, timestamp: 1.5 }] })],
  ['bad base64', 400, 'INVALID_REQUEST', produce({ encoding: 'base64', records: [{ value: 'not base64!' }] })],
  ['an unknown encoding', 400, 'INVALID_REQUEST', produce({ encoding: 'hex', records: [{ value: '00' }] })],
  ['a numeric header value', 400, 'INVALID_REQUEST', produce({ records: [{ value: 1, headers: { h: 1 } }] })],
  ['one bad record among good ones', 400, 'INVALID_REQUEST', produce({ records: [{ value: 1 }, { value: 2, partition: 'x' }] })],
  ['a record over 1 MiB', 413, 'RECORD_TOO_LARGE', produce({ encoding: 'string', records: [{ value: big(1024 * 1024 + 1) }] })],
  ['a body over 6 MB', 413, 'REQUEST_TOO_LARGE', produce({ encoding: 'string', records: Array.from({ length: 7 }, () => ({ value: big(900_000) })) })],
  ['10,001 records', 413, 'TOO_MANY_RECORDS', produce({ records: Array.from({ length: 10_001 }, () => ({ value: 1 })) })],
  ['records over 50 partitions', 422, 'TOO_MANY_PARTITIONS', ['POST', '/v1/topics/wide/records', { records: Array.from({ length: 50 }, (_, partition) => ({ partition, value: 1 })) }]],
  ['an Idempotency-Key with spaces', 400, 'INVALID_REQUEST', produce({ records: [{ value: 1 }] }, { 'idempotency-key': 'has spaces' })],
  ['a body that is not application/json', 415, 'UNSUPPORTED_MEDIA_TYPE', ['POST', '/v1/topics/orders/records', 'value=1', { 'content-type': 'text/plain' }]],
  ['no Authorization header', 401, 'UNAUTHORIZED', ['GET', '/v1/topics', undefined, { authorization: '' }]],
  ['a wrong API key', 401, 'UNAUTHORIZED', ['GET', '/v1/topics', undefined, { authorization: 'Bearer wrong-key' }]],
  ['produce without an API key', 401, 'UNAUTHORIZED', ['POST', '/v1/topics/orders/records', { records: [{ value: 1 }] }, { authorization: '' }]],
  ['a negative offset', 400, 'INVALID_REQUEST', ['GET', '/v1/topics/orders/partitions/0/records?offset=-1']],
  ['a non-numeric offset', 400, 'INVALID_REQUEST', ['GET', '/v1/topics/orders/partitions/0/records?offset=abc']],
  ['an offset in exponent form', 400, 'INVALID_REQUEST', ['GET', '/v1/topics/orders/partitions/0/records?offset=1e3']],
  ['a limit over 10,000', 400, 'INVALID_REQUEST', ['GET', '/v1/topics/orders/partitions/0/records?limit=10001']],
  ['waitMs over 20 s', 400, 'INVALID_REQUEST', ['GET', '/v1/topics/orders/partitions/0/records?waitMs=20001']],
  ['a non-numeric partition', 400, 'INVALID_REQUEST', ['GET', '/v1/topics/orders/partitions/x/records']],
  ['a partition out of range', 404, 'PARTITION_NOT_FOUND', ['GET', '/v1/topics/orders/partitions/5/records']],
  ['an offset past the high watermark', 416, 'OFFSET_OUT_OF_RANGE', ['GET', '/v1/topics/orders/partitions/0/records?offset=2']],
  ['a timestamp that is not a number', 400, 'INVALID_REQUEST', ['GET', '/v1/topics/orders/partitions/0/offsets?timestamp=yesterday']],
  ['a missing timestamp', 400, 'INVALID_REQUEST', ['GET', '/v1/topics/orders/partitions/0/offsets']],
  ['an unknown route', 404, 'NOT_FOUND', ['GET', '/v1/nothing-here']],
  ['joining with an unknown topic', 404, 'TOPIC_NOT_FOUND', ['POST', '/v1/groups/g/members', { topics: ['nope'] }]],
  ['a session timeout under 6 s', 400, 'INVALID_REQUEST', ['POST', '/v1/groups/g/members', { topics: ['orders'], sessionTimeoutMs: 1000 }]],
  ['a member id with a slash', 400, 'INVALID_REQUEST', ['POST', '/v1/groups/g/members/a%2Fb/heartbeat']],
  ['a heartbeat to an unknown group', 404, 'GROUP_NOT_FOUND', ['POST', '/v1/groups/nogroup/members/m1/heartbeat']],
  ['a commit without offsets', 400, 'INVALID_REQUEST', ['POST', '/v1/groups/g/offsets', { memberId: 'm1', generation: 1, offsets: [] }]],
  ['a seek to nowhere', 400, 'INVALID_REQUEST', ['POST', '/v1/groups/g/seek', { topic: 'orders', to: 'middle' }]],
  ['a group fetch without memberId', 400, 'INVALID_REQUEST', ['GET', '/v1/groups/g/records']],
];

describe('malformed requests', () => {
  it.each(cases)('%s → %i %s, and nothing changes', async (_name, status, code, [method, path, body, headers]) => {
    const before = await snapshot();
    const res = await stack.request(method, path, body, headers);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { code: string; detail: string; status: number };
    expect(problem.code).toBe(code);
    expect(problem.status).toBe(status);
    expect(problem.detail.length).toBeGreaterThan(10);
    expect(await snapshot()).toEqual(before);
  });

  it('names every offending field', async () => {
    const res = await stack.request(...produce({ records: [{ value: 1, timestamp: -1 }, { key: 7, value: 2 }] }));
    const problem = (await res.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((e) => e.path)).toEqual(['records.0.timestamp', 'records.1.key']);
  });
});
