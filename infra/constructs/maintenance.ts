import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { FreshetFunction } from './function.js';
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

  constructor(scope: Construct, id: string, props: FreshetMaintenanceProps) {
    super(scope, id);
    const every = props.every ?? Duration.minutes(5);
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
}

/**
 * LambdaInvoke, but the schedule's role may invoke the function's unqualified ARN only:
 * the stock target grants `arn:*` too (every version and alias), which this schedule never calls.
 */
class InvokeUnqualified extends LambdaInvoke {
  constructor(
    private readonly fn: IFunction,
    props: ConstructorParameters<typeof LambdaInvoke>[1],
  ) {
    super(fn, props);
  }

  protected override addTargetActionToRole(role: IRole): void {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.fn.functionArn] }));
  }
}
