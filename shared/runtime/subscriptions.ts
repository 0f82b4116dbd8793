import { randomUUID } from 'node:crypto';
import type { LogContext } from '../log/log-context.js';
import { SubscriptionStore } from '../storage/subscription-store.js';
import type { SubscriptionsContext } from '../subscriptions/subscriptions-context.js';
import type { RuntimeOptions } from './options.js';

export function buildSubscriptions(log: LogContext, options: RuntimeOptions): SubscriptionsContext {
  return {
    log,
    store: new SubscriptionStore(options.clients, options.table),
    policy: options.subscriptions?.policy ?? { allowLoopback: false },
    // This process's name as a lease owner of subscription partitions.
    dispatcherId: `dispatcher-${randomUUID()}`,
    random: options.subscriptions?.random ?? Math.random,
  };
}
