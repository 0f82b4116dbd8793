import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface FreshetAlarmsProps {
  /** Where alarm notifications go (an SNS topic with this email subscribed). @default none: alarms show in the CloudWatch console only */
  readonly email?: string;
  /** API 5xx responses in five minutes that raise the alarm. @default 5 (a single 503 under commit contention is backpressure, not an outage) */
  readonly serverErrorThreshold?: number;
}

/** How an alarm reads its metric, where it differs from the default (one period, ≥ threshold, missing = OK). */
export interface AlarmShape {
  /** Consecutive periods that must breach. @default 1 */
  readonly evaluationPeriods?: number;
  /** @default GREATER_THAN_OR_EQUAL_TO_THRESHOLD */
  readonly comparisonOperator?: ComparisonOperator;
  /** @default NOT_BREACHING */
  readonly treatMissingData?: TreatMissingData;
}

/**
 * CloudWatch alarms on what needs a human: API 5xx responses, function errors (crashes,
 * timeouts, init failures — the app itself answers errors as problem+json) and throttles,
 * stream batches the dispatcher gave up on, records it dead-lettered, and what each
 * maintenance pass reports: group lag, paused or failing subscriptions, passes that stop completing.
 * Missing data is "not breaching" (an idle stack has no datapoints and must stay OK),
 * except for the maintenance heartbeat, whose absence is the thing alarmed on.
 */
export class FreshetAlarms extends Construct {
  /** The notification topic, when an email was given. */
  readonly topic: Topic | undefined;
  readonly alarms: Alarm[] = [];
  private readonly serverErrorThreshold: number;

  constructor(scope: Construct, id: string, props: FreshetAlarmsProps = {}) {
    super(scope, id);
    this.serverErrorThreshold = props.serverErrorThreshold ?? 5;
    if (props.email) {
      this.topic = new Topic(this, 'Topic', { displayName: `Freshet alarms (${Stack.of(this).stackName})`, enforceSSL: true });
      this.topic.addSubscription(new EmailSubscription(props.email));
      Validations.of(this.topic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason:
          'CloudWatch alarms can publish to an encrypted topic only with a customer managed KMS key whose policy admits CloudWatch (the aws/sns key policy cannot be changed), and such a key costs $1/month while idle. The messages carry alarm names and states, nothing from the records.',
      });
    }
  }

  /** Alarms on the API's 5xx responses. */
  watchHttpApi(name: string, api: HttpApi): void {
    this.add(`${name}ServerErrors`, api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }), this.serverErrorThreshold, `${name}: 5xx responses`);
  }

  /** Alarms on a function's errors and throttles; every function of the stack is watched through this. */
  watchFunction(name: string, fn: IFunction): void {
    this.add(`${name}Errors`, fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 1, `${name}: invocations that failed (crash, timeout, init error)`);
    this.add(`${name}Throttles`, fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }), 1, `${name}: invocations throttled by Lambda concurrency`);
  }

  /** Alarms when a queue holds any message: used for failure queues, where every message needs a look. */
  watchQueue(name: string, queue: IQueue): void {
    this.add(`${name}Visible`, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }), 1, `${name}: messages waiting in the queue`);
  }

  /**
   * No maintenance pass completed (`completed`: MaintenancePassCompleted, 1 or 0 per pass) for
   * `passes` intervals of `every`: the schedule stopped, the function fails, or every pass runs out
   * of budget. One window of `every` × `passes`, summed; no data at all counts as breaching.
   */
  watchMaintenance(completed: Metric, every: Duration, passes: number): Alarm {
    const window = every.toMinutes() * passes;
    if (window > 24 * 60) throw new Error(`a maintenance alarm window of ${passes} × ${every.toMinutes()} minutes exceeds the day CloudWatch allows; lower freshet:alarmMaintenanceMissedPasses`);
    return this.add('MaintenanceBehind', completed.with({ statistic: 'Sum', period: Duration.minutes(window) }), 1, `Maintenance: no pass completed in ${passes} intervals of ${every.toMinutes()} min (retention, compaction and replays are falling behind)`, {
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    });
  }

  /** Any subscription paused (by hand, by a 410 or by its topic's deletion), and any failing two passes running. */
  watchSubscriptions(paused: Metric, failing: Metric, every: Duration): void {
    this.add('SubscriptionPaused', paused.with({ statistic: 'Maximum', period: every }), 1, 'Subscriptions: at least one is paused (GET /v1/subscriptions shows which, and pausedReason why)');
    this.add('SubscriptionFailing', failing.with({ statistic: 'Maximum', period: every }), 1, 'Subscriptions: at least one has had a batch waiting for a retry for two maintenance passes (its receiver fails)', {
      evaluationPeriods: 2,
    });
  }

  /** Some group's lag on some topic at or above `threshold` for two passes running (MaxGroupLag: one metric for every group). */
  watchGroupLag(maxLag: Metric, every: Duration, threshold: number): Alarm {
    return this.add('GroupLag', maxLag.with({ statistic: 'Maximum', period: every }), threshold, `Consumer groups: a group lags ${threshold} records or more behind on a topic, two passes running (the GroupLag metric per group and topic shows which)`, {
      evaluationPeriods: 2,
    });
  }

  /** Any alarm, e.g. on the dispatcher's dead-letter writes; it notifies the topic like the others. */
  add(id: string, metric: Metric, threshold: number, description: string, shape: AlarmShape = {}): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: shape.evaluationPeriods ?? 1,
      comparisonOperator: shape.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: shape.treatMissingData ?? TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    if (this.topic) {
      alarm.addAlarmAction(new SnsAction(this.topic));
      alarm.addOkAction(new SnsAction(this.topic));
    }
    this.alarms.push(alarm);
    return alarm;
  }
}
