import type { SubscriptionsContext } from '../subscriptions/subscriptions-context.js';
import { buildLog } from './log.js';
import type { RuntimeOptions } from './options.js';
import { buildSubscriptions } from './subscriptions.js';

/**
 * The dispatcher function's part of the runtime: the log and subscriptions only, so its
 * bundle (and its IAM role, which test/infra/iam-follows-code.test.ts derives from the
 * bundle) holds nothing of groups, keys or maintenance.
 */
export function createDispatcherRuntime(options: RuntimeOptions): { subscriptions: SubscriptionsContext } {
  return { subscriptions: buildSubscriptions(buildLog(options), options) };
}
