import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { HEALTH_PATH, type HealthCheck, healthHandler } from '../health-check.js';
import { throttled } from '../schemas.js';

const Problem = z
  .object({ type: z.string(), title: z.string(), status: z.number().int(), code: z.string(), detail: z.string(), parts: z.array(z.string()) })
  .openapi({ example: { type: 'https://freshet.dev/problems/storage-unavailable', title: 'Storage unavailable', status: 503, code: 'STORAGE_UNAVAILABLE', detail: 'storage does not answer: s3', parts: ['s3'] } });

/**
 * /v1/health as openapi.yaml documents it. The API itself registers healthHandler at init,
 * without zod (shared/http/app.ts); the route has no parameters or body to validate, so
 * what `app.openapi` would register is that same handler.
 */
export function registerHealthRoute(app: OpenAPIHono, probe: HealthCheck): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: HEALTH_PATH,
      operationId: 'health',
      tags: ['system'],
      summary: 'Health: the API and its storage answer (no API key needed)',
      security: [],
      responses: {
        200: { content: { 'application/json': { schema: z.object({ status: z.literal('ok') }).openapi({ example: { status: 'ok' } }) } }, description: 'the API, DynamoDB and S3 answer' },
        503: {
          content: { 'application/problem+json': { schema: Problem } },
          description: 'storage does not answer; `parts` names which (dynamodb, s3); retry after Retry-After seconds',
        },
        ...throttled,
      },
    }),
    healthHandler(probe),
  );
}
