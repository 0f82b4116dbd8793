import { createHash } from 'node:crypto';
import * as EXAMPLES from '../examples.js';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { InvalidRequestError, PayloadTooLargeError } from '../../errors.js';
import type { GroupsContext } from '../../groups/groups-context.js';
import { produceWithOffsets } from '../../groups/produce-with-offsets.js';
import { describePartitions } from '../../log/describe-partitions.js';
import { fetchDirect } from '../../log/direct-fetch.js';
import { fetchRecords } from '../../log/fetch.js';
import { FETCH_DEFAULT_LIMIT, FETCH_DEFAULT_MAX_BYTES, MAX_REQUEST_BYTES } from '../../log/limits.js';
import { offsetForTimestamp } from '../../log/list-offsets.js';
import type { LogContext } from '../../log/log-context.js';
import { type ProduceRequest, produce } from '../../log/produce.js';
import { readProducedBatches } from '../../log/produced-batches.js';
import { RECORD_BATCHES_MEDIA_TYPE } from '../../log/record-batches-body.js';
import { requireTopics } from '../auth.js';
import { bodyLimitByLength } from '../body-limit.js';
import { requestBytes } from '../request-bytes.js';
import { toJsonRecord, toProduceRecords } from '../../log/json-records.js';
import { DirectFetchResponse, digits, FetchQuery, FetchResponse, unreadable, json, notFound, PartitionParams, problem, problems, ProduceBody, ProduceResponse, TopicParams } from '../schemas.js';


const ProduceHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'Idempotency-Key must be 1-255 printable ASCII characters')
    .optional()
    .openapi({ param: { name: 'idempotency-key', in: 'header' }, description: 'a retry with the same key returns the first answer (24 h)' }),
  'freshet-expected-offset': z
    .string()
    .regex(/^\d{1,16}$/, 'Freshet-Expected-Offset must be a non-negative integer')
    .transform(Number)
    .optional()
    .openapi({
      param: { name: 'freshet-expected-offset', in: 'header' },
      type: 'integer',
      description: 'conditional append for a request whose records all go to ONE partition: the high watermark it must be at (else 409 OFFSET_MISMATCH)',
    }),
});

const PartitionsResponse = z
  .object({
    partitions: z.array(
      z.object({
        partition: z.number().int(),
        logStartOffset: z.number().int(),
        highWatermark: z.number().int(),
        bytes: z.number().int(),
        lastAppendTime: z.number().int().nullable(),
        dirtyRatio: z
          .number()
          .min(0)
          .max(1)
          .nullable()
          .openapi({ description: 'compacted topics: bytes appended since the last key compaction / bytes of the partition; null when the topic is not compacted' }),
      }),
    ),
  })
  .openapi('Partitions', { example: EXAMPLES.partitions });

/** The body's `expectedOffsets`, or the one-partition header; not both. */
function expectations(body: Record<string, number> | undefined, header: number | undefined): Pick<ProduceRequest, 'expectedOffsets' | 'expectedOffset'> {
  if (body !== undefined && header !== undefined) {
    throw new InvalidRequestError('give expectedOffsets in the body or Freshet-Expected-Offset as a header, not both', [
      { path: 'expectedOffsets', message: 'not with the Freshet-Expected-Offset header' },
    ]);
  }
  if (header !== undefined) return { expectedOffset: header };
  if (body === undefined) return {};
  return { expectedOffsets: new Map(Object.entries(body).map(([p, o]) => [Number(p), o])) };
}

const isRecordBatches = (contentType: string | undefined) => (contentType ?? '').split(';')[0]?.trim().toLowerCase() === RECORD_BATCHES_MEDIA_TYPE;

/**
 * An Idempotency-Key's request fingerprint: the body (its bytes, or for JSON its text), and
 * the expectation header, which is part of the request; without it, the body's alone.
 */
function fingerprint(body: Uint8Array | string, expectedOffset: number | undefined): string {
  const hash = createHash('sha256').update(body);
  if (expectedOffset !== undefined) hash.update(`\nexpected-offset:${expectedOffset}`);
  return hash.digest('base64url');
}

