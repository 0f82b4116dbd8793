import type { DecodedRecord } from '../log/record-batch-codec.js';
import { type DeliveryResult, deliverOnce } from './delivery.js';
import { formatPayload } from './payload.js';
import { signHeaders, signingSecrets } from './signing.js';
import type { Subscription } from '../model/subscription.js';
import type { SubscriptionsContext } from './subscriptions-context.js';

/**
 * ONE signed delivery of `records` (already filtered, all of `partition`) to the
 * subscription's URL, in its format, under `webhookId`. It moves no cursor and does not
 * retry: the dispatcher decides what an outcome means, and a replay job (maintenance)
 * can re-deliver a range of old records through exactly the same signed path without
 * touching the live cursor. Pass the same `webhookId` for every attempt of one batch.
 */
export async function deliverRecords(
  ctx: SubscriptionsContext,
  sub: Subscription,
  partition: number,
  records: readonly DecodedRecord[],
  webhookId: string,
): Promise<DeliveryResult> {
  let payload: ReturnType<typeof formatPayload>;
  try {
    payload = formatPayload({ subscriptionId: sub.id, topic: sub.topic, partition, records, format: sub.format, encoding: sub.encoding });
  } catch (err) {
    // A record the subscription's encoding cannot carry: a failure like any other, so it
    // is retried and finally dead-lettered instead of wedging the partition.
    return { status: null, error: err instanceof Error ? err.message : 'the records could not be formatted', retryAfterMs: null };
  }
  const now = ctx.log.clock.now();
  const headers = { 'content-type': payload.contentType, ...signHeaders(signingSecrets(sub, now), webhookId, now, payload.body) };
  return deliverOnce({ url: sub.url, headers, body: payload.body, timeoutMs: sub.timeoutMs, policy: ctx.policy, now });
}
