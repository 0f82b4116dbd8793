import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { StorageUnavailableError } from '../../errors.js';
import { throttled } from '../schemas.js';

const Problem = z
  .object({ type: z.string(), title: z.string(), status: z.number().int(), code: z.string(), detail: z.string(), parts: z.array(z.string()) })
  .openapi({ example: { type: 'https://freshet.dev/problems/storage-unavailable', title: 'Storage unavailable', status: 503, code: 'STORAGE_UNAVAILABLE', detail: 'storage does not answer: s3', parts: ['s3'] } });

/** What health asks: the storage parts that do not answer (empty when all is well). Implemented by storage/storage-probe.ts. */
export interface HealthCheck {
  down(): Promise<string[]>;
  /** A request just met a storage outage: the next health check asks storage again instead of answering from its cache. */
  forget(): void;
}

/** Liveness that means something: the API answers only 200 when DynamoDB and S3 answer too. */
export function registerHealthRoute(app: OpenAPIHono, probe: HealthCheck): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/health',
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
    async (c) => {
      const down = await probe.down();
      if (down.length > 0) throw new StorageUnavailableError(down, 'unavailable');
      return c.json({ status: 'ok' as const }, 200);
    },
  );
}
