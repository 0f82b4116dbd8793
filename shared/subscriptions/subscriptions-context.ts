import { randomUUID } from 'node:crypto';
import type { LogContext } from '../log/log-context.js';
import { SubscriptionStore } from '../storage/subscription-store.js';
import type { UrlPolicy } from './ssrf-guard.js';

/** Everything subscriptions need: the log, their store, the SSRF policy, and this process's identity as a lease owner. */
export interface SubscriptionsContext {
  log: LogContext;
  store: SubscriptionStore;
  policy: UrlPolicy;
  /** Lease owner name of this dispatcher (process). */
  dispatcherId: string;
  /** Jitter source; injected by tests that need exact delays. */
  random: () => number;
}

export interface SubscriptionOptions {
  policy?: UrlPolicy | undefined;
  random?: (() => number) | undefined;
}

export function createSubscriptionsContext(log: LogContext, options: SubscriptionOptions = {}): SubscriptionsContext {
  return {
    log,
    store: new SubscriptionStore(log.store.clients, log.store.table),
    policy: options.policy ?? { allowLoopback: false },
    dispatcherId: `dispatcher-${randomUUID()}`,
    random: options.random ?? Math.random,
  };
}
