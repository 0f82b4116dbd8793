import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import * as EXAMPLES from '../examples.js';
import type { Context } from 'hono';
import { allows } from '../../model/scope.js';
import type { Subscription } from '../../model/subscription.js';
import {
  createSubscription,
  deleteSubscription,
  describeSubscription,
  listSubscriptions,
  loadSubscription,
  rotateSecret,
  seekSubscription,
  updateSubscription,
} from '../../subscriptions/subscription-service.js';
import { publicSubscription } from '../../subscriptions/subscription-view.js';
import type { SubscriptionsContext } from '../../subscriptions/subscriptions-context.js';
import { principalOf, requireTopics } from '../auth.js';
import { json, jsonBody, notFound, problem, problems } from '../schemas.js';
import { CreateBody, IdParams, PatchBody, SeekBody, SubscriptionDetail, SubscriptionSchema } from './subscription-schemas.js';

const unprocessable = { 422: problem('a forbidden webhook URL (SSRF guard) or an unusable setting') } as const;
const WithSecret = SubscriptionSchema.extend({ secret: z.string().openapi({ description: 'whsec_… — shown only here and by rotate-secret' }) }).openapi('SubscriptionWithSecret', { example: EXAMPLES.subscriptionWithSecret });

/** The subscription, after checking the key may `subscribe` to its topic (404 first, so ids of other topics' subscriptions do not leak by status). */
async function authorized(c: Context, ctx: SubscriptionsContext, id: string): Promise<Subscription> {
  const sub = await loadSubscription(ctx, id);
  requireTopics(c, [sub.topic], 'subscribe');
  return sub;
}

export function registerSubscriptionRoutes(app: OpenAPIHono, ctx: SubscriptionsContext): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/subscriptions',
      operationId: 'createSubscription',
      tags: ['subscriptions'],
      summary: 'Create a webhook push subscription (the secret is in this answer only)',
      request: { body: jsonBody(CreateBody) },
      responses: { 201: json(WithSecret, 'the subscription and its signing secret'), ...problems, ...notFound, ...unprocessable },
    }),
    async (c) => {
      const req = c.req.valid('json');
      requireTopics(c, [req.topic], 'subscribe');
      // A custom dead-letter topic is a topic the dispatcher writes to: that needs produce on it.
      if (req.deadLetterTopic !== undefined) requireTopics(c, [req.deadLetterTopic], 'produce');
      const sub = await createSubscription(ctx, req);
      return c.json({ ...publicSubscription(sub), secret: sub.secret }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/subscriptions',
      operationId: 'listSubscriptions',
      tags: ['subscriptions'],
      summary: 'List subscriptions (those on topics the key may subscribe to)',
      responses: { 200: json(z.object({ subscriptions: z.array(SubscriptionSchema) }).openapi({ example: EXAMPLES.subscriptionList }), 'subscriptions'), ...problems },
    }),
    async (c) => {
      const principal = principalOf(c);
      const subs = (await listSubscriptions(ctx)).filter((s) => principal.admin || allows(principal, s.topic, 'subscribe'));
      return c.json({ subscriptions: subs.map(publicSubscription) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/subscriptions/{id}',
      operationId: 'getSubscription',
      tags: ['subscriptions'],
      summary: 'Describe: settings, and per partition the cursor, lag, attempts, next attempt and last outcome',
      request: { params: IdParams },
      responses: { 200: json(SubscriptionDetail, 'the subscription'), ...problems, ...notFound },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await authorized(c, ctx, id);
      const { subscription, partitions } = await describeSubscription(ctx, id);
      return c.json({ ...publicSubscription(subscription), partitions }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/v1/subscriptions/{id}',
      operationId: 'updateSubscription',
      tags: ['subscriptions'],
      summary: 'Change settings; state pauses or resumes',
      request: { params: IdParams, body: jsonBody(PatchBody) },
      responses: { 200: json(SubscriptionSchema, 'the updated subscription'), ...problems, ...notFound, ...unprocessable },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await authorized(c, ctx, id);
      return c.json(publicSubscription(await updateSubscription(ctx, id, c.req.valid('json'))), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/subscriptions/{id}',
      operationId: 'deleteSubscription',
      tags: ['subscriptions'],
      summary: 'Delete a subscription (deliveries stop)',
      request: { params: IdParams },
      responses: { 204: { description: 'deleted' }, ...problems, ...notFound },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await authorized(c, ctx, id);
      await deleteSubscription(ctx, id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/subscriptions/{id}/rotate-secret',
      operationId: 'rotateSubscriptionSecret',
      tags: ['subscriptions'],
      summary: 'New signing secret; the old one also signs for 24 h',
      request: { params: IdParams },
      responses: { 200: json(WithSecret, 'the subscription and its new secret'), ...problems, ...notFound },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await authorized(c, ctx, id);
      const sub = await rotateSecret(ctx, id);
      return c.json({ ...publicSubscription(sub), secret: sub.secret }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/subscriptions/{id}/seek',
      operationId: 'seekSubscription',
      tags: ['subscriptions'],
      summary: 'Move cursors to earliest, latest, a timestamp or offsets, and re-deliver from there',
      request: { params: IdParams, body: jsonBody(SeekBody) },
      responses: {
        200: json(z.object({ offsets: z.array(z.object({ partition: z.number().int(), offset: z.number().int() })) }).openapi({ example: EXAMPLES.subscriptionSeeked }), 'the new cursors'),
        ...problems,
        ...notFound,
        416: problem('an offset outside [logStartOffset, highWatermark]'),
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await authorized(c, ctx, id);
      return c.json(await seekSubscription(ctx, id, c.req.valid('json').to), 200);
    },
  );
}
