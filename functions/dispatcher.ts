import './commons/source-mapped-stacks.js';
import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig } from '../shared/config.js';
import { SERVICE_NAMES } from '../shared/metrics.js';
import { ENTRY_PREFIX, LOG_PK_PREFIX, topicIdOfLogPk } from '../shared/storage/keys.js';
import { createDispatcherRuntime } from '../shared/runtime/dispatcher.js';
import { storageFromConfig } from '../shared/runtime/options.js';
import { dispatchOnce } from '../shared/subscriptions/dispatcher.js';
import { powertoolsActivityLogger } from './commons/powertools-activity-logger.js';
import { powertoolsMetricsSink } from './commons/powertools-metrics.js';

const logger = new Logger({ serviceName: SERVICE_NAMES.dispatcher });
const metrics = powertoolsMetricsSink(SERVICE_NAMES.dispatcher);

// Module scope: created once per Lambda instance and reused by every invocation.
const config = loadConfig(process.env);
const ctx = createDispatcherRuntime({
  ...storageFromConfig(config),
  commitBudgetMs: config.commitBudgetMs,
  metrics,
  // Failed deliveries and dead letters, one JSON line each.
  logger: powertoolsActivityLogger(logger),
  subscriptions: { policy: { allowLoopback: config.webhookAllowLoopback ?? false } },
}).subscriptions;

/** The part of a DynamoDB stream record we read: the new item's keys. */
interface StreamRecord {
  eventName?: string;
  dynamodb?: { Keys?: { pk?: { S?: string }; sk?: { S?: string } } };
}

/** A DynamoDB stream batch (`Records`), or the one-minute schedule (anything else). */
export type DispatcherEvent = { Records: StreamRecord[] } | Record<string, unknown>;

interface Context {
  getRemainingTimeInMillis(): number;
}

/** Leave time for the slowest attempt (30 s) and the writes after it before Lambda's timeout. */
const TIMEOUT_RESERVE_MS = 35_000;

/** Topic incarnations that got new log entries (`pk = LOG#{topicId}#{partition}`, `sk = O#…`). */
export function topicIdsOf(records: readonly StreamRecord[]): Set<string> {
  const ids = new Set<string>();
  for (const r of records) {
    const pk = r.dynamodb?.Keys?.pk?.S;
    const sk = r.dynamodb?.Keys?.sk?.S;
    if (r.eventName !== 'INSERT' || !pk?.startsWith(LOG_PK_PREFIX) || !sk?.startsWith(ENTRY_PREFIX)) continue;
    ids.add(topicIdOfLogPk(pk));
  }
  return ids;
}

export const handler = async (event: DispatcherEvent, context: Context) => {
  try {
    return await dispatch(event, context);
  } finally {
    metrics.flush();
  }
};

async function dispatch(event: DispatcherEvent, context: Context) {
  const budgetMs = Math.max(1_000, context.getRemainingTimeInMillis() - TIMEOUT_RESERVE_MS);
  const records = Array.isArray(event.Records) ? (event.Records as StreamRecord[]) : undefined;
  if (records) {
    const topicIds = topicIdsOf(records);
    // Other items of the table (heads, groups, …) share the stream; nothing to do for them.
    if (topicIds.size === 0) return { subscriptions: 0, attempts: 0 };
    const pass = await dispatchOnce(ctx, { topicIds, budgetMs });
    logger.info('dispatched after commits', { topics: topicIds.size, ...pass });
    return pass;
  }
  const pass = await dispatchOnce(ctx, { budgetMs });
  logger.info('dispatched due retries', { ...pass });
  return pass;
}
