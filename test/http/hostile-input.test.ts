import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchObjectKey, buildBatchObject } from '../../shared/log/batch-object.js';
import { commitBatchObject } from '../../shared/log/commit.js';
import { createTestStack, type TestStack } from '../support/test-stack.js';

/**
 * Regressions for issue 12, item 5: hostile input that answered 500 (or was silently
 * altered) gets a 4xx problem+json with a stable code, and writes nothing at all.
 */
let stack: TestStack;

beforeAll(async () => {
  stack = await createTestStack();
  expect((await stack.request('POST', '/v1/topics', { name: 'orders', partitions: 2 })).status).toBe(201);
  expect((await stack.request('POST', '/v1/topics/orders/records', { records: [{ partition: 0, value: 'seed' }] })).status).toBe(200);
});

/** Every table item and every object key: what a refused request must leave untouched. */
async function snapshot(): Promise<string> {
  const items = (await stack.clients.doc.send(new ScanCommand({ TableName: stack.table, ConsistentRead: true }))).Items ?? [];
  const objects = (await stack.clients.s3.send(new ListObjectsV2Command({ Bucket: stack.bucket }))).Contents ?? [];
  return JSON.stringify([items.map((i) => JSON.stringify(i, Object.keys(i).sort())).sort(), objects.map((o) => o.Key).sort()]);
}

const produce = (body: string) => ['POST', '/v1/topics/orders/records', body] as const;
const nested = (depth: number) => `{"records":[{"value":${'['.repeat(depth)}${']'.repeat(depth)}}]}`;
const manyKeys = `{"records":[{"value":{${Array.from({ length: 200_000 }, (_, i) => `"${i}":0`).join(',')}}}]}`;

type Case = [name: string, status: number, code: string, request: readonly [string, string, string?], errorPath?: string];
const cases: Case[] = [
  ['a value nested 5,000 deep', 400, 'INVALID_REQUEST', produce(nested(5000)), 'records.0.value'],
  ['a value nested 65 deep', 400, 'INVALID_REQUEST', produce(nested(65)), 'records.0.value'],
  ['an object value with 200,000 keys (2 MB)', 413, 'RECORD_TOO_LARGE', produce(manyKeys)],
  ['timestamps 0 and 8.64e15 in one request', 400, 'INVALID_REQUEST', produce('{"records":[{"value":"a","timestamp":0},{"value":"b","timestamp":8640000000000000}]}'), 'records.1.timestamp'],
  ['a timestamp in year 10000', 400, 'INVALID_REQUEST', produce('{"records":[{"value":"a","timestamp":253402300800000}]}'), 'records.0.timestamp'],
  ['10,001 records', 413, 'TOO_MANY_RECORDS', produce(JSON.stringify({ records: Array.from({ length: 10_001 }, () => ({ value: 1 })) }))],
  ['a lone surrogate in a key', 400, 'INVALID_REQUEST', produce('{"records":[{"key":"a\\ud800","value":1}]}'), 'records.0.key'],
  ['a lone surrogate in a JSON value', 400, 'INVALID_REQUEST', produce('{"records":[{"value":{"s":["\\udc00"]}}]}'), 'records.0.value'],
  ['a lone surrogate in a JSON value key', 400, 'INVALID_REQUEST', produce('{"records":[{"value":{"\\ud800":1}}]}'), 'records.0.value'],
  ['a lone surrogate in a string value', 400, 'INVALID_REQUEST', produce('{"encoding":"string","records":[{"value":"\\ud83d"}]}'), 'records.0.value'],
  ['a lone surrogate in a header value', 400, 'INVALID_REQUEST', produce('{"records":[{"value":1,"headers":{"h":"\\ud800"}}]}'), 'records.0.headers.h'],
  ['a lone surrogate in a header name', 400, 'INVALID_REQUEST', produce('{"records":[{"value":1,"headers":{"\\ud800":"v"}}]}'), 'records.0.headers'],
  ['a number 1e400', 400, 'INVALID_REQUEST', produce('{"records":[{"value":1e400}]}'), 'records.0.value'],
  ['a number -1e400 deep inside a value', 400, 'INVALID_REQUEST', produce('{"records":[{"value":{"a":[1,{"b":-1e400}]}}]}'), 'records.0.value'],
  ['fetch with limit=0', 400, 'INVALID_REQUEST', ['GET', '/v1/topics/orders/partitions/0/records?offset=0&limit=0']],
  ['fetch with maxBytes=0', 400, 'INVALID_REQUEST', ['GET', '/v1/topics/orders/partitions/0/records?offset=0&maxBytes=0']],
  ['a group fetch with limit=0', 400, 'INVALID_REQUEST', ['GET', '/v1/groups/g/records?memberId=m&limit=0']],
  ['a group fetch with maxBytes=0', 400, 'INVALID_REQUEST', ['GET', '/v1/groups/g/records?memberId=m&maxBytes=0']],
  ['PUT on /v1/topics', 405, 'METHOD_NOT_ALLOWED', ['PUT', '/v1/topics', '{}']],
  ['DELETE on a topic’s records', 405, 'METHOD_NOT_ALLOWED', ['DELETE', '/v1/topics/orders/records']],
];

