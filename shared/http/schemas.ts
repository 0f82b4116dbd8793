import { z } from '@hono/zod-openapi';
import { FETCH_DEFAULT_LIMIT, FETCH_DEFAULT_MAX_BYTES, FETCH_MAX_LIMIT, FETCH_MAX_WAIT_MS } from '../log/limits.js';
import { isValidTopicName, MAX_PARTITIONS, TOPIC_NAME_PATTERN } from '../model/topic.js';

/** A non-negative safe integer written as plain digits (no signs, exponents, hex or blanks). */
export const digits = (name: string, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d{1,16}$/, `${name} must be a non-negative integer`)
    .transform(Number)
    .pipe(z.number().max(max, `${name} must be at most ${max}`));

export const TopicName = z
  .string()
  .regex(TOPIC_NAME_PATTERN, 'topic names are 1-249 of [a-zA-Z0-9._-]')
  .refine(isValidTopicName, "topic name may not be '.' or '..'")
  .openapi({ example: 'orders' });

export const TopicParams = z.object({ topic: TopicName.openapi({ param: { name: 'topic', in: 'path' } }) });

export const PartitionParams = z.object({
  topic: TopicName.openapi({ param: { name: 'topic', in: 'path' } }),
  partition: digits('partition', MAX_PARTITIONS - 1).openapi({ param: { name: 'partition', in: 'path' }, example: '0', type: 'string' }),
});

export const Retention = z
  .strictObject({
    ms: z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: 'retention.ms; -1 keeps records forever' }),
    bytes: z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: 'retention.bytes per partition; -1 = unbounded' }),
    hotMs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().openapi({ description: 'age after which segments move to a colder storage class' }),
  })
  .openapi('Retention');

export const Topic = z
  .object({
    name: z.string(),
    topicId: z.string(),
    partitions: z.number().int(),
    compression: z.enum(['none', 'gzip']),
    retention: z.object({ ms: z.number(), bytes: z.number(), hotMs: z.number() }),
    cleanupPolicy: z.enum(['delete']),
    createdAt: z.number().int(),
  })
  .openapi('Topic');

export const Encoding = z
  .enum(['json', 'string', 'base64'])
  .openapi({ description: 'json: value is any JSON, key and headers UTF-8 strings; string: all UTF-8 strings; base64: all base64 bytes' });

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
  .openapi({ type: 'object', additionalProperties: { type: ['string', 'null'] }, description: 'header name → value (null allowed)' });

const SafeTimestamp = z.number().int().min(0).max(8_640_000_000_000_000);

export const ProduceRecord = z
  .strictObject({
    key: z.string().nullable().optional(),
    value: z.unknown().openapi({ description: 'any JSON (encoding json), or a string (string / base64); null is a tombstone' }),
    headers: HeaderMap.optional(),
    partition: z.number().int().min(0).max(MAX_PARTITIONS - 1).optional(),
    timestamp: SafeTimestamp.optional().openapi({ description: 'CreateTime in ms since the epoch; the append time when absent' }),
  })
  .openapi('ProduceRecord');

export const ProduceBody = z
  .strictObject({
    records: z.array(ProduceRecord).min(1).max(10_000),
    encoding: Encoding.optional(),
  })
  .openapi('ProduceRequest');

export const ProduceResponse = z
  .object({
    topic: z.string(),
    offsets: z.array(z.object({ partition: z.number().int(), offset: z.number().int() })),
  })
  .openapi('ProduceResponse');

export const FetchQuery = z.object({
  offset: digits('offset').optional().openapi({ type: 'string', description: 'first offset to read; the log start when absent' }),
  limit: digits('limit', FETCH_MAX_LIMIT).optional().openapi({ type: 'string', description: `records at most (default ${FETCH_DEFAULT_LIMIT})` }),
  maxBytes: digits('maxBytes', 4 * 1024 * 1024)
    .optional()
    .openapi({ type: 'string', description: `soft byte bound (default ${FETCH_DEFAULT_MAX_BYTES}); the first record always comes` }),
  waitMs: digits('waitMs', FETCH_MAX_WAIT_MS).optional().openapi({ type: 'string', description: 'long-poll this long at the high watermark' }),
  encoding: Encoding.optional(),
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
  .openapi('FetchResponse');

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
  .openapi('Problem');

/** An OpenAPI JSON response of `schema`. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
/** A required OpenAPI JSON request body of `schema`. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

const problem = (description: string) => ({ content: { 'application/problem+json': { schema: Problem } }, description });

/** The error answers every authenticated route can give. */
export const problems = {
  400: problem('malformed request'),
  401: problem('missing or invalid API key'),
} as const;
export const notFound = { 404: problem('no such topic or partition') } as const;
export { problem };
