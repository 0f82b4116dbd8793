import { createHash } from 'node:crypto';
import { TopicExistsError } from '../errors.js';
import { MAX_TIMESTAMP } from '../log/limits.js';
import { produce } from '../log/produce.js';
import type { DecodedRecord } from '../log/record-batch-codec.js';
import { createTopic } from '../topics/topic-service.js';
import type { Subscription } from '../model/subscription.js';
import type { SubscriptionsContext } from './subscriptions-context.js';

/** Headers every dead-lettered record carries (besides its own), documented in docs/webhooks.md. */
export const DLQ_HEADERS = {
  subscription: 'freshet-dlq-subscription',
  topic: 'freshet-dlq-source-topic',
  partition: 'freshet-dlq-source-partition',
  offset: 'freshet-dlq-source-offset',
  status: 'freshet-dlq-last-status',
  error: 'freshet-dlq-last-error',
  attempts: 'freshet-dlq-attempts',
  webhookId: 'freshet-dlq-webhook-id',
  timestamp: 'freshet-dlq-source-timestamp',
  unreadable: 'freshet-dlq-unreadable-offsets',
} as const;

export interface DeadLetterInfo {
  webhookId: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

const utf8 = new TextEncoder();

/**
 * The record's own timestamp when produce accepts it. One it would refuse (NO_TIMESTAMP, or
 * past year 9999 from before that limit) would fail the dead-lettering itself and wedge the
 * partition, so the dead letter takes the append time and says so in a header instead.
 */
function deadLetterTimestamp(timestamp: number): { timestamp?: number } {
  return timestamp >= 0 && timestamp <= MAX_TIMESTAMP ? { timestamp } : {};
}

/**
 * Writes a batch that exhausted its attempts to the dead-letter topic (created, with the
 * source's partition count, when missing), same partition where it exists. Key, value,
 * timestamp and headers are kept byte for byte. The Idempotency-Key is the batch's
 * webhook-id, so a dispatcher that crashes after this and retries does not write it twice.
 */
export async function deadLetter(ctx: SubscriptionsContext, sub: Subscription, partition: number, records: readonly DecodedRecord[], info: DeadLetterInfo): Promise<void> {
  if (records.length === 0) return;
  const target = await deadLetterPartition(ctx, sub, partition);
  const extra = (r: DecodedRecord) =>
    Object.entries({
      [DLQ_HEADERS.subscription]: sub.id,
      [DLQ_HEADERS.topic]: sub.topic,
      [DLQ_HEADERS.partition]: String(partition),
      [DLQ_HEADERS.offset]: String(r.offset),
      [DLQ_HEADERS.status]: info.lastStatus === null ? 'none' : String(info.lastStatus),
      [DLQ_HEADERS.error]: (info.lastError ?? '').slice(0, 1000),
      [DLQ_HEADERS.attempts]: String(info.attempts),
      [DLQ_HEADERS.webhookId]: info.webhookId,
      [DLQ_HEADERS.timestamp]: String(r.timestamp),
    }).map(([key, value]) => ({ key, value: utf8.encode(value) }));
  const fingerprint = createHash('sha256').update(`${sub.id}/${partition}/${records[0]!.offset}-${records.at(-1)!.offset}`).digest('hex');
  await produce(ctx.log, {
    topic: sub.deadLetterTopic,
    records: records.map((r) => ({ key: r.key, value: r.value, headers: [...r.headers, ...extra(r)], partition: target, ...deadLetterTimestamp(r.timestamp) })),
    idempotency: { key: `dlq-${info.webhookId}`, fingerprint },
  });
  // Alarmed on (infra/constructs/alarms.ts): records a receiver never got need a human.
  ctx.log.metrics.add('DeadLetteredRecords', 'Count', records.length);
}

/** The DLQ partition for `partition`, creating the topic (with the source's partition count) when missing. */
async function deadLetterPartition(ctx: SubscriptionsContext, sub: Subscription, partition: number): Promise<number> {
  let dlq = await ctx.log.topics.get(sub.deadLetterTopic);
  if (!dlq) {
    const source = await ctx.log.topics.get(sub.topic);
    try {
      dlq = await createTopic(ctx.log, { name: sub.deadLetterTopic, partitions: source?.partitions ?? partition + 1 });
    } catch (err) {
      if (!(err instanceof TopicExistsError)) throw err;
      dlq = await ctx.log.topics.get(sub.deadLetterTopic);
    }
  }
  return partition % (dlq?.partitions ?? 1);
}

/**
 * Offsets whose stored batch cannot be decoded (CRC mismatch, truncation) after the last
 * attempt: their bytes are unknowable, so ONE marker record (null key and value) goes to
 * the DLQ naming them in `freshet-dlq-unreadable-offsets` ("from-to"), with the usual
 * source headers and the error. Idempotent per (subscription, partition, from offset).
 */
export async function deadLetterUnreadable(
  ctx: SubscriptionsContext,
  sub: Subscription,
  partition: number,
  range: { from: number; to: number },
  info: { attempts: number; error: string },
): Promise<void> {
  const target = await deadLetterPartition(ctx, sub, partition);
  const headers = Object.entries({
    [DLQ_HEADERS.subscription]: sub.id,
    [DLQ_HEADERS.topic]: sub.topic,
    [DLQ_HEADERS.partition]: String(partition),
    [DLQ_HEADERS.offset]: String(range.from),
    [DLQ_HEADERS.unreadable]: `${range.from}-${range.to}`,
    [DLQ_HEADERS.status]: 'none',
    [DLQ_HEADERS.error]: info.error.slice(0, 1000),
    [DLQ_HEADERS.attempts]: String(info.attempts),
  }).map(([key, value]) => ({ key, value: utf8.encode(value) }));
  const key = `dlq-unreadable-${sub.id}-${partition}-${range.from}`;
  await produce(ctx.log, {
    topic: sub.deadLetterTopic,
    records: [{ key: null, value: null, headers, partition: target }],
    idempotency: { key, fingerprint: createHash('sha256').update(`${key}-${range.to}`).digest('hex') },
  });
  ctx.log.metrics.add('DeadLetteredRecords', 'Count', 1);
}