describe('hostile input', () => {
  it.each(cases)('%s → %i %s, and nothing is written', async (_name, status, code, [method, path, body], errorPath) => {
    const before = await snapshot();
    const res = await stack.request(method, path, body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { code: string; status: number; detail: string; errors?: { path: string }[] };
    expect([problem.status, problem.code]).toEqual([status, code]);
    expect(problem.detail.length).toBeGreaterThan(10);
    if (errorPath) expect(problem.errors?.map((e) => e.path)).toContain(errorPath);
    expect(await snapshot()).toBe(before);
  });

  it('answers 405 with an Allow header naming the methods the path has', async () => {
    const res = await stack.request('PUT', '/v1/topics');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect(((await res.json()) as { allow: string[] }).allow).toEqual(['GET', 'POST']);
    expect((await stack.request('POST', '/v1/topics/orders/partitions/0/records')).headers.get('allow')).toBe('GET');
  });

  it('stores a 200,000-element array value (0.4 MB) and reads it back unchanged', async () => {
    const value = new Array(200_000).fill(0);
    const res = await stack.request('POST', '/v1/topics/orders/records', { records: [{ partition: 1, value }] });
    expect(res.status).toBe(200);
    const { offsets } = (await res.json()) as { offsets: { offset: number }[] };
    const fetched = (await (await stack.request('GET', `/v1/topics/orders/partitions/1/records?offset=${offsets[0]!.offset}&limit=1`)).json()) as { records: { value: unknown }[] };
    expect(fetched.records[0]!.value).toEqual(value);
  });

  it('accepts nesting of exactly 64 levels and the last timestamp RFC 3339 can write', async () => {
    const res = await stack.request('POST', '/v1/topics/orders/records', `{"records":[{"partition":1,"value":${'['.repeat(64)}${']'.repeat(64)},"timestamp":253402300799999}]}`);
    expect(res.status).toBe(200);
  });

  // What produce acknowledged before the timestamp limit: every fetch of the partition then answered 500.
  it('reads a partition an older release poisoned with timestamps 0 and 8.64e15 in one batch', async () => {
    expect((await stack.request('POST', '/v1/topics', { name: 'poisoned', partitions: 1 })).status).toBe(201);
    const topic = (await stack.log.topics.get('poisoned'))!;
    const utf8 = (s: string) => new TextEncoder().encode(s);
    const records = [0, 8_640_000_000_000_000].map((timestamp, i) => ({ key: null, value: utf8(`"${'ab'[i]}"`), headers: [], timestamp }));
    const { body, sections } = buildBatchObject(new Map([[0, records]]), 'none');
    const objectKey = batchObjectKey('poisoned', Date.now());
    await stack.log.store.putObject(objectKey, body, { 'topic-id': topic.topicId, partitions: '0' });
    await commitBatchObject(stack.log, { topic, objectKey, sections });
    const res = await stack.request('GET', '/v1/topics/poisoned/partitions/0/records?offset=0');
    expect(res.status).toBe(200);
    const { records: fetched } = (await res.json()) as { records: { value: string; timestamp: number }[] };
    expect(fetched.map((r) => [r.value, r.timestamp])).toEqual([
      ['a', 0],
      ['b', 8_640_000_000_000_000],
    ]);
  });
});
