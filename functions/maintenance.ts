import './commons/source-mapped-stacks.js';
import { Logger } from '@aws-lambda-powertools/logger';
import { loadConfig } from '../shared/config.js';
import { runMaintenance } from '../shared/maintenance/run-maintenance.js';
import { SERVICE_NAMES } from '../shared/metrics.js';
import { createMaintenanceRuntime } from '../shared/runtime/maintenance.js';
import { storageFromConfig } from '../shared/runtime/options.js';
import { powertoolsActivityLogger } from './commons/powertools-activity-logger.js';
import { powertoolsMetricsSink } from './commons/powertools-metrics.js';

// Module scope: created once per Lambda instance. EventBridge Scheduler invokes this every few minutes.
const config = loadConfig(process.env);
// Replays produce and deliver, so maintenance counts like the other functions.
const metrics = powertoolsMetricsSink(SERVICE_NAMES.maintenance);
// Maintenance work, replay steps and the pass running out of budget, as JSON lines.
const logger = new Logger({ serviceName: SERVICE_NAMES.maintenance });
const { maintenance } = createMaintenanceRuntime({
  ...storageFromConfig(config),
  metrics,
  logger: powertoolsActivityLogger(logger),
  // Replays into subscriptions deliver through the same signed path (and SSRF guard) as the dispatcher.
  subscriptions: { policy: { allowLoopback: config.webhookAllowLoopback ?? false } },
  // Leave a margin inside the function's own timeout for the steps already started.
  maintenance: { ...config.maintenance, runBudgetMs: 4 * 60_000 },
});

export const handler = async () => runMaintenance(maintenance).finally(() => metrics.flush());
