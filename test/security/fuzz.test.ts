import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { OpenApiResponseValidator } from '../support/openapi-validator.js';
import { createTestStack, type TestStack } from '../support/test-stack.js';

/**
 * Property-based fuzzing of every route with invalid, extreme and adversarial input:
 * nothing answers 5xx, a request that is rejected changes nothing (heads, topics,
 * groups, keys, objects), and every answer conforms to openapi.yaml (status, content
 * type, body schema), so the spec cannot drift from what the server does.
 */
let stack: TestStack;
let memberId: string;

beforeAll(async () => {
  stack = await createTestStack();
  await stack.request('POST', '/v1/topics', { name: 'orders', partitions: 3 });
  await stack.request('POST', '/v1/topics/orders/records', { records: [{ key: 'a', value: 1 }, { key: 'b', value: 2 }] });
  memberId = ((await (await stack.request('POST', '/v1/groups/g/members', { topics: ['orders'] })).json()) as { memberId: string }).memberId;
});

/** Table items and object keys, without what successful reads legitimately touch. */
async function snapshot(): Promise<string> {
  const items = (await stack.clients.doc.send(new ScanCommand({ TableName: stack.table }))).Items ?? [];
  const kept = items
    .filter((i) => !String(i.sk).startsWith('MEMBER#') && !String(i.sk).startsWith('POSITION#'))
    .map(({ lastUsedAt: _l, ...rest }) => rest)
    .map((i) => JSON.stringify(i, Object.keys(i).sort()))
    .sort();
  const objects = (await stack.clients.s3.send(new ListObjectsV2Command({ Bucket: stack.bucket }))).Contents ?? [];
  return JSON.stringify([kept, objects.map((o) => o.Key).sort()]);
}

const nasty = fc.constantFrom('', '.', '..', '%2e%2e', '__proto__', 'constructor', 'orders', 'a'.repeat(300), '../../etc/passwd', '%00', '🙂', ' ', 'orders#0', 'O#00000000000000000000');
const segment = fc.oneof(nasty, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 })).map((s) => encodeURIComponent(s));
const number = fc.oneof(
  fc.constantFrom('-1', '1e3', '1e309', '9007199254740993', '99999999999999999999', 'NaN', 'Infinity', '0x10', '', ' 1', '1.5', '+1', '-0'),
  fc.integer().map(String),
  fc.string({ maxLength: 10 }),
);
const query = fc
  .dictionary(fc.constantFrom('offset', 'limit', 'maxBytes', 'waitMs', 'encoding', 'timestamp', 'memberId', 'generation', '__proto__'), number, { maxKeys: 4 })
  .map((q) => new URLSearchParams(Object.entries(q).map(([k, v]): [string, string] => [k, k === 'waitMs' ? '0' : v])).toString());
