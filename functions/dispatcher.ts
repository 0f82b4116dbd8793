import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig } from '../shared/config.js';
import { createLogContext } from '../shared/log/create-log-context.js';
import { SERVICE_NAMES } from '../shared/metrics.js';
import { createStorageClients } from '../shared/storage/clients.js';
import { dispatchOnce } from '../shared/subscriptions/dispatcher.js';
import { createSubscriptionsContext } from '../shared/subscriptions/subscriptions-context.js';
import { powertoolsMetricsSink } from './commons/powertools-metrics.js';

const logger = new Logger({ serviceName: SERVICE_NAMES.dispatcher });
const metrics = powertoolsMetricsSink(SERVICE_NAMES.dispatcher);

// Module scope: created once per Lambda instance and reused by every invocation.
const config = loadConfig(process.env);
const clients = createStorageClients({ region: config.region, dynamoEndpoint: config.dynamoEndpoint, s3Endpoint: config.s3Endpoint });
const log = createLogContext({ clients, table: config.table, bucket: config.bucket, commitBudgetMs: config.commitBudgetMs, metrics });
const ctx = createSubscriptionsContext(log, { policy: { allowLoopback: config.webhookAllowLoopback ?? false } });

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
    if (r.eventName !== 'INSERT' || !pk?.startsWith('LOG#') || !sk?.startsWith('O#')) continue;
    ids.add(pk.slice('LOG#'.length, pk.lastIndexOf('#')));
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
