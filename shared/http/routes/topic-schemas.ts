import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import * as EXAMPLES from '../examples.js';
import type { LogContext } from '../../log/log-context.js';
import { COMPATIBILITY_MODES, type TopicSchema } from '../../model/topic-schema.js';
import { latestSchema, registerSchema, schemaVersion, schemaVersions } from '../../topics/topic-schemas.js';
import { requireAdmin, requireTopics } from '../auth.js';
import { digits, json, jsonBody, notFound, problem, problems, TopicName } from '../schemas.js';

const Compatibility = z.enum(COMPATIBILITY_MODES).openapi({
  description: "as Confluent Schema Registry defines it: backward = the new schema reads data written with the old; forward = the old reads the new; full = both; _transitive = against every earlier version (default: the topic's current mode, else backward)",
});

const JsonSchemaValue = z
  .union([z.boolean(), z.record(z.string(), z.unknown())])
  .openapi({ description: 'a JSON Schema (draft 2020-12)', example: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } });

const PutSchemaBody = z.strictObject({ schema: JsonSchemaValue, compatibility: Compatibility.optional() }).openapi('PutTopicSchemaRequest', { example: EXAMPLES.putTopicSchema });

const SchemaVersion = z
  .object({
    topic: z.string(),
    version: z.number().int(),
    compatibility: Compatibility,
    schema: JsonSchemaValue,
    createdAt: z.number().int(),
  })
  .openapi('TopicSchema', { example: EXAMPLES.topicSchema });

const SchemaParams = z.object({ topic: TopicName.openapi({ param: { name: 'topic', in: 'path' } }) });
const VersionParams = SchemaParams.extend({ version: digits('version', 2_147_483_647, 1).openapi({ param: { name: 'version', in: 'path' }, example: 1 }) });
const noSchema = { 404: problem('no such topic, or it has no schema (version)') } as const;

const view = (s: TopicSchema) => ({ topic: s.topic, version: s.version, compatibility: s.compatibility, schema: s.schema, createdAt: s.createdAt });

/** Topic schemas (docs/schemas.md): register versions under a compatibility mode, read them back. */
export function registerTopicSchemaRoutes(app: OpenAPIHono, ctx: LogContext): void {
  app.openapi(
    createRoute({
      method: 'put',
      path: '/v1/topics/{topic}/schema',
      operationId: 'putTopicSchema',
      tags: ['schemas'],
      summary: "Register a new version of the topic's JSON Schema",
      request: { params: SchemaParams, body: jsonBody(PutSchemaBody) },
      responses: {
        200: json(SchemaVersion, 'the same schema and mode as the latest version: that version'),
        201: json(SchemaVersion, 'the new version'),
        ...problems,
        ...notFound,
        409: problem('INCOMPATIBLE_SCHEMA: each incompatibility with the version(s) the mode checks against'),
        422: problem('not a valid JSON Schema 2020-12 (INVALID_SCHEMA), or too large (SCHEMA_TOO_LARGE)'),
      },
    }),
    async (c) => {
      requireAdmin(c);
      const { schema, created } = await registerSchema(ctx, c.req.valid('param').topic, c.req.valid('json'));
      return created ? c.json(view(schema), 201) : c.json(view(schema), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/topics/{topic}/schema',
      operationId: 'getTopicSchema',
      tags: ['schemas'],
      summary: "The topic's latest schema version",
      request: { params: SchemaParams },
      responses: { 200: json(SchemaVersion, 'the latest version'), ...problems, ...noSchema },
    }),
    async (c) => {
      const { topic } = c.req.valid('param');
      requireTopics(c, [topic]);
      return c.json(view(await latestSchema(ctx, topic)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/topics/{topic}/schema/versions',
      operationId: 'listTopicSchemaVersions',
      tags: ['schemas'],
      summary: "Every version of the topic's schema, oldest first",
      request: { params: SchemaParams },
      responses: { 200: json(z.object({ versions: z.array(SchemaVersion) }).openapi('TopicSchemaVersions', { example: EXAMPLES.topicSchemaVersions }), 'the versions'), ...problems, ...notFound },
    }),
    async (c) => {
      const { topic } = c.req.valid('param');
      requireTopics(c, [topic]);
      return c.json({ versions: (await schemaVersions(ctx, topic)).map(view) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/topics/{topic}/schema/versions/{version}',
      operationId: 'getTopicSchemaVersion',
      tags: ['schemas'],
      summary: 'One version of the topic schema',
      request: { params: VersionParams },
      responses: { 200: json(SchemaVersion, 'the version'), ...problems, ...noSchema },
    }),
    async (c) => {
      const { topic, version } = c.req.valid('param');
      requireTopics(c, [topic]);
      return c.json(view(await schemaVersion(ctx, topic, version)), 200);
    },
  );
}
