import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import * as EXAMPLES from '../examples.js';
import type { Replay } from '../../model/replay.js';
import { allows } from '../../model/scope.js';
import { cancelReplay, createReplay, getReplay, listReplays, type ReplaysContext } from '../../replays/replay-service.js';
import { principalOf, requireTopics } from '../auth.js';
import { digits, notFound, problem, problems, TopicName } from '../schemas.js';

const Timestamp = z.strictObject({ timestamp: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });

const CreateReplayBody = z
  .strictObject({
    topic: TopicName,
    from: Timestamp.openapi({ description: 'append time, inclusive' }),
    to: Timestamp.optional().openapi({ description: 'append time, exclusive; the high watermark at start when absent' }),
    target: z.union([z.strictObject({ topic: TopicName }), z.strictObject({ subscription: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/) })]),
  })
  .openapi('CreateReplayRequest', { example: EXAMPLES.createReplay });

const ReplaySchema = z
  .object({
    id: z.string(),
    topic: z.string(),
    from: z.number().int(),
    to: z.number().int().nullable(),
    target: z.union([z.object({ topic: z.string() }), z.object({ subscription: z.string() })]),
    status: z.enum(['pending', 'running', 'done', 'failed', 'cancelled']),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
    partitions: z.array(
      z.object({
        partition: z.number().int(),
        startOffset: z.number().int(),
        endOffset: z.number().int(),
        nextOffset: z.number().int(),
        copied: z.number().int(),
        skipped: z.number().int(),
      }),
    ),
    copied: z.number().int(),
    error: z.string().nullable(),
  })
  .openapi('Replay', { example: EXAMPLES.replay });

const REPLAY_STATUSES = ['pending', 'running', 'done', 'failed', 'cancelled'] as const;
const LIST_DEFAULT_LIMIT = 100;
const LIST_MAX_LIMIT = 1000;
const ReplayId = z.string().regex(/^[0-9a-z]{26}$/, 'a replay id');

const ListQuery = z.object({
  status: z
    .string()
    .transform((list) => list.split(','))
    .pipe(z.array(z.enum(REPLAY_STATUSES, { message: `status must be a comma-separated list of ${REPLAY_STATUSES.join(', ')}` })))
    .optional()
    .openapi({ type: 'string', description: `only replays in these states, comma-separated: ${REPLAY_STATUSES.join(', ')}`, example: 'pending,running' }),
  limit: digits('limit', LIST_MAX_LIMIT, 1).optional().openapi({ description: `replays at most (default ${LIST_DEFAULT_LIMIT})` }),
  before: ReplayId.optional().openapi({ description: "the previous page's `nextBefore`: only replays created before that one" }),
});

const IdParams = z.object({ id: ReplayId.openapi({ param: { name: 'id', in: 'path' } }) });
const view = ({ version: _v, ...replay }: Replay) => replay;

export function registerReplayRoutes(app: OpenAPIHono, ctx: ReplaysContext): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/replays',
      operationId: 'createReplay',
      tags: ['replays'],
      summary: 'Replay a time window of a topic into another topic or a subscription (run by the maintenance schedule)',
      request: { body: { content: { 'application/json': { schema: CreateReplayBody } }, required: true } },
      responses: {
        202: { content: { 'application/json': { schema: ReplaySchema } }, description: 'accepted: the replay, pending' },
        ...problems,
        ...notFound,
        403: problem('the key may not read the source or write the target'),
        422: problem('an empty window, or the source as target'),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      requireTopics(c, [body.topic], 'consume');
      if ('topic' in body.target) requireTopics(c, [body.target.topic], 'produce');
      else requireTopics(c, [body.topic], 'subscribe');
      return c.json(view(await createReplay(ctx, body)), 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/replays',
      operationId: 'listReplays',
      tags: ['replays'],
      summary: "Replays, newest first, of topics the key may consume; page with `before` while `nextBefore` is not null",
      request: { query: ListQuery },
      responses: {
        200: {
          content: { 'application/json': { schema: z.object({ replays: z.array(ReplaySchema), nextBefore: z.string().nullable() }).openapi('ReplayList', { example: EXAMPLES.replayList }) } },
          description: 'a page of replays',
        },
        ...problems,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const principal = principalOf(c);
      const page = await listReplays(ctx, {
        status: query.status,
        limit: query.limit ?? LIST_DEFAULT_LIMIT,
        before: query.before,
        visible: (topic) => principal.admin || allows(principal, topic, 'consume'),
      });
      return c.json({ replays: page.replays.map(view), nextBefore: page.nextBefore }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/replays/{id}',
      operationId: 'getReplay',
      tags: ['replays'],
      summary: 'A replay: status, per-partition progress and counts',
      request: { params: IdParams },
      responses: { 200: { content: { 'application/json': { schema: ReplaySchema } }, description: 'the replay' }, ...problems, 404: problem('no such replay') },
    }),
    async (c) => {
      const replay = await getReplay(ctx, c.req.valid('param').id);
      requireTopics(c, [replay.topic], 'consume');
      return c.json(view(replay), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/replays/{id}',
      operationId: 'cancelReplay',
      tags: ['replays'],
      summary: 'Cancel a pending or running replay (what it copied stays)',
      request: { params: IdParams },
      responses: { 204: { description: 'cancelled' }, ...problems, 404: problem('no such replay'), 409: problem('the replay already finished') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      requireTopics(c, [(await getReplay(ctx, id)).topic], 'consume');
      await cancelReplay(ctx, id);
      return c.body(null, 204);
    },
  );
}
