import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import * as EXAMPLES from '../examples.js';
import type { MaintenanceContext } from '../../maintenance/maintenance-context.js';
import { runMaintenance } from '../../maintenance/run-maintenance.js';
import { requireAdmin } from '../auth.js';
import { problem, problems } from '../schemas.js';

const Report = z
  .object({
    startedAt: z.number().int(),
    durationMs: z.number().int(),
    complete: z.boolean(),
    skipped: z.string().optional(),
    partitions: z.array(
      z.object({
        topic: z.string(),
        partition: z.number().int(),
        retention: z.object({ removedEntries: z.number().int(), logStartOffset: z.number().int().nullable() }),
        compaction: z.object({ entriesBefore: z.number().int(), entriesAfter: z.number().int(), segments: z.number().int() }),
        tieredSegments: z.number().int(),
        keyCompaction: z
          .object({
            reason: z.string(),
            recordsRemoved: z.number().int(),
            tombstonesRemoved: z.number().int(),
            keylessRemoved: z.number().int(),
            bytesRemoved: z.number().int(),
            complete: z.boolean(),
          })
          .optional()
          .describe('compacted topics, when the log cleaner ran: why, and what it removed'),
      }),
    ),
    objectsDeleted: z.number().int(),
    topicsPurged: z.array(z.string()),
    groupsChecked: z.number().int(),
    signals: z.object({
      groupsChecked: z.number().int(),
      groups: z.array(z.object({ group: z.string(), topic: z.string(), lag: z.number().int() })).describe('each consumer group\'s lag per topic, over its committed partitions'),
      subscriptions: z
        .array(z.object({ id: z.string(), topic: z.string(), state: z.enum(['active', 'paused', 'failing']), backlog: z.number().int() }))
        .describe('each subscription\'s state (failing: a batch awaits a retry) and backlog (records past its cursors)'),
    }),
    replays: z.array(z.object({ id: z.string(), status: z.string(), copied: z.number().int(), error: z.string().nullable() })),
  })
  .openapi('MaintenanceReport', { example: EXAMPLES.maintenanceReport });

export function registerMaintenanceRoutes(app: OpenAPIHono, ctx: MaintenanceContext): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/maintenance/run',
      operationId: 'runMaintenance',
      tags: ['maintenance'],
      summary: 'Run one maintenance pass now (admin); answers what it did',
      responses: { 200: { content: { 'application/json': { schema: Report } }, description: 'what the pass did' }, ...problems, 403: problem('the key lacks the admin scope') },
    }),
    async (c) => {
      requireAdmin(c);
      return c.json(await runMaintenance(ctx), 200);
    },
  );
}
