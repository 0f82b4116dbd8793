import { createHash } from 'node:crypto';
import { TopicExistsError } from '../errors.js';
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
} as const;

export interface DeadLetterInfo {
  webhookId: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

const utf8 = new TextEncoder();

/**
 * Writes a batch that exhausted its attempts to the dead-letter topic (created, with the
 * source's partition count, when missing), same partition where it exists. Key, value,
 * timestamp and headers are kept byte for byte. The Idempotency-Key is the batch's
 * webhook-id, so a dispatcher that crashes after this and retries does not write it twice.
 */
export async function deadLetter(ctx: SubscriptionsContext, sub: Subscription, partition: number, records: readonly DecodedRecord[], info: DeadLetterInfo): Promise<void> {
  if (records.length === 0) return;
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
  const target = partition % (dlq?.partitions ?? 1);
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
    }).map(([key, value]) => ({ key, value: utf8.encode(value) }));
  const fingerprint = createHash('sha256').update(`${sub.id}/${partition}/${records[0]!.offset}-${records.at(-1)!.offset}`).digest('hex');
  await produce(ctx.log, {
    topic: sub.deadLetterTopic,
    records: records.map((r) => ({ key: r.key, value: r.value, headers: [...r.headers, ...extra(r)], partition: target, timestamp: r.timestamp })),
    idempotency: { key: `dlq-${info.webhookId}`, fingerprint },
  });
  // Alarmed on (infra/constructs/alarms.ts): records a receiver never got need a human.
  ctx.log.metrics.add('DeadLetteredRecords', 'Count', records.length);
}
