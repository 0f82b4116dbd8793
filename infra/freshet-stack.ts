import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type ApiEndpointOptions, apiEndpointFromContext } from './api-endpoint-context.js';
import { FreshetAlarms } from './constructs/alarms.js';
import { FreshetApi } from './constructs/api.js';
import { FreshetDispatcher } from './constructs/dispatcher.js';
import { FreshetMaintenance } from './constructs/maintenance.js';
import { FreshetRootKey } from './constructs/root-key.js';
import { FreshetStorage } from './constructs/storage.js';
import { FreshetDashboard } from './constructs/dashboard.js';
import { type FreshetOptions, propsFromContext as optionsFromContext } from './options.js';

/** A stack's options: what one deployment tunes (infra/options.ts), the api endpoint, plus CloudFormation's own (stackName, env, tags). */
export interface FreshetStackProps extends StackProps, FreshetOptions, ApiEndpointOptions {}

export { stackNameFromContext } from './options.js';

/** Every freshet:* option from CDK context (cdk.json or `-c key=value`). */
export function propsFromContext(scope: Construct): FreshetOptions & ApiEndpointOptions & { destroyOnRemoval: boolean } {
  return { ...optionsFromContext(scope), ...apiEndpointFromContext(scope) };
}

/** Everything Freshet runs on, assembled from constructs; each later worker is one more construct here. */
export class FreshetStack extends Stack {
  readonly storage: FreshetStorage;
  readonly rootKey: FreshetRootKey;
  readonly api: FreshetApi;
  readonly dispatcher: FreshetDispatcher;
  readonly maintenance: FreshetMaintenance;
  readonly alarms: FreshetAlarms;
  readonly dashboard: FreshetDashboard | undefined;

  constructor(scope: Construct, id: string, props: FreshetStackProps = {}) {
    super(scope, id, { description: 'Freshet: serverless Kafka-style streaming on S3 and DynamoDB', ...props });
    const destroy = props.destroyOnRemoval ?? false;

    this.storage = new FreshetStorage(this, 'Storage', { destroyOnRemoval: destroy, legacyTimeIndex: props.legacyTimeIndex ?? false });
    this.rootKey = new FreshetRootKey(this, 'RootKey');
    const logRemovalPolicy = destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    this.api = new FreshetApi(this, 'Api', {
      storage: this.storage,
      rootKey: this.rootKey,
      logRemovalPolicy,
      ...(props.apiMemoryMb !== undefined ? { memorySize: props.apiMemoryMb } : {}),
      ...(props.apiThrottleRate !== undefined ? { throttleRateLimit: props.apiThrottleRate } : {}),
      ...(props.apiThrottleBurst !== undefined ? { throttleBurstLimit: props.apiThrottleBurst } : {}),
      ...(props.apiEndpoint ? { endpoint: props.apiEndpoint } : {}),
      ...(props.apiReservedConcurrency ? { reservedConcurrency: props.apiReservedConcurrency } : {}),
    });
    this.dispatcher = new FreshetDispatcher(this, 'Dispatcher', {
      storage: this.storage,
      logRemovalPolicy,
      retryEvery: Duration.minutes(props.dispatcherRetryEveryMinutes ?? 1),
    });
    this.maintenance = new FreshetMaintenance(this, 'Maintenance', {
      storage: this.storage,
      every: Duration.minutes(props.maintenanceEveryMinutes ?? 5),
      logRemovalPolicy,
    });
    this.alarms = new FreshetAlarms(this, 'Alarms', {
      ...(props.alarmEmail ? { email: props.alarmEmail } : {}),
      ...(props.alarmServerErrors !== undefined ? { serverErrorThreshold: props.alarmServerErrors } : {}),
    });
    if (this.api.httpApi) this.alarms.watchHttpApi('Api', this.api.httpApi);
    this.alarms.watchFunction('ApiFunction', this.api.handler.function);
    this.alarms.watchFunction('MaintenanceFunction', this.maintenance.handler.function);
    this.alarms.watchFunction('DispatcherFunction', this.dispatcher.handler.function);
    this.alarms.watchQueue('DispatcherFailures', this.dispatcher.failures);
    const deadLetters = props.alarmDeadLetters ?? 1;
    if (deadLetters > 0) this.alarms.add('DispatcherDeadLetters', this.dispatcher.metricDeadLetteredRecords(), deadLetters, 'Dispatcher: records written to a dead-letter topic after their last delivery attempt');
    // What each maintenance pass reports (shared/maintenance/signals.ts); metric and alarm costs: docs/deploy.md.
    const { every } = this.maintenance;
    const missedPasses = props.alarmMaintenanceMissedPasses ?? 3;
    if (missedPasses > 0) this.alarms.watchMaintenance(this.maintenance.metric('MaintenancePassCompleted'), every, missedPasses);
    if (props.alarmSubscriptions ?? true) this.alarms.watchSubscriptions(this.maintenance.metric('SubscriptionsPaused'), this.maintenance.metric('SubscriptionsFailing'), every);
    if (props.alarmGroupLag !== undefined) this.alarms.watchGroupLag(this.maintenance.metric('MaxGroupLag'), every, props.alarmGroupLag);
    this.dashboard = (props.dashboard ?? true) ? new FreshetDashboard(this, 'Dashboard', { api: this.api, dispatcher: this.dispatcher, maintenance: this.maintenance }) : undefined;

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: this.api.endpoint === 'functionUrl' ? "Base URL of the API (the api function's Function URL)" : 'Base URL of the HTTP API' });
    new CfnOutput(this, 'RootKeySecretArn', {
      value: this.rootKey.secret.secretArn,
      description: 'aws secretsmanager get-secret-value --secret-id <this> --query SecretString --output text',
    });
    new CfnOutput(this, 'BucketName', { value: this.storage.bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName });
  }
}
