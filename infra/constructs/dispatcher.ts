import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, SERVICE_NAMES } from '../../shared/metrics.js';
import { ENTRY_PREFIX, LOG_PK_PREFIX } from '../../shared/storage/keys.js';
import { FreshetFunction } from './function.js';
import { InvokeUnqualified } from './invoke-unqualified.js';
import type { FreshetStorage } from './storage.js';

export interface FreshetDispatcherProps {
  readonly storage: FreshetStorage;
  /** @default 512 — the dispatcher waits on receivers and storage; it needs little CPU. */
  readonly memorySize?: number;
  /** Stream records per invocation. @default 10 */
  readonly batchSize?: number;
  /** Batches of one stream shard in flight at once. @default 4 */
  readonly parallelizationFactor?: number;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** @default RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** How often the schedule starts a pass for due retries. @default 1 minute */
  readonly retryEvery?: Duration;
}

/**
 * The `dispatcher` function (webhook deliveries), started two ways: by the table's stream
 * for each new log entry, so deliveries follow commits within about a second, and by a
 * one-minute schedule for due retries. Both run the same pass (shared/subscriptions/dispatcher.ts);
 * overlapping passes are safe because each (subscription, partition) is delivered under a lease.
 */
export class FreshetDispatcher extends Construct {
  readonly handler: FreshetFunction;
  /** Where Lambda puts the description of a stream batch it gave up on (no record data). */
  readonly failures: Queue;
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: FreshetDispatcherProps) {
    super(scope, id);
    const { storage } = props;
    this.handler = new FreshetFunction(this, 'Handler', {
      entry: 'functions/dispatcher.ts',
      memorySize: props.memorySize ?? 512,
      // functions/dispatcher.ts stops starting deliveries 35 s before the timeout, since one
      // attempt may take 30 s; two minutes leaves a pass 85 s of starting batches.
      timeout: Duration.minutes(2),
      environment: storage.environment,
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      ...(props.logRemovalPolicy ? { logRemovalPolicy: props.logRemovalPolicy } : {}),
    });
    const fn = this.handler.function;
    // Reads records to deliver, reads and writes subscriptions and cursors, and produces
    // into dead-letter topics (a batch object, then the commit; `{topic}.dlq` is created when missing).
    storage.grantRecordsRead(fn);
    storage.grantBatchWrite(fn);
    // Its commits (a produce into a dead-letter topic) put and update; no ConditionCheck anywhere in its code.
    storage.grantItems(fn, ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

    this.failures = new Queue(this, 'Failures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failures).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter destination: Lambda sends it the description of a stream batch the dispatcher gave up on (shard, sequence numbers), and an alarm fires on any message in it. Nothing consumes it, so nothing could fail to process a message and need a further queue.',
    });

    fn.addEventSource(
      new DynamoEventSource(storage.table, {
        // What was committed before the mapping started is picked up by the schedule's pass.
        startingPosition: StartingPosition.LATEST,
        // A batch only names the topics to pass over; small batches keep one slow receiver's
        // pass from holding back the topics that share its batch.
        batchSize: props.batchSize ?? 10,
        // Safe because deliveries are fenced by per-partition leases, not by stream order;
        // entries with one pk (one log partition) still go to the same batch, in order.
        parallelizationFactor: props.parallelizationFactor ?? 4,
        bisectBatchOnError: true,
        // A failing pass is retried a few times, then set aside: the one-minute schedule
        // delivers whatever it was for, since every pass works from the cursors.
        retryAttempts: 3,
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(this.failures),
        // Only new log entries (functions/dispatcher.ts topicIdsOf reads the same keys);
        // heads, cursors, groups and idempotency records share the stream and cost nothing filtered out.
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { Keys: { pk: { S: FilterRule.beginsWith(LOG_PK_PREFIX) }, sk: { S: FilterRule.beginsWith(ENTRY_PREFIX) } } },
          }),
        ],
      }),
    );

    // The event source grants ListStreams on `*` besides the reads on this stream's ARN:
    // the action has no resource-level permissions, and AWS lists it among those a DynamoDB event source needs.
    Validations.of(this.handler.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'dynamodb:ListStreams alone is granted on *, because IAM supports no resource for it (it only lists stream ARNs, no data); AWS documents it among the execution-role permissions Lambda needs to read a DynamoDB stream (as in AWSLambdaDynamoDBExecutionRole). GetRecords, GetShardIterator and DescribeStream are limited to this table\'s stream ARN.',
    });

    this.schedule = new Schedule(this, 'Schedule', {
      description: 'Freshet dispatcher: due webhook retries',
      schedule: ScheduleExpression.rate(props.retryEvery ?? Duration.minutes(1)),
      // The next pass does the same work, so a failed or late one is not retried.
      target: new InvokeUnqualified(fn, { retryAttempts: 0, maxEventAge: props.retryEvery ?? Duration.minutes(1) }),
    });
  }

  /** Records written to dead-letter topics (an EMF metric of the dispatcher, shared/subscriptions/dead-letter.ts). */
  metricDeadLetteredRecords(): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: 'DeadLetteredRecords',
      dimensionsMap: { service: SERVICE_NAMES.dispatcher },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
  }

  /** Delivery attempts with one `outcome` (delivered, retry, gone, dead_lettered): shared/subscriptions/dispatch-partition.ts. */
  metricDeliveries(outcome: 'delivered' | 'retry' | 'gone' | 'dead_lettered'): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: 'Deliveries',
      dimensionsMap: { service: SERVICE_NAMES.dispatcher, outcome },
      statistic: 'Sum',
      period: Duration.minutes(1),
      label: outcome,
    });
  }
}
