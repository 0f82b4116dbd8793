import { z } from '@hono/zod-openapi';
import * as EXAMPLES from '../examples.js';
import { SUBSCRIPTION_LIMITS as L } from '../../model/subscription.js';
import { MAX_PARTITIONS } from '../../model/topic.js';
import { HEADER_NAME_LIMITS, TopicName } from '../schemas.js';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const SafeTime = z.number().int().min(0).max(8_640_000_000_000_000);

export const IdParams = z.object({
  id: z
    .string()
    .regex(/^sub_[0-9A-Z]{26}$/, 'subscription ids look like sub_ + 26 characters')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'sub_01JD8Z5Q9X4M7V2K3N6P8R0T1W' }),
});

const StartAt = z.union([z.enum(['earliest', 'latest']), z.strictObject({ timestamp: SafeTime })]).openapi({ description: "where delivery starts (default 'latest')" });

const HeaderEquals = z
  .custom<Record<string, string>>(
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      Object.keys(v).length <= 20 &&
      Object.entries(v).every(([k, x]) => k.length >= 1 && k.length <= 255 && typeof x === 'string' && x.length <= 1024),
    { message: 'filter.headers must map at most 20 header names to string values' },
  )
  .openapi({
    type: 'object',
    maxProperties: 20,
    ...HEADER_NAME_LIMITS,
    additionalProperties: { type: 'string', maxLength: 1024 },
    description: 'header name → exact value',
  });

const Filter = z
  .strictObject({ keyPrefix: z.string().min(1).max(1024).optional(), headers: HeaderEquals.optional() })
  .openapi('SubscriptionFilter', { description: 'records must match all given conditions; others are skipped, never delivered' });

const Backoff = z.strictObject({
  initialMs: int(L.backoffInitialMs.min, L.backoffInitialMs.max).optional().openapi({ description: `first retry delay bound (default ${L.backoffInitialMs.default})` }),
  maxMs: int(L.backoffMaxMs.min, L.backoffMaxMs.max).optional().openapi({ description: `largest retry delay bound (default ${L.backoffMaxMs.default})` }),
});

const Url = z.string().min(1).max(2048).openapi({ example: 'https://hooks.example.com/freshet' });

const settings = {
  batchSize: int(L.batchSize.min, L.batchSize.max).optional().openapi({ description: `records per request at most (default ${L.batchSize.default})` }),
  maxAttempts: int(L.maxAttempts.min, L.maxAttempts.max).optional().openapi({ description: `attempts per batch before dead-lettering (default ${L.maxAttempts.default})` }),
  backoff: Backoff.optional(),
  timeoutMs: int(L.timeoutMs.min, L.timeoutMs.max).optional().openapi({ description: `per attempt (default ${L.timeoutMs.default})` }),
  format: z.enum(['json', 'cloudevents']).optional(),
  encoding: z.enum(['json', 'string', 'base64']).optional().openapi({ description: 'how record bytes appear in the body, as in fetch (default json)' }),
  filter: Filter.nullable().optional(),
  state: z.enum(['active', 'paused']).optional(),
};

export const CreateBody = z
  .strictObject({
    name: z.string().min(1).max(255),
    topic: TopicName,
    url: Url,
    startAt: StartAt.optional(),
    deadLetterTopic: TopicName.optional().openapi({ description: 'default {topic}.dlq, created when missing' }),
    ...settings,
  })
  .openapi('CreateSubscriptionRequest', { example: EXAMPLES.createSubscription });

export const PatchBody = z.strictObject({ url: Url.optional(), ...settings }).openapi('UpdateSubscriptionRequest', { example: EXAMPLES.updateSubscription });

export const SeekBody = z
  .strictObject({
    to: z.union([
      z.enum(['earliest', 'latest']),
      z.strictObject({ timestamp: SafeTime }),
      z.strictObject({
        offsets: z
          .array(z.strictObject({ partition: int(0, MAX_PARTITIONS - 1), offset: int(0, Number.MAX_SAFE_INTEGER) }))
          .min(1)
          .max(MAX_PARTITIONS),
      }),
    ]),
  })
  .openapi('SeekSubscriptionRequest', { example: EXAMPLES.seekSubscription });

export const SubscriptionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    topic: z.string(),
    url: z.string(),
    startAt: z.union([z.enum(['earliest', 'latest']), z.object({ timestamp: z.number().int() })]),
    batchSize: z.number().int(),
    maxAttempts: z.number().int(),
    backoff: z.object({ initialMs: z.number().int(), maxMs: z.number().int() }),
    timeoutMs: z.number().int(),
    format: z.enum(['json', 'cloudevents']),
    encoding: z.enum(['json', 'string', 'base64']),
    filter: z.object({ keyPrefix: z.string().optional(), headers: z.record(z.string(), z.string()).optional() }).nullable(),
    deadLetterTopic: z.string(),
    state: z.enum(['active', 'paused']),
    pausedReason: z.string().nullable(),
    previousSecretExpiresAt: z.number().int().nullable().openapi({ description: 'during a rotation: until when the old secret also signs' }),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi('Subscription', { example: EXAMPLES.subscription });

export const SubscriptionDetail = SubscriptionSchema.extend({
  partitions: z.array(
    z.object({
      partition: z.number().int(),
      cursor: z.number().int().openapi({ description: 'the next offset to deliver' }),
      highWatermark: z.number().int(),
      lag: z.number().int(),
      attempts: z.number().int().openapi({ description: 'failed attempts of the batch in flight' }),
      nextAttemptAt: z.number().int().nullable(),
      lastStatus: z.number().int().nullable(),
      lastError: z.string().nullable(),
      lastAttemptAt: z.number().int().nullable(),
      deliveredCount: z.number().int(),
      deadLetteredCount: z.number().int(),
    }),
  ),
}).openapi('SubscriptionDetail', { example: EXAMPLES.subscriptionDetail });
