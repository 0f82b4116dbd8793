import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import * as EXAMPLES from '../examples.js';
import type { KeyService } from '../../keys/key-service.js';
import { ACTIONS } from '../../model/scope.js';
import { principalOf, requireAdmin } from '../auth.js';
import { json, problem, problems } from '../schemas.js';


const TopicScopeSchema = z.strictObject({
  topics: z.string().regex(/^[a-zA-Z0-9._*?-]{1,249}$/, 'a topic glob: [a-zA-Z0-9._-] with * and ?').openapi({ example: 'orders.*' }),
  actions: z.array(z.enum(ACTIONS as [string, ...string[]])).min(1).max(3),
});
const ScopeSchema = z.union([z.literal('admin'), TopicScopeSchema]);

const CreateKeyBody = z
  .strictObject({
    name: z.string().regex(/^[\x20-\x7e]{1,100}$/, 'a name of 1-100 printable ASCII characters'),
    scopes: z.array(ScopeSchema).min(1).max(50),
  })
  .openapi('CreateKeyRequest', { example: EXAMPLES.createKey });

const KeyView = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(ScopeSchema),
    prefix: z.string().openapi({ description: 'the first characters of the key' }),
    createdAt: z.number().int(),
    lastUsedAt: z.number().int().nullable().openapi({ description: 'updated at most once a minute' }),
  })
  .openapi('ApiKey');

const KeySelf = z
  .object({
    id: z.string().openapi({ description: "the key's id; 'root' for the root key" }),
    admin: z.boolean(),
    scopes: z.array(ScopeSchema),
  })
  .openapi('ApiKeySelf', { example: EXAMPLES.keySelf });

const forbidden = { 403: problem('the key lacks the admin scope') } as const;

export function registerKeyRoutes(app: OpenAPIHono, keys: KeyService): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/keys',
      operationId: 'createKey',
      tags: ['keys'],
      summary: 'Create an API key (the key is shown only in this answer)',
      request: { body: { content: { 'application/json': { schema: CreateKeyBody } }, required: true } },
      responses: { 201: json(KeyView.extend({ key: z.string() }).openapi('CreatedApiKey', { example: EXAMPLES.createdKey }), 'the key, once'), ...problems, ...forbidden },
    }),
    async (c) => {
      requireAdmin(c);
      const body = c.req.valid('json');
      return c.json(await keys.create(body.name, body.scopes as never), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/keys/self',
      operationId: 'describeOwnKey',
      tags: ['keys'],
      summary: 'The presenting key: its id and scopes (any valid key may ask), so a client can show what it may do',
      responses: { 200: json(KeySelf, 'the key that made this request'), ...problems },
    }),
    async (c) => {
      const principal = principalOf(c);
      return c.json({ id: principal.keyId, admin: principal.admin, scopes: [...(principal.admin ? (['admin'] as const) : []), ...principal.scopes] }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/keys',
      operationId: 'listKeys',
      tags: ['keys'],
      summary: 'List API keys (never the keys themselves)',
      responses: { 200: json(z.object({ keys: z.array(KeyView) }).openapi({ example: EXAMPLES.keyList }), 'all keys'), ...problems, ...forbidden },
    }),
    async (c) => {
      requireAdmin(c);
      return c.json({ keys: await keys.list() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/keys/{id}',
      operationId: 'revokeKey',
      tags: ['keys'],
      summary: 'Revoke an API key, effective at once',
      request: { params: z.object({ id: z.string().regex(/^key_[0-9a-f]{24}$/, 'a key id: key_ and 24 hex digits').openapi({ param: { name: 'id', in: 'path' } }) }) },
      responses: { 204: { description: 'revoked' }, ...problems, ...forbidden, 404: problem('no such key') },
    }),
    async (c) => {
      requireAdmin(c);
      await keys.revoke(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
}
