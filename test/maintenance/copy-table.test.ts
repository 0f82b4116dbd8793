import { describe, expect, it } from 'vitest';
import { copyTable } from '../../scripts/copy-table.js';
import { ensureTable } from '../../shared/storage/provision.js';
import { testApi } from '../support/http.js';
import { createTestStack, ROOT_KEY } from '../support/test-stack.js';
import { createApp } from '../../shared/http/app.js';
import { createRuntime } from '../../shared/runtime/create-runtime.js';

describe('scripts/copy-table.ts (restore into a deployment\'s table)', () => {
  it('copies every item, so the target serves the same topics, records, groups and keys from the same bucket', async () => {
    const source = await createTestStack();
    const { call } = testApi(source);
    expect((await call('POST', '/v1/topics', { name: 'restored', partitions: 2 })).status).toBe(201);
    // More than one BatchWriteItem (25) and enough items to matter: 60 commits, one index entry each.
    for (let i = 0; i < 60; i++) expect((await call('POST', '/v1/topics/restored/records', { records: [{ key: `k${i}`, value: { i } }] })).status).toBe(200);
    const join = await call<{ memberId: string; generation: number }>('POST', '/v1/groups/kept/members', { topics: ['restored'] });
    expect((await call('POST', '/v1/groups/kept/offsets', { memberId: join.body.memberId, generation: join.body.generation, offsets: [{ topic: 'restored', partition: 0, offset: 1 }] })).status).toBe(200);
    const key = await call<{ key: string }>('POST', '/v1/keys', { name: 'reader', scopes: [{ topics: 'restored', actions: ['consume'] }] });

    const target = `${source.table}-copy`;
    await ensureTable(source.clients, target);
    expect(await copyTable(source.clients.doc, source.table, target)).toBeGreaterThan(60);

    const copy = createApp(createRuntime({ clients: source.clients, table: target, bucket: source.bucket, rootKey: ROOT_KEY }));
    const get = async (path: string, bearer = ROOT_KEY) => {
      const res = await copy.request(path, { headers: { authorization: `Bearer ${bearer}` } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    for (const p of [0, 1]) {
      const path = `/v1/topics/restored/partitions/${p}/records?limit=1000`;
      expect((await get(path)).body).toEqual((await call('GET', path)).body);
    }
    expect((await get('/v1/groups/kept')).body).toMatchObject({ offsets: expect.arrayContaining([expect.objectContaining({ partition: 0, committedOffset: 1 })]) });
    // API keys are stored hashed: the copy accepts the same key.
    expect((await get('/v1/topics/restored/partitions/0/records', key.body.key)).status).toBe(200);
  });
});
