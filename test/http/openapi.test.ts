import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../shared/http/app.js';
import { createRuntime } from '../../shared/runtime/create-runtime.js';
import { createStorageClients } from '../../shared/storage/clients.js';

// Routes only: nothing here touches storage.
const app = createApp(
  createRuntime({ clients: createStorageClients({ region: 'us-east-1' }), table: 'unused', bucket: 'unused', rootKey: 'unused-root-key-for-the-spec' }),
);

describe('openapi.yaml', () => {
  it('is the document generated from the route definitions (run `npm run openapi` when this fails)', async () => {
    const served = await (await app.request('/openapi.yaml')).text();
    const checkedIn = await readFile(new URL('../../openapi.yaml', import.meta.url), 'utf8');
    expect(checkedIn).toBe(served);
  });

  it('documents every route of the v1 contract', async () => {
    const spec = parse(await (await app.request('/openapi.yaml')).text()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(
      [
        'GET /v1/health',
        'POST /v1/topics',
        'GET /v1/topics',
        'GET /v1/topics/{topic}',
        'PATCH /v1/topics/{topic}',
        'DELETE /v1/topics/{topic}',
        'GET /v1/topics/{topic}/partitions',
        'POST /v1/topics/{topic}/records',
        'GET /v1/topics/{topic}/partitions/{partition}/records',
        'GET /v1/topics/{topic}/partitions/{partition}/offsets',
        'POST /v1/groups/{group}/members',
        'POST /v1/groups/{group}/members/{memberId}/heartbeat',
        'DELETE /v1/groups/{group}/members/{memberId}',
        'GET /v1/groups/{group}/records',
        'POST /v1/groups/{group}/offsets',
        'GET /v1/groups',
        'GET /v1/groups/{group}',
        'DELETE /v1/groups/{group}',
        'POST /v1/groups/{group}/seek',
        'POST /v1/keys',
        'GET /v1/keys',
        'DELETE /v1/keys/{id}',
        'POST /v1/maintenance/run',
        'POST /v1/subscriptions',
        'GET /v1/subscriptions',
        'GET /v1/subscriptions/{id}',
        'PATCH /v1/subscriptions/{id}',
        'DELETE /v1/subscriptions/{id}',
        'POST /v1/subscriptions/{id}/rotate-secret',
        'POST /v1/subscriptions/{id}/seek',
        'POST /v1/replays',
        'GET /v1/replays/{id}',
        'DELETE /v1/replays/{id}',
      ].sort(),
    );
  });

  it('is served without an API key, and /docs renders it as a page', async () => {
    const yamlRes = await app.request('/openapi.yaml');
    expect(yamlRes.status).toBe(200);
    const docs = await app.request('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    const html = await docs.text();
    expect(html).toContain('<code>/v1/topics/{topic}/records</code>');
    expect(html).toContain('ProduceRequest');
    expect(html).not.toContain('<script');
  });
});
