import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, type MetricName, SERVICE_NAMES } from '../../shared/metrics.js';
import { FreshetFunction } from './function.js';
import { InvokeUnqualified } from './invoke-unqualified.js';
import type { FreshetStorage } from './storage.js';

export interface FreshetMaintenanceProps {
  readonly storage: FreshetStorage;
  /** How often EventBridge Scheduler starts a pass. @default 5 minutes */
  readonly every?: Duration;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** @default RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The `maintenance` function (compaction, retention, tiering, orphan GC, topic deletion,
 * replays) and the EventBridge Scheduler schedule that runs it. Overlapping runs are safe:
 * a pass takes a lease item in the table first and skips when another holds it.
 */
export class FreshetMaintenance extends Construct {
  readonly handler: FreshetFunction;
  readonly schedule: Schedule;
  readonly every: Duration;

  constructor(scope: Construct, id: string, props: FreshetMaintenanceProps) {
    super(scope, id);
    const every = props.every ?? Duration.minutes(5);
    this.every = every;
    if (every.toMinutes() < 1) throw new Error('maintenance cannot run more often than once a minute');
    this.handler = new FreshetFunction(this, 'Handler', {
      entry: 'functions/maintenance.ts',
      // functions/maintenance.ts gives a pass a 4-minute budget; the rest is the margin for the steps already started.
      timeout: Duration.minutes(5),
      environment: props.storage.environment,
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      ...(props.logRemovalPolicy ? { logRemovalPolicy: props.logRemovalPolicy } : {}),
    });
    props.storage.grantMaintenance(this.handler.function);

    this.schedule = new Schedule(this, 'Schedule', {
      description: 'Freshet maintenance pass',
      schedule: ScheduleExpression.rate(every),
      // A failed or late pass is not retried: the next one starts within `every` anyway.
      target: new InvokeUnqualified(this.handler.function, { retryAttempts: 0, maxEventAge: Duration.minutes(Math.max(1, every.toMinutes())) }),
    });
  }

  /**
   * A metric each scheduled pass emits (shared/maintenance/signals.ts and run-maintenance.ts):
   * MaintenancePassCompleted, MaxGroupLag, SubscriptionsPaused, SubscriptionsFailing, or,
   * with their dimensions, GroupLag and SubscriptionBacklog.
   */
  metric(name: MetricName, dimensions: Record<string, string> = {}): Metric {
    return new Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: SERVICE_NAMES.maintenance, ...dimensions }, period: this.every, statistic: 'Maximum' });
  }
}
