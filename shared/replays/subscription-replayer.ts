import { SubscriptionNotFoundError } from '../errors.js';
import { deliverRecords } from '../subscriptions/deliver-records.js';
import { passesFilter } from '../subscriptions/record-filter.js';
import type { SubscriptionsContext } from '../subscriptions/subscriptions-context.js';
import type { SubscriptionReplayer } from './replay-runner.js';

/**
 * Replays into a subscription through the normal signed delivery path (its URL, format,
 * filter and secrets), without touching its live cursor. A failed delivery is retried by
 * the next maintenance run with the same webhook-id.
 */
export function subscriptionReplayer(ctx: SubscriptionsContext): SubscriptionReplayer {
  return async (subscriptionId, partition, records, webhookId) => {
    let subscription: Awaited<ReturnType<typeof ctx.store.load>>['subscription'];
    try {
      subscription = (await ctx.store.load(subscriptionId)).subscription;
    } catch (err) {
      if (err instanceof SubscriptionNotFoundError) return { ok: false, error: `subscription '${subscriptionId}' no longer exists` };
      throw err;
    }
    const wanted = records.filter((r) => passesFilter(r, subscription.filter));
    if (wanted.length === 0) return { ok: true, error: null };
    const result = await deliverRecords(ctx, subscription, partition, wanted, webhookId);
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    return { ok, error: ok ? null : (result.error ?? `the receiver answered ${result.status}`) };
  };
}

export async function subscriptionExists(ctx: SubscriptionsContext, id: string): Promise<boolean> {
  try {
    await ctx.store.load(id);
    return true;
  } catch (err) {
    if (err instanceof SubscriptionNotFoundError) return false;
    throw err;
  }
}
