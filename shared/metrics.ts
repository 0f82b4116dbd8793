/** CloudWatch namespace of Freshet's metrics; infra/constructs/alarms.ts alarms on them. */
export const METRICS_NAMESPACE = 'Freshet';

/** The `service` dimension each function's metrics carry (and its logger's service name). */
export const SERVICE_NAMES = { api: 'freshet-api', dispatcher: 'freshet-dispatcher', maintenance: 'freshet-maintenance' } as const;

/**
 * What the domain counts. `Deliveries` has an `outcome` dimension (delivered, retry, gone,
 * dead_lettered); the maintenance pass emits `GroupLag` per `group` and `topic`,
 * `SubscriptionBacklog` per `subscription`, and, without dimensions, `MaxGroupLag`,
 * `SubscriptionsPaused`, `SubscriptionsFailing` and `MaintenancePassCompleted` (1 or 0),
 * which the alarms watch. The others have no dimension, because every extra dimension
 * value (a topic name, say) is one more custom metric billed per month (docs/deploy.md).
 */
export type MetricName =
  | 'RecordsProduced'
  | 'BytesProduced'
  | 'RecordsFetched'
  | 'BytesFetched'
  | 'Deliveries'
  | 'DeadLetteredRecords'
  | 'GroupLag'
  | 'MaxGroupLag'
  | 'SubscriptionBacklog'
  | 'SubscriptionsPaused'
  | 'SubscriptionsFailing'
  | 'MaintenancePassCompleted';

/**
 * The domain's only view of metrics: the Lambda entry points back it with Powertools (EMF)
 * and flush per invocation; local mode and tests leave the no-op or record.
 */
export interface MetricsSink {
  add(name: MetricName, unit: 'Count' | 'Bytes', value: number, dimensions?: Record<string, string>): void;
}

export const noMetrics: MetricsSink = { add: () => {} };
