import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../shared/http/app.js';
import { createRuntime } from '../../shared/runtime/create-runtime.js';
import { createStorageClients } from '../../shared/storage/clients.js';
import { OpenApiResponseValidator } from '../support/openapi-validator.js';

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
        'PUT /v1/topics/{topic}/schema',
        'GET /v1/topics/{topic}/schema',
        'GET /v1/topics/{topic}/schema/versions',
        'GET /v1/topics/{topic}/schema/versions/{version}',
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
        'GET /v1/keys/self',
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
        'GET /v1/replays',
        'GET /v1/replays/{id}',
        'DELETE /v1/replays/{id}',
      ].sort(),
    );
  });

  it('is served without an API key; /docs is Swagger UI over it, from this API, under a CSP', async () => {
    const yamlRes = await app.request('/openapi.yaml');
    expect(yamlRes.status).toBe(200);
    const docs = await app.request('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await docs.text();
    // Every script and stylesheet comes from this origin (no CDN); the page's code is in files, not inline.
    expect([...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])).toEqual(['/docs/swagger-ui.css', '/docs/docs.css', '/docs/swagger-ui-bundle.js', '/docs/docs.js']);
    expect(html).not.toMatch(/<script>/);
    for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'docs.js']) expect((await app.request(`/docs/${file}`)).status).toBe(200);
    expect((await app.request('/docs/../package.json')).status).toBe(404);
    expect((await app.request('/docs/index.html')).status).toBe(404);
  });

  it('has an operationId on every operation, and integer parameters typed integer', async () => {
    const spec = parse(await (await app.request('/openapi.yaml')).text()) as {
      paths: Record<string, Record<string, { operationId?: string; parameters?: { name: string; schema: { type: string } }[] }>>;
    };
    const operations = Object.values(spec.paths).flatMap((methods) => Object.values(methods));
    const ids = operations.map((o) => o.operationId);
    expect(ids.every((id) => typeof id === 'string')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const integers = ['offset', 'limit', 'maxBytes', 'waitMs', 'timestamp', 'generation', 'partition'];
    const params = operations.flatMap((o) => o.parameters ?? []).filter((p) => integers.includes(p.name));
    expect(params.length).toBeGreaterThan(10);
    for (const p of params) expect([p.name, p.schema.type]).toEqual([p.name, 'integer']);
  });
});

describe('OpenApiResponseValidator', () => {
  const validator = new OpenApiResponseValidator();
  const answer = (status: number, body: unknown, type = 'application/json') =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
  const problem = { type: 'about:blank', title: 'x', status: 404, code: 'TOPIC_NOT_FOUND', detail: 'no such topic' };

  it('accepts a conforming answer', async () => {
    expect(await validator.check('GET', '/v1/health', answer(200, { status: 'ok' }))).toEqual([]);
    expect(await validator.check('GET', '/v1/topics/orders', answer(404, problem, 'application/problem+json'))).toEqual([]);
  });

  it('flags an undocumented status, an undocumented content type and a body off its schema', async () => {
    expect(await validator.check('GET', '/v1/health', answer(418, {}))).toEqual([expect.stringContaining('status 418 is not documented')]);
    expect(await validator.check('GET', '/v1/topics/orders', answer(404, problem))).toEqual([expect.stringContaining("content type 'application/json'")]);
    expect(await validator.check('GET', '/v1/health', answer(200, { status: 'meh' }))).toEqual([expect.stringContaining('does not match')]);
    expect(await validator.check('GET', '/v1/topics', answer(200, { topics: [{ name: 1 }] }))).toEqual([expect.stringContaining('does not match')]);
  });

  it('lets an unknown route answer only 404 or 405 problem+json', async () => {
    expect(await validator.check('GET', '/v1/nope', answer(404, problem, 'application/problem+json'))).toEqual([]);
    expect(await validator.check('GET', '/v1/nope', answer(200, {}))).toEqual([expect.stringContaining('matches no operation')]);
  });
});
