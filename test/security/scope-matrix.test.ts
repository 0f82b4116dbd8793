import { beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../support/test-stack.js';

/**
 * Every route × {admin, matching scope, other topic, no scope, revoked, missing}: the
 * route's scope is checked before it does anything, with 401 for a missing or revoked
 * key and 403 for a valid key without the scope.
 */
let stack: TestStack;
const keys: Record<string, string> = {};
let memberId: string;
let generation: number;
let keyToDelete: string;
let subscriptionId: string;
let replayId: string;

beforeAll(async () => {
  stack = await createTestStack({ subscriptions: { policy: { allowLoopback: true } } });
  for (const name of ['orders', 'other', 'orders-copy']) expect((await stack.request('POST', '/v1/topics', { name, partitions: 1 })).status).toBe(201);
  await stack.request('POST', '/v1/topics/orders/records', { records: [{ value: 1 }, { value: 2 }] });
  const make = async (name: string, scopes: unknown[]) => {
    const res = await stack.request('POST', '/v1/keys', { name, scopes });
    expect(res.status).toBe(201);
    return ((await res.json()) as { key: string }).key;
  };
  keys.admin = await make('admin', ['admin']);
  keys.matching = await make('orders-all', [{ topics: 'ord*', actions: ['produce', 'consume', 'subscribe'] }]);
  keys.other = await make('other-only', [{ topics: 'other', actions: ['produce', 'consume', 'subscribe'] }]);
  keys.none = await make('nothing', [{ topics: 'nothing-matches-this', actions: ['subscribe'] }]);
  keys.revoked = await make('revoked', ['admin']);
  const listed = (await (await stack.request('GET', '/v1/keys')).json()) as { keys: { id: string; name: string }[] };
  const revokedId = listed.keys.find((k) => k.name === 'revoked')!.id;
  expect((await stack.request('DELETE', `/v1/keys/${revokedId}`)).status).toBe(204);
  const join = (await (await stack.request('POST', '/v1/groups/billing/members', { topics: ['orders'], autoOffsetReset: 'earliest' })).json()) as { memberId: string; generation: number };
  memberId = join.memberId;
  generation = join.generation;
  keyToDelete = (await (await stack.request('POST', '/v1/keys', { name: 'to-delete', scopes: ['admin'] })).json() as { id: string }).id;
  const created = await stack.request('POST', '/v1/subscriptions', { name: 'matrix', topic: 'orders', url: 'http://127.0.0.1:9/hook' });
  expect(created.status).toBe(201);
  subscriptionId = ((await created.json()) as { id: string }).id;
  const replay = await stack.request('POST', '/v1/replays', { topic: 'orders', from: { timestamp: 0 }, target: { topic: 'orders-copy' } });
  expect(replay.status).toBe(202);
  replayId = ((await replay.json()) as { id: string }).id;
});

type Kind = 'admin' | 'topic' | 'consume' | 'produce' | 'subscribe';
interface RouteCase {
  route: string;
  kind: Kind;
  request: () => [string, string, unknown?];
}

const routes: RouteCase[] = [
  { route: 'POST /v1/topics', kind: 'admin', request: () => ['POST', '/v1/topics', { name: 'created-by-matrix', partitions: 1 }] },
  { route: 'PATCH /v1/topics/{topic}', kind: 'admin', request: () => ['PATCH', '/v1/topics/orders', { retention: { ms: 3_600_000 } }] },
  { route: 'DELETE /v1/topics/{topic}', kind: 'admin', request: () => ['DELETE', '/v1/topics/no-such-topic'] },
  { route: 'GET /v1/topics/{topic}', kind: 'topic', request: () => ['GET', '/v1/topics/orders'] },
  { route: 'GET /v1/topics/{topic}/partitions', kind: 'topic', request: () => ['GET', '/v1/topics/orders/partitions'] },
  { route: 'PUT /v1/topics/{topic}/schema', kind: 'admin', request: () => ['PUT', '/v1/topics/orders/schema', { schema: true, compatibility: 'none' }] },
  { route: 'GET /v1/topics/{topic}/schema', kind: 'topic', request: () => ['GET', '/v1/topics/orders/schema'] },
  { route: 'GET /v1/topics/{topic}/schema/versions', kind: 'topic', request: () => ['GET', '/v1/topics/orders/schema/versions'] },
  { route: 'GET …/schema/versions/{version}', kind: 'topic', request: () => ['GET', '/v1/topics/orders/schema/versions/1'] },
  { route: 'POST /v1/topics/{topic}/records', kind: 'produce', request: () => ['POST', '/v1/topics/orders/records', { records: [{ value: 'm' }] }] },
  { route: 'GET …/records', kind: 'consume', request: () => ['GET', '/v1/topics/orders/partitions/0/records'] },
  { route: 'GET …/offsets', kind: 'consume', request: () => ['GET', '/v1/topics/orders/partitions/0/offsets?timestamp=0'] },
  { route: 'POST /v1/groups/{group}/members', kind: 'consume', request: () => ['POST', '/v1/groups/matrix/members', { topics: ['orders'] }] },
  { route: 'POST …/heartbeat', kind: 'consume', request: () => ['POST', `/v1/groups/billing/members/${memberId}/heartbeat`] },
  { route: 'GET /v1/groups/{group}/records', kind: 'consume', request: () => ['GET', `/v1/groups/billing/records?memberId=${memberId}`] },
  { route: 'POST /v1/groups/{group}/offsets', kind: 'consume', request: () => ['POST', '/v1/groups/billing/offsets', { memberId, generation, offsets: [{ topic: 'orders', partition: 0, offset: 0 }] }] },
  { route: 'GET /v1/groups/{group}', kind: 'consume', request: () => ['GET', '/v1/groups/billing'] },
  { route: 'POST /v1/groups/{group}/seek', kind: 'consume', request: () => ['POST', '/v1/groups/seek-matrix/seek', { topic: 'orders', to: 'earliest' }] },
  { route: 'DELETE …/members/{id}', kind: 'consume', request: () => ['DELETE', '/v1/groups/billing/members/not-a-member'] },
  { route: 'DELETE /v1/groups/{group}', kind: 'admin', request: () => ['DELETE', '/v1/groups/no-such-group'] },
  { route: 'POST /v1/keys', kind: 'admin', request: () => ['POST', '/v1/keys', { name: 'by-matrix', scopes: ['admin'] }] },
  { route: 'GET /v1/keys', kind: 'admin', request: () => ['GET', '/v1/keys'] },
  { route: 'DELETE /v1/keys/{id}', kind: 'admin', request: () => ['DELETE', `/v1/keys/${keyToDelete}`] },
  { route: 'POST /v1/subscriptions', kind: 'subscribe', request: () => ['POST', '/v1/subscriptions', { name: 'm', topic: 'orders', url: 'http://127.0.0.1:9/other' }] },
  { route: 'GET /v1/subscriptions/{id}', kind: 'subscribe', request: () => ['GET', `/v1/subscriptions/${subscriptionId}`] },
  { route: 'PATCH /v1/subscriptions/{id}', kind: 'subscribe', request: () => ['PATCH', `/v1/subscriptions/${subscriptionId}`, { batchSize: 10 }] },
  { route: 'POST …/seek (subscription)', kind: 'subscribe', request: () => ['POST', `/v1/subscriptions/${subscriptionId}/seek`, { to: 'earliest' }] },
  { route: 'POST …/rotate-secret', kind: 'subscribe', request: () => ['POST', `/v1/subscriptions/${subscriptionId}/rotate-secret`] },
  { route: 'DELETE /v1/subscriptions/{id}', kind: 'subscribe', request: () => ['DELETE', `/v1/subscriptions/${subscriptionId}`] },
  { route: 'POST /v1/replays', kind: 'consume', request: () => ['POST', '/v1/replays', { topic: 'orders', from: { timestamp: 0 }, target: { topic: 'orders-copy' } }] },
  { route: 'GET /v1/replays/{id}', kind: 'consume', request: () => ['GET', `/v1/replays/${replayId}`] },
  { route: 'DELETE /v1/replays/{id}', kind: 'consume', request: () => ['DELETE', `/v1/replays/${replayId}`] },
  { route: 'POST /v1/maintenance/run', kind: 'admin', request: () => ['POST', '/v1/maintenance/run'] },
];

// Callers that must be refused go first, so a route that deletes something is refused
// before it is allowed to succeed (after which it would answer 404 instead).
const principals = ['other', 'none', 'revoked', 'missing', 'matching', 'admin'] as const;

function expected(kind: Kind, who: (typeof principals)[number]): 'ok' | 403 | 401 {
  if (who === 'revoked' || who === 'missing') return 401;
  if (who === 'admin') return 'ok';
  if (kind === 'admin') return 403;
  return who === 'matching' ? 'ok' : 403;
}

describe('scope matrix', () => {
  it.each(routes.flatMap((r) => principals.map((who) => [r.route, who, r] as const)))('%s as %s', async (_route, who, r) => {
    const [method, path, body] = r.request();
    const auth: Record<string, string> = who === 'missing' ? {} : { authorization: `Bearer ${keys[who]}` };
    const res = await stack.app.request(path, {
      method,
      headers: { ...auth, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const want = expected(r.kind, who);
    if (want === 'ok') {
      // Authorized: whatever the route answers, it is not an auth failure.
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    } else {
      expect(res.status).toBe(want);
      expect(((await res.json()) as { code: string }).code).toBe(want === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN');
    }
  });

  it('lists only the topics a scoped key matches, and never shows a key', async () => {
    const res = await stack.app.request('/v1/topics', { headers: { authorization: `Bearer ${keys.matching}` } });
    expect(((await res.json()) as { topics: { name: string }[] }).topics.map((t) => t.name)).toEqual(['orders', 'orders-copy']);
    const listed = await (await stack.request('GET', '/v1/keys')).text();
    for (const key of Object.values(keys)) expect(listed).not.toContain(key);
    expect(listed).not.toMatch(/"hash"/);
  });

  it('lists only the replays of topics a key may consume', async () => {
    const ids = async (who: string) => {
      const res = await stack.app.request('/v1/replays', { headers: { authorization: `Bearer ${keys[who]}` } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { replays: { id: string }[] }).replays.map((r) => r.id);
    };
    expect(await ids('matching')).toContain(replayId);
    expect(await ids('admin')).toContain(replayId);
    expect(await ids('other')).toEqual([]);
    expect(await ids('none')).toEqual([]);
  });

  it('answers GET /v1/keys/self to any valid key with its own id and scopes, and 401 to others', async () => {
    const self = async (who: string) => stack.app.request('/v1/keys/self', { headers: who === 'missing' ? {} : { authorization: `Bearer ${keys[who]}` } });
    expect(await (await self('matching')).json()).toMatchObject({ admin: false, scopes: [{ topics: 'ord*', actions: ['produce', 'consume', 'subscribe'] }] });
    expect(await (await self('admin')).json()).toMatchObject({ admin: true, scopes: ['admin'] });
    expect((await (await self('none')).json()) as { id: string }).toMatchObject({ id: expect.stringMatching(/^key_/) });
    expect((await self('revoked')).status).toBe(401);
    expect((await self('missing')).status).toBe(401);
  });

  it('stores keys only as SHA-256 hashes', async () => {
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    const items = JSON.stringify((await stack.clients.doc.send(new ScanCommand({ TableName: stack.table }))).Items);
    for (const key of Object.values(keys)) expect(items).not.toContain(key);
  });
});
