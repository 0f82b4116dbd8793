import type { LogContext } from '../log/log-context.js';
import type { SubscriptionStorage } from './subscription-storage.js';
import type { UrlPolicy } from './ssrf-guard.js';

/** Everything subscriptions need: the log, their store, the SSRF policy, and this process's identity as a lease owner. */
export interface SubscriptionsContext {
  log: LogContext;
  store: SubscriptionStorage;
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
