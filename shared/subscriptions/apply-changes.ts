import { SubscriptionNotFoundError } from '../errors.js';
import type { Subscription } from '../model/subscription.js';
import type { SubscriptionStorage } from './subscription-storage.js';

/** Updates a subscription, or throws SubscriptionNotFoundError when it was deleted meanwhile. */
export async function applySubscriptionChanges(store: Pick<SubscriptionStorage, 'update'>, id: string, changes: Partial<Omit<Subscription, 'id'>>): Promise<Subscription> {
  const updated = await store.update(id, changes);
  if (!updated) throw new SubscriptionNotFoundError(id);
  return updated;
}
