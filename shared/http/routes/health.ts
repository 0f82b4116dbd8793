import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { throttled } from '../schemas.js';

export function registerHealthRoute(app: OpenAPIHono): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/health',
      operationId: 'health',
      tags: ['system'],
      summary: 'Liveness (no API key needed)',
      security: [],
      responses: { 200: { content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } }, description: 'the API is up' }, ...throttled },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );
}
