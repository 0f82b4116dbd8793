import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import * as EXAMPLES from '../examples.js';
import type { LogContext } from '../../log/log-context.js';
import { MAX_PARTITIONS } from '../../model/topic.js';
import { createTopic, deleteTopic, getTopic, listTopics, updateTopic } from '../../topics/topic-service.js';
import { allows } from '../../model/scope.js';
import { principalOf, requireAdmin, requireTopics } from '../auth.js';
import { CleanupPolicy, Compaction, json, notFound, problem, problems, Retention, Topic, TopicName, TopicParams } from '../schemas.js';

const CreateTopicBody = z
  .strictObject({
    name: TopicName,
    partitions: z.number().int().min(1).max(MAX_PARTITIONS),
    retention: Retention.optional(),
    compression: z.enum(['none', 'gzip', 'lz4', 'zstd']).optional(),
    cleanupPolicy: CleanupPolicy.optional(),
    compaction: Compaction.optional(),
  })
  .openapi('CreateTopicRequest', { example: EXAMPLES.createTopic });

const UpdateTopicBody = z
  .strictObject({
    partitions: z.number().int().min(1).max(MAX_PARTITIONS).optional().openapi({ description: 'grow only' }),
    retention: Retention.optional(),
    cleanupPolicy: CleanupPolicy.optional(),
    compaction: Compaction.optional(),
  })
  .openapi('UpdateTopicRequest', { example: EXAMPLES.updateTopic });


export function registerTopicRoutes(app: OpenAPIHono, ctx: LogContext): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/topics',
      operationId: 'createTopic',
      tags: ['topics'],
      summary: 'Create a topic',
      request: { body: { content: { 'application/json': { schema: CreateTopicBody } }, required: true } },
      responses: { 201: json(Topic, 'the topic'), ...problems, 409: problem('a topic with this name exists') },
    }),
    async (c) => {
      requireAdmin(c);
      return c.json(await createTopic(ctx, c.req.valid('json')), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/topics',
      operationId: 'listTopics',
      tags: ['topics'],
      summary: 'List topics',
      responses: { 200: json(z.object({ topics: z.array(Topic) }).openapi({ example: EXAMPLES.topicList }), 'all topics'), ...problems },
    }),
    async (c) => {
      const principal = principalOf(c);
      // A scoped key sees the topics its scopes match.
      return c.json({ topics: (await listTopics(ctx)).filter((t) => allows(principal, t.name)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/topics/{topic}',
      operationId: 'describeTopic',
      tags: ['topics'],
      summary: 'Describe a topic',
      request: { params: TopicParams },
      responses: { 200: json(Topic, 'the topic'), ...problems, ...notFound },
    }),
    async (c) => {
      const { topic } = c.req.valid('param');
      requireTopics(c, [topic]);
      return c.json(await getTopic(ctx, topic), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/topics/{topic}',
      operationId: 'updateTopic',
      tags: ['topics'],
      summary: 'Change retention, cleanup policy or compaction settings, or grow partitions',
      request: { params: TopicParams, body: { content: { 'application/json': { schema: UpdateTopicBody } }, required: true } },
      responses: { 200: json(Topic, 'the updated topic'), ...problems, ...notFound, 422: problem('partitions cannot shrink') },
    }),
    async (c) => {
      requireAdmin(c);
      return c.json(await updateTopic(ctx, c.req.valid('param').topic, c.req.valid('json')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/topics/{topic}',
      operationId: 'deleteTopic',
      tags: ['topics'],
      summary: 'Delete a topic (its data is removed in the background)',
      request: { params: TopicParams },
      responses: { 204: { description: 'deleted' }, ...problems, ...notFound },
    }),
    async (c) => {
      requireAdmin(c);
      await deleteTopic(ctx, c.req.valid('param').topic);
      return c.body(null, 204);
    },
  );
}
