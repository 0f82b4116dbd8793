import { z } from '@hono/zod-openapi';
import { DIRECT_FETCH_MAX_BYTES, DIRECT_FETCH_MAX_LIMIT, FETCH_DEFAULT_LIMIT, FETCH_DEFAULT_MAX_BYTES, FETCH_MAX_BYTES, FETCH_MAX_LIMIT, FETCH_MAX_WAIT_MS, MAX_RECORDS_PER_REQUEST, MAX_TIMESTAMP } from '../log/limits.js';
import * as EXAMPLES from './examples.js';
import { CLEANUP_POLICIES, isValidTopicName, MAX_PARTITIONS, TOPIC_NAME_PATTERN } from '../model/topic.js';

/**
 * A non-negative safe integer written as plain digits (no signs, exponents, hex or blanks),
 * for path and query parameters: strings on the wire, `integer` in openapi.yaml.
 */
export const digits = (name: string, max = Number.MAX_SAFE_INTEGER, min = 0) =>
  z
    .string()
    .regex(/^\d{1,16}$/, `${name} must be a non-negative integer`)
    .transform(Number)
    .pipe(z.number().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`))
    .openapi({ type: 'integer', minimum: min, maximum: max });

export const TopicName = z
  .string()
  .regex(TOPIC_NAME_PATTERN, 'topic names are 1-249 of [a-zA-Z0-9._-]')
  .refine(isValidTopicName, "topic name may not be '.' or '..'")
  // The spec's pattern says in one regex what the regex and the refine check together.
  .openapi({ example: 'orders', pattern: '^(?!\\.\\.?$)[a-zA-Z0-9._-]{1,249}$' });

export const TopicParams = z.object({ topic: TopicName.openapi({ param: { name: 'topic', in: 'path' } }) });

export const PartitionParams = z.object({
  topic: TopicName.openapi({ param: { name: 'topic', in: 'path' } }),
  partition: digits('partition', MAX_PARTITIONS - 1).openapi({ param: { name: 'partition', in: 'path' }, example: 0 }),
});

export const Retention = z
  .strictObject({
    ms: z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: 'retention.ms; -1 keeps records forever' }),
    bytes: z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: 'retention.bytes per partition; -1 = unbounded' }),
    hotMs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: 'age after which segments move to a colder storage class' }),
  })
  .openapi('Retention');

export const CleanupPolicy = z
  .enum(CLEANUP_POLICIES)
  .openapi({ description: "Kafka's cleanup.policy: delete (retention), compact (keep the latest record per key), or both" });

const lagMs = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Kafka's log cleaner settings (docs/maintenance.md, "Key compaction"); omitted fields keep their value. */
export const Compaction = z
  .strictObject({
    minLagMs: lagMs.optional().openapi({ description: 'min.compaction.lag.ms: a record stays uncompacted at least this long (default 0)' }),
    maxLagMs: lagMs
      .min(1)
      .nullable()
      .optional()
      .openapi({ description: 'max.compaction.lag.ms: clean once the oldest dirty record is this old, whatever the dirty ratio; null = no bound (default, Kafka\'s infinite)' }),
    deleteRetentionMs: lagMs.optional().openapi({ description: 'delete.retention.ms: how long a tombstone (null value) stays readable after its append (default 86400000)' }),
    minCleanableDirtyRatio: z.number().min(0).max(1).optional().openapi({ description: 'min.cleanable.dirty.ratio: clean when dirty bytes / cleanable bytes reach this (default 0.5)' }),
  })
  .openapi('Compaction');

export const Topic = z
  .object({
    name: z.string(),
    topicId: z.string(),
    partitions: z.number().int(),
    compression: z.enum(['none', 'gzip', 'lz4', 'zstd']),
    retention: z.object({ ms: z.number(), bytes: z.number(), hotMs: z.number() }),
    cleanupPolicy: CleanupPolicy,
    compaction: z.object({ minLagMs: z.number(), maxLagMs: z.number().nullable(), deleteRetentionMs: z.number(), minCleanableDirtyRatio: z.number() }),
    createdAt: z.number().int(),
  })
  .openapi('Topic', { example: EXAMPLES.topic });

export const Encoding = z
  .enum(['json', 'string', 'base64'])
  .openapi({ description: 'json: value is any JSON, key and headers UTF-8 strings; string: all UTF-8 strings; base64: all base64 bytes' });

/** JSON Schema 2020-12 `propertyNames`, which the OpenAPI metadata type does not list (so spread in). */
export const HEADER_NAME_LIMITS = { propertyNames: { minLength: 1, maxLength: 255 } };

/**
 * Record headers: name → value. Checked by hand rather than with z.record, which copies
 * into a fresh object where a `__proto__` name would set the prototype instead of
 * staying a header; this keeps the parsed object, whose keys are all own data.
 */
const HeaderMap = z
  .custom<Record<string, string | null>>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.keys(v).length <= 100 &&
      Object.entries(v).every(([k, x]) => k.length >= 1 && k.length <= 255 && (x === null || typeof x === 'string')),
    { message: 'headers must be an object of at most 100 names (1-255 characters) to string or null values' },
  )
  .openapi({
    type: 'object',
    maxProperties: 100,
    ...HEADER_NAME_LIMITS,
    additionalProperties: { type: ['string', 'null'] },
    description: 'header name → value (null allowed)',
  });

/** Up to 9999-12-31T23:59:59.999Z: what RFC 3339 can write and a RecordBatch's deltas can carry (limits.ts). */
const RecordTimestamp = z.number().int().min(0).max(MAX_TIMESTAMP, `timestamp must be at most ${MAX_TIMESTAMP} (9999-12-31T23:59:59.999Z)`);

export const ProduceRecord = z
  .strictObject({
    key: z.string().nullable().optional(),
    // Required, null included: z.unknown() alone would admit a missing value, and the spec would call it optional.
    value: z
      .unknown()
      .nonoptional('is required (null for a tombstone)')
      .openapi({ description: 'any JSON (encoding json), or a string (string / base64); null is a tombstone' }),
    headers: HeaderMap.optional(),
    partition: z.number().int().min(0).max(MAX_PARTITIONS - 1).optional(),
    timestamp: RecordTimestamp.optional().openapi({ description: 'CreateTime in ms since the epoch; the append time when absent' }),
  })
  .openapi('ProduceRecord');

export const MemberId = z.string().regex(/^[a-zA-Z0-9._-]{1,255}$/, 'member ids are 1-255 of [a-zA-Z0-9._-]');

export const CommittedOffset = z.strictObject({
  topic: TopicName,
  partition: z.number().int().min(0).max(MAX_PARTITIONS - 1),
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

/** The same shape as POST /v1/groups/{group}/offsets, plus the group (docs/exactly-once.md). */
export const ProduceCommit = z
  .strictObject({
    group: TopicName.openapi({ example: 'billing' }),
    memberId: MemberId,
    generation: z.number().int().min(0),
    // 100 transaction items: generation check + lease + offsets + 2 per partition produced to.
    offsets: z.array(CommittedOffset).min(1).max(96),
  })
  .openapi('ProduceCommit', {
    description: "a consumer group's offsets committed in the same transaction as the records: both or neither (409 with the commit's reason)",
  });

export const ExpectedOffsets = z
  .record(z.string().regex(/^\d{1,4}$/, 'keys are partition numbers'), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER))
  .openapi({
    description: 'conditional append: partition → the high watermark it must be at; otherwise 409 OFFSET_MISMATCH and nothing is written',
    example: { '0': 42 },
  });

export const ProduceBody = z
  .strictObject({
    // More than MAX_RECORDS_PER_REQUEST is a 413 TOO_MANY_RECORDS from produce, not a 400 from here.
    records: z.array(ProduceRecord).min(1).openapi({ maxItems: MAX_RECORDS_PER_REQUEST, description: `at most ${MAX_RECORDS_PER_REQUEST} records (413 TOO_MANY_RECORDS)` }),
    encoding: Encoding.optional(),
    expectedOffsets: ExpectedOffsets.optional(),
    commit: ProduceCommit.optional(),
  })
  .openapi('ProduceRequest', { example: EXAMPLES.produce });

export const ProduceResponse = z
  .object({
    topic: z.string(),
    offsets: z.array(z.object({ partition: z.number().int(), offset: z.number().int() })),
  })
  .openapi('ProduceResponse', { example: EXAMPLES.produced });

export const FetchQuery = z
  .object({
    offset: digits('offset').optional().openapi({ description: 'first offset to read; the log start when absent' }),
    // limit and maxBytes start at 1: a fetch that may return nothing is a mistake, so it is a 400.
    limit: digits('limit', DIRECT_FETCH_MAX_LIMIT, 1)
      .optional()
      .openapi({ description: `records at most (default ${FETCH_DEFAULT_LIMIT}; at most ${FETCH_MAX_LIMIT}, or ${DIRECT_FETCH_MAX_LIMIT} with direct=true)` }),
    maxBytes: digits('maxBytes', DIRECT_FETCH_MAX_BYTES, 1)
      .optional()
      .openapi({ description: `soft byte bound (default ${FETCH_DEFAULT_MAX_BYTES}; at most ${FETCH_MAX_BYTES}, or ${DIRECT_FETCH_MAX_BYTES} with direct=true); the first record always comes` }),
    waitMs: digits('waitMs', FETCH_MAX_WAIT_MS).optional().openapi({ description: 'long-poll this long at the high watermark' }),
    encoding: Encoding.optional(),
    direct: z
      .enum(['true', 'false'])
      .optional()
      .openapi({ description: 'true: answer presigned S3 GETs of the RecordBatch byte ranges instead of the records (DirectFetchResponse); needs consume scope like any fetch' }),
  })
  .superRefine((q, ctx) => {
    // The bytes of a fetch pass through the function; only a direct fetch may ask for more.
    if (q.direct === 'true') return;
    if (q.limit !== undefined && q.limit > FETCH_MAX_LIMIT) ctx.addIssue({ code: 'custom', path: ['limit'], message: `limit must be at most ${FETCH_MAX_LIMIT} (${DIRECT_FETCH_MAX_LIMIT} with direct=true)` });
    if (q.maxBytes !== undefined && q.maxBytes > FETCH_MAX_BYTES) ctx.addIssue({ code: 'custom', path: ['maxBytes'], message: `maxBytes must be at most ${FETCH_MAX_BYTES} (${DIRECT_FETCH_MAX_BYTES} with direct=true)` });
  });

export const FetchedRecord = z
  .object({
    offset: z.number().int(),
    partition: z.number().int(),
    timestamp: z.number().int(),
    key: z.string().nullable(),
    value: z.unknown(),
    headers: z.record(z.string(), z.string().nullable()),
  })
  .openapi('Record');

export const FetchResponse = z
  .object({
    records: z.array(FetchedRecord),
    nextOffset: z.number().int(),
    highWatermark: z.number().int(),
    logStartOffset: z.number().int(),
  })
  .openapi('FetchResponse', { example: EXAMPLES.fetched });

export const DirectRange = z
  .object({
    url: z.string().openapi({ description: 'presigned S3 GET of one object; valid until expiresAt, and only with the Range in headers' }),
    headers: z.object({ range: z.string() }).openapi({ description: 'send exactly these headers (the Range is signed in)' }),
    object: z.string(),
    byteOffset: z.number().int(),
    byteLength: z.number().int(),
    baseOffset: z.number().int().openapi({ description: 'first offset in the range; may be before the requested offset' }),
    lastOffset: z.number().int(),
    compression: z.enum(['none', 'gzip', 'lz4', 'zstd']),
    expiresAt: z.number().int().openapi({ description: 'ms since the epoch' }),
  })
  .openapi('DirectRange');

export const DirectFetchResponse = z
  .object({
    ranges: z.array(DirectRange).openapi({ description: 'Kafka RecordBatch v2 bytes, in offset order: decode them and check their CRC-32C' }),
    nextOffset: z.number().int(),
    highWatermark: z.number().int(),
    logStartOffset: z.number().int(),
  })
  .openapi('DirectFetchResponse', { example: EXAMPLES.directFetched });

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().openapi({ description: 'stable machine-readable error code' }),
    detail: z.string(),
    instance: z.string().optional(),
  })
  .catchall(z.unknown())
  .openapi('Problem', { example: EXAMPLES.problem });

/** An OpenAPI JSON response of `schema`. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
/** A required OpenAPI JSON request body of `schema`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

const problem = (description: string, example?: object) => ({ content: { 'application/problem+json': { schema: Problem, ...(example ? { example } : {}) } }, description });

/**
 * What API Gateway itself answers when the deployed stage throttles (infra/constructs/api.ts):
 * its own JSON, not problem+json, and never from local mode.
 */
export const throttled = {
  429: {
    content: { 'application/json': { schema: z.object({ message: z.string() }).openapi('GatewayThrottled', { example: EXAMPLES.throttled }) } },
    description: 'throttled by the deployed API Gateway stage (not in local mode); retry with backoff',
  },
} as const;

/** The error answers every authenticated route can give. */
export const problems = {
  400: problem('malformed request'),
  401: problem('missing or invalid API key', EXAMPLES.unauthorized),
  403: problem('the API key lacks the scope this route needs (admin, or produce/consume on the topic)', EXAMPLES.forbidden),
  ...throttled,
} as const;
export const notFound = { 404: problem('no such topic or partition') } as const;
/** Fetches only: CORRUPT_RECORD_BATCH names `baseOffset`..`lastOffset`; fetching from lastOffset + 1 goes on past them. */
export const unreadable = { 500: problem('stored records cannot be decoded (CORRUPT_RECORD_BATCH with baseOffset and lastOffset)') } as const;
export { problem };