const weird = fc.oneof(fc.anything({ maxDepth: 3 }), fc.constantFrom(null, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, '__proto__', [], {}, true));
const record = fc.record(
  {
    key: weird,
    value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), weird),
    headers: fc.oneof(fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', '')), weird, { maxKeys: 3 }), weird),
    partition: weird,
    timestamp: weird,
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.constantFrom(
    '{',
    '[]',
    'null',
    '"x"',
    '{"records":null}',
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    '{"__proto__":{"admin":true}}',
    // Issue 12's hostile produce bodies.
    `{"records":[{"value":${'['.repeat(5000)}${']'.repeat(5000)}}]}`,
    '{"records":[{"value":"a","timestamp":0},{"value":"b","timestamp":8640000000000000}]}',
    '{"records":[{"key":"\\ud800","value":1}]}',
    '{"records":[{"value":1e400}]}',
  ),
  fc.record({ records: fc.array(record, { maxLength: 4 }), encoding: weird }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
  fc.record({ name: fc.oneof(segment, weird), partitions: weird, retention: weird, compression: weird, scopes: weird, topics: weird }, { requiredKeys: [] }).map((b) =>
    JSON.stringify(b),
  ),
  fc.record({ memberId: weird, generation: weird, offsets: fc.array(fc.record({ topic: weird, partition: weird, offset: weird }), { maxLength: 3 }), to: weird }, { requiredKeys: [] }).map((b) =>
    JSON.stringify(b),
  ),
);

const subscriptionBody = fc
  .record(
    {
      name: fc.oneof(fc.string(), weird),
      topic: fc.oneof(fc.constant('orders'), segment, weird),
      url: fc.oneof(fc.constantFrom('http://127.0.0.1/x', 'https://169.254.169.254/latest', 'file:///etc/passwd', 'https://[::1]/', 'javascript:alert(1)'), fc.webUrl(), weird),
      batchSize: weird,
      maxAttempts: weird,
      backoff: weird,
      filter: weird,
      format: weird,
      state: weird,
      startAt: weird,
    },
    { requiredKeys: [] },
  )
  .map((b) => JSON.stringify(b));
const replayBody = fc
  .record({ topic: fc.oneof(fc.constant('orders'), weird), from: weird, to: weird, target: fc.oneof(weird, fc.record({ topic: weird }), fc.record({ subscription: weird })) }, { requiredKeys: [] })
  .map((b) => JSON.stringify(b));

type Req = { method: string; path: string; body?: string; headers?: Record<string, string> };
const requests: fc.Arbitrary<Req> = fc.oneof(
  fc.record({ method: fc.constant('POST'), path: fc.constant('/v1/topics'), body }),
  fc.record({ method: fc.constantFrom('GET', 'PATCH', 'DELETE'), path: segment.map((t) => `/v1/topics/${t}`), body }),
  fc.record({ method: fc.constant('GET'), path: segment.map((t) => `/v1/topics/${t}/partitions`) }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.oneof(fc.constant('orders'), segment).map((t) => `/v1/topics/${t}/records`),
    body,
    headers: fc.record({ 'idempotency-key': fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('ok-key', '')) }).map((h) => h),
  }),
  fc.record({ method: fc.constant('GET'), path: fc.tuple(fc.oneof(fc.constant('orders'), segment), fc.oneof(segment, fc.constantFrom('0', '3', '-1')), query).map(([t, p, q]) => `/v1/topics/${t}/partitions/${p}/records?${q}`) }),
  fc.record({ method: fc.constant('GET'), path: fc.tuple(fc.oneof(fc.constant('orders'), segment), query).map(([t, q]) => `/v1/topics/${t}/partitions/0/offsets?${q}`) }),
  fc.record({ method: fc.constant('POST'), path: fc.oneof(fc.constant('g'), segment).map((g) => `/v1/groups/${g}/members`), body }),
  fc.record({ method: fc.constantFrom('POST', 'DELETE'), path: fc.tuple(segment, fc.oneof(segment, fc.constant('member'))).map(([g, m]) => `/v1/groups/${g}/members/${m === 'member' ? memberId : m}${Math.random() < 0.5 ? '/heartbeat' : ''}`) }),
  fc.record({ method: fc.constant('GET'), path: fc.tuple(fc.oneof(fc.constant('g'), segment), query).map(([g, q]) => `/v1/groups/${g}/records?${q}`) }),
  fc.record({ method: fc.constant('POST'), path: fc.oneof(fc.constant('g'), segment).map((g) => `/v1/groups/${g}/offsets`), body }),
  fc.record({ method: fc.constant('POST'), path: fc.oneof(fc.constant('g'), segment).map((g) => `/v1/groups/${g}/seek`), body }),
  fc.record({ method: fc.constantFrom('GET', 'DELETE'), path: segment.map((g) => `/v1/groups/${g}`) }),
  fc.record({ method: fc.constant('POST'), path: fc.constant('/v1/keys'), body }),
  fc.record({ method: fc.constant('DELETE'), path: segment.map((id) => `/v1/keys/${id}`) }),
  fc.record({ method: fc.constant('POST'), path: fc.constant('/v1/subscriptions'), body: fc.oneof(body, subscriptionBody) }),
  fc.record({ method: fc.constantFrom('GET', 'PATCH', 'DELETE'), path: segment.map((id) => `/v1/subscriptions/${id}`), body: fc.oneof(body, subscriptionBody) }),
  fc.record({ method: fc.constant('POST'), path: fc.tuple(segment, fc.constantFrom('seek', 'rotate-secret')).map(([id, what]) => `/v1/subscriptions/${id}/${what}`), body }),
  fc.record({ method: fc.constant('POST'), path: fc.constant('/v1/replays'), body: fc.oneof(body, replayBody) }),
  fc.record({ method: fc.constantFrom('GET', 'DELETE'), path: segment.map((id) => `/v1/replays/${id}`) }),
  fc.record({ method: fc.constant('POST'), path: fc.constant('/v1/maintenance/run'), body }),
);

describe('fuzzing every route', () => {
  it('answers 2,000+ hostile requests with no 5xx, as openapi.yaml says, and the rejected ones change nothing', async () => {
    const samples = fc.sample(requests, { numRuns: 2100, seed: 20261121 });
    const spec = new OpenApiResponseValidator();
    const offSpec: string[] = [];
    let before = await snapshot();
    let mutatedInBatch = false;
    const statuses = new Map<number, number>();
    for (const [i, r] of samples.entries()) {
      const res = await stack.app.request(r.path, {
        method: r.method,
        headers: { authorization: `Bearer ${'test-root-key-0123456789'}`, 'content-type': 'application/json', ...r.headers },
        ...(r.body !== undefined && r.method !== 'GET' ? { body: r.body } : {}),
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, `${r.method} ${r.path} ${r.body?.slice(0, 200)}`).toBeLessThan(500);
      offSpec.push(...(await spec.check(r.method, r.path, res)));
      if (res.status < 400 && r.method !== 'GET') mutatedInBatch = true;
      if (res.status < 400 && r.path.includes('/records?')) mutatedInBatch = true; // a group fetch moves positions
      if (i % 25 === 24 || i === samples.length - 1) {
        const after = await snapshot();
        if (!mutatedInBatch) expect(after).toBe(before);
        before = after;
        mutatedInBatch = false;
      }
    }
    console.log(`fuzz: ${samples.length} requests checked against openapi.yaml, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    expect(samples.length).toBeGreaterThanOrEqual(2000);
    expect([...new Set(offSpec)].slice(0, 20)).toEqual([]);
  });
});