export function registerRecordRoutes(app: OpenAPIHono, ctx: LogContext, groups: GroupsContext): void {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/topics/{topic}/records',
      operationId: 'produce',
      tags: ['records'],
      summary: 'Produce records',
      middleware: [
        bodyLimitByLength(MAX_REQUEST_BYTES, () => {
          throw new PayloadTooLargeError('REQUEST_TOO_LARGE', `a produce request body may be at most ${MAX_REQUEST_BYTES} bytes`);
        }),
      ] as const,
      request: {
        params: TopicParams,
        headers: ProduceHeaders,
        // Not `required`: zod-openapi would then validate every body as JSON. The handler
        // refuses a request with neither body.
        body: {
          content: {
            'application/json': { schema: ProduceBody },
            [RECORD_BATCHES_MEDIA_TYPE]: {
              // Shown as hex: the body is raw bytes.
              example: EXAMPLES.produceRecordBatches,
              schema: {
                type: 'string',
                contentMediaType: RECORD_BATCHES_MEDIA_TYPE,
                description:
                  "The producer's own Kafka RecordBatches (what the client sends): per partition, an int32 partition (big-endian) then one RecordBatch v2 — baseOffset 0, partitionLeaderEpoch -1, CreateTime, producer id/epoch/sequence -1, offset deltas 0..n-1. Stored as sent when the topic has no schema and the batch uses the topic's compression; every batch's CRC-32C and every record are checked first. See docs/log.md, \"The client's RecordBatches\".",
              },
            },
          },
        },
      },
      responses: {
        200: json(ProduceResponse, 'the offset of every record, in request order'),
        ...problems,
        ...notFound,
        413: problem('a record, or the request, is too large'),
        409: problem('OFFSET_MISMATCH (a conditional append found another high watermark), or the group commit was fenced (ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, PARTITION_NOT_ASSIGNED); nothing written'),
        416: problem('a committed offset outside [logStartOffset, highWatermark]'),
        422: problem('a record breaks the topic\'s schema (SCHEMA_VIOLATION with record index and JSON pointer), the request touches too many partitions, needs more than 100 transaction items, or reuses an Idempotency-Key'),
        503: problem('commit contention; retry after Retry-After seconds'),
      },
    }),
    async (c) => {
      const { topic } = c.req.valid('param');
      requireTopics(c, [topic], 'produce');
      const headers = c.req.valid('header');
      if (isRecordBatches(c.req.header('content-type'))) {
        const bytes = await requestBytes(c.req.raw, c.env);
        const batches = await readProducedBatches(bytes);
        const key = headers['idempotency-key'];
        const req: ProduceRequest = {
          topic,
          records: [],
          batches,
          ...(key ? { idempotency: { key, fingerprint: fingerprint(bytes, headers['freshet-expected-offset']) } } : {}),
          ...expectations(undefined, headers['freshet-expected-offset']),
        };
        return c.json(await produce(ctx, req), 200);
      }
      // Typed by hand: zod-openapi types `valid('json')` only when every media type has a zod schema,
      // and the binary one has none. Without a content type there is no body: `{}`.
      const body = c.req.valid('json' as never) as z.infer<typeof ProduceBody> | Record<string, never>;
      if (!('records' in body)) {
        throw new InvalidRequestError(`a produce request needs a body: application/json ({"records": [...]}) or ${RECORD_BATCHES_MEDIA_TYPE}`, [{ path: 'records', message: 'Required' }]);
      }
      // Committing a group's offsets is consuming: the key needs consume on those topics too.
      if (body.commit) requireTopics(c, body.commit.offsets.map((o) => o.topic), 'consume');
      const key = headers['idempotency-key'];
      const records = toProduceRecords(body.records, body.encoding ?? 'json');
      // Hashing a 6 MB body costs milliseconds: only done when there is a key to remember it under.
      const idempotency = key
        ? {
            key,
            fingerprint: fingerprint(JSON.stringify(body), headers['freshet-expected-offset']),
          }
        : undefined;
      const req = {
        topic,
        records,
        // What a topic's schema validates, as parsed: no second parse of the values.
        ...((body.encoding ?? 'json') === 'json' ? { jsonValues: body.records.map((r) => r.value) } : {}),
        ...(idempotency ? { idempotency } : {}),
        ...expectations(body.expectedOffsets, headers['freshet-expected-offset']),
      };
      const result = body.commit ? await produceWithOffsets(groups, req, body.commit) : await produce(ctx, req);
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/topics/{topic}/partitions/{partition}/records',
      operationId: 'fetchRecords',
      tags: ['records'],
      summary: 'Fetch records from a partition',
      request: { params: PartitionParams, query: FetchQuery },
      responses: {
        200: json(z.union([FetchResponse, DirectFetchResponse]).openapi({ example: EXAMPLES.fetched }), 'records from the offset on; with direct=true, where their bytes are (DirectFetchResponse)'),
        ...problems,
        ...notFound,
        416: problem('offset below the log start or above the high watermark'),
        422: problem('a record cannot be shown in the requested encoding'),
        ...unreadable,
      },
    }),
    async (c) => {
      const { topic, partition } = c.req.valid('param');
      requireTopics(c, [topic], 'consume');
      const q = c.req.valid('query');
      const req = { topic, partition, offset: q.offset, limit: q.limit ?? FETCH_DEFAULT_LIMIT, maxBytes: q.maxBytes ?? FETCH_DEFAULT_MAX_BYTES, waitMs: q.waitMs ?? 0 };
      if (q.direct === 'true') return c.json(await fetchDirect(ctx, req), 200);
      const result = await fetchRecords(ctx, req);
      const encoding = q.encoding ?? 'json';
      return c.json({ ...result, records: result.records.map((r) => toJsonRecord(r, partition, encoding)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/topics/{topic}/partitions',
      operationId: 'listPartitions',
      tags: ['records'],
      summary: 'Partitions with their log start, high watermark and size',
      request: { params: TopicParams },
      responses: { 200: json(PartitionsResponse, 'one entry per partition'), ...problems, ...notFound },
    }),
    async (c) => {
      const { topic } = c.req.valid('param');
      requireTopics(c, [topic]);
      return c.json({ partitions: await describePartitions(ctx, topic) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/topics/{topic}/partitions/{partition}/offsets',
      operationId: 'offsetForTimestamp',
      tags: ['records'],
      summary: 'First offset appended at or after a timestamp (Kafka offsetsForTimes)',
      request: {
        params: PartitionParams,
        query: z.object({ timestamp: digits('timestamp').openapi({ description: 'ms since the epoch' }) }),
      },
      responses: {
        200: json(
          z
            .object({ offset: z.number().int(), timestamp: z.number().int().nullable().openapi({ description: 'its append time; null when at the high watermark' }) })
            .openapi({ example: EXAMPLES.offsetForTime }),
          'the offset',
        ),
        ...problems,
        ...notFound,
      },
    }),
    async (c) => {
      const { topic, partition } = c.req.valid('param');
      requireTopics(c, [topic], 'consume');
      return c.json(await offsetForTimestamp(ctx, topic, partition, c.req.valid('query').timestamp), 200);
    },
  );
}
