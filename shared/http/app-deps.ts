import type { GroupsContext } from '../groups/groups-context.js';
import type { KeyService } from '../keys/key-service.js';
import type { LogContext } from '../log/log-context.js';
import type { MaintenanceContext } from '../maintenance/maintenance-context.js';
import type { SubscriptionsContext } from '../subscriptions/subscriptions-context.js';
import type { HealthCheck } from './health-check.js';
import type { StaticAssetDirs } from './static-assets.js';

/** The capability contexts the API serves; the composition root (`shared/runtime/`) builds them. */
export interface AppDeps {
  log: LogContext;
  keys: KeyService;
  groups: GroupsContext;
  subscriptions: SubscriptionsContext;
  maintenance: MaintenanceContext;
  /** Whether storage answers, for /v1/health. */
  health: HealthCheck;
  /** Where the console's and the docs' files are; default: this checkout's `console/dist` and swagger-ui-dist. */
  assets?: StaticAssetDirs;
}
