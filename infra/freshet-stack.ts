import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { type ApiEndpointOptions, apiEndpointFromContext } from './api-endpoint-context.js';
import { FreshetAlarms } from './constructs/alarms.js';
import { FreshetApi } from './constructs/api.js';
import { FreshetDispatcher } from './constructs/dispatcher.js';
import { FreshetMaintenance } from './constructs/maintenance.js';
import { FreshetRootKey } from './constructs/root-key.js';
import { FreshetStorage } from './constructs/storage.js';

export interface FreshetStackProps extends StackProps, ApiEndpointOptions {
  /** Context `freshet:destroyOnRemoval`. Delete data and logs on `cdk destroy`. @default false (RETAIN) */
  readonly destroyOnRemoval?: boolean;
  /** Context `freshet:alarmEmail`. Subscribe this address to the alarms. @default none */
  readonly alarmEmail?: string;
  /** Context `freshet:maintenanceEveryMinutes`. How often maintenance runs. @default 5 */
  readonly maintenanceEveryMinutes?: number;
}

/** Everything Freshet runs on, assembled from constructs; each later worker is one more construct here. */
export class FreshetStack extends Stack {
  readonly storage: FreshetStorage;
  readonly rootKey: FreshetRootKey;
  readonly api: FreshetApi;
  readonly dispatcher: FreshetDispatcher;
  readonly maintenance: FreshetMaintenance;
  readonly alarms: FreshetAlarms;

  constructor(scope: Construct, id: string, props: FreshetStackProps = {}) {
    super(scope, id, { description: 'Freshet: serverless Kafka-style streaming on S3 and DynamoDB', ...props });
    const destroy = props.destroyOnRemoval ?? false;

    this.storage = new FreshetStorage(this, 'Storage', { destroyOnRemoval: destroy });
    this.rootKey = new FreshetRootKey(this, 'RootKey');
    const logRemovalPolicy = destroy ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    this.api = new FreshetApi(this, 'Api', {
      storage: this.storage,
      rootKey: this.rootKey,
      logRemovalPolicy,
      ...(props.apiEndpoint ? { endpoint: props.apiEndpoint } : {}),
      ...(props.apiReservedConcurrency ? { reservedConcurrency: props.apiReservedConcurrency } : {}),
    });
    this.dispatcher = new FreshetDispatcher(this, 'Dispatcher', { storage: this.storage, logRemovalPolicy });
    this.maintenance = new FreshetMaintenance(this, 'Maintenance', {
      storage: this.storage,
      every: Duration.minutes(props.maintenanceEveryMinutes ?? 5),
      logRemovalPolicy,
    });
    this.alarms = new FreshetAlarms(this, 'Alarms', props.alarmEmail ? { email: props.alarmEmail } : {});
    if (this.api.httpApi) this.alarms.watchHttpApi('Api', this.api.httpApi);
    this.alarms.watchFunction('ApiFunction', this.api.handler.function);
    this.alarms.watchFunction('MaintenanceFunction', this.maintenance.handler.function);
    this.alarms.watchFunction('DispatcherFunction', this.dispatcher.handler.function);
    this.alarms.watchQueue('DispatcherFailures', this.dispatcher.failures);
    this.alarms.add('DispatcherDeadLetters', this.dispatcher.metricDeadLetteredRecords(), 1, 'Dispatcher: records written to a dead-letter topic after their last delivery attempt');

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: this.api.endpoint === 'functionUrl' ? "Base URL of the API (the api function's Function URL)" : 'Base URL of the HTTP API' });
    new CfnOutput(this, 'RootKeySecretArn', {
      value: this.rootKey.secret.secretArn,
      description: 'aws secretsmanager get-secret-value --secret-id <this> --query SecretString --output text',
    });
    new CfnOutput(this, 'BucketName', { value: this.storage.bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName });
  }
}

/** Reads the stack's options from CDK context (cdk.json or `-c key=value`), which arrive as booleans or strings. */
export function propsFromContext(scope: Construct): Pick<FreshetStackProps, 'destroyOnRemoval' | 'alarmEmail' | 'maintenanceEveryMinutes' | keyof ApiEndpointOptions> {
  const destroy = scope.node.tryGetContext('freshet:destroyOnRemoval') as unknown;
  const email = scope.node.tryGetContext('freshet:alarmEmail') as unknown;
  const every = scope.node.tryGetContext('freshet:maintenanceEveryMinutes') as unknown;
  const minutes = every === undefined ? undefined : Number(every);
  if (minutes !== undefined && !(Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440)) {
    throw new Error(`context freshet:maintenanceEveryMinutes must be a whole number of minutes from 1 to 1440, not ${JSON.stringify(every)}`);
  }
  if (destroy !== undefined && ![true, false, 'true', 'false'].includes(destroy as string | boolean)) {
    throw new Error(`context freshet:destroyOnRemoval must be true or false, not ${JSON.stringify(destroy)}`);
  }
  if (email !== undefined && email !== '' && (typeof email !== 'string' || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))) {
    throw new Error(`context freshet:alarmEmail must be an email address, not ${JSON.stringify(email)}`);
  }
  return {
    destroyOnRemoval: destroy === true || destroy === 'true',
    ...(typeof email === 'string' && email !== '' ? { alarmEmail: email } : {}),
    ...(minutes !== undefined ? { maintenanceEveryMinutes: minutes } : {}),
    ...apiEndpointFromContext(scope),
  };
}
