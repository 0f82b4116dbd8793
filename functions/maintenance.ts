import { loadConfig } from '../shared/config.js';
import { createLogContext } from '../shared/log/create-log-context.js';
import { createMaintenanceContext } from '../shared/maintenance/create-maintenance-context.js';
import { runMaintenance } from '../shared/maintenance/run-maintenance.js';
import { SERVICE_NAMES } from '../shared/metrics.js';
import { createStorageClients } from '../shared/storage/clients.js';
import { createSubscriptionsContext } from '../shared/subscriptions/subscriptions-context.js';
import { powertoolsMetricsSink } from './commons/powertools-metrics.js';

// Module scope: created once per Lambda instance. EventBridge Scheduler invokes this every few minutes.
const config = loadConfig(process.env);
const clients = createStorageClients({ region: config.region, dynamoEndpoint: config.dynamoEndpoint, s3Endpoint: config.s3Endpoint });
// Replays produce and deliver, so maintenance counts like the other functions.
const metrics = powertoolsMetricsSink(SERVICE_NAMES.maintenance);
const log = createLogContext({ clients, table: config.table, bucket: config.bucket, metrics });
// Replays into subscriptions deliver through the same signed path (and SSRF guard) as the dispatcher.
const subscriptions = createSubscriptionsContext(log, { policy: { allowLoopback: config.webhookAllowLoopback ?? false } });
const maintenance = createMaintenanceContext(
  log,
  {
    ...config.maintenance,
    // Leave a margin inside the function's own timeout for the steps already started.
    runBudgetMs: 4 * 60_000,
  },
  subscriptions,
);

export const handler = async () => runMaintenance(maintenance).finally(() => metrics.flush());
