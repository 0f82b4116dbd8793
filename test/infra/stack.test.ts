import { App, type CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { type FreshetStack, propsFromContext } from '../../infra/freshet-stack.js';
import { METRICS_NAMESPACE, SERVICE_NAMES } from '../../shared/metrics.js';
import { INDEX_LIST, LEGACY_INDEX_BY_TIME } from '../../shared/storage/keys.js';
import { TTL_ATTRIBUTE } from '../../shared/storage/provision.js';
import { synthFreshet } from './synth-stack.js';

const { stack, template } = synthFreshet();
const id = (s: FreshetStack, c: IConstruct) => s.getLogicalId(c.node.defaultChild as CfnElement);
const ref = (c: IConstruct) => ({ Ref: id(stack, c) });
const arnOf = (c: IConstruct) => ({ 'Fn::GetAtt': [id(stack, c), 'Arn'] });

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
}
interface PolicyResource {
  Properties: { PolicyDocument: { Statement: Statement[] }; Roles: unknown[] };
}
const policies = () => Object.values(template.findResources('AWS::IAM::Policy')) as PolicyResource[];
const list = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
/** Every statement that lets a role invoke a function: the schedules' roles. */
const invokeStatements = () =>
  policies()
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .filter((s) => list(s.Action).some((a) => a.startsWith('lambda:')));

describe('FreshetStack: the api function', () => {
  it('runs on Node 22, arm64, 1024 MB, 29 s, with source maps and its own log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 1024,
      Timeout: 29,
      Handler: 'index.handler',
      LoggingConfig: { LogGroup: ref(stack.api.handler.logGroup) },
      Environment: {
        Variables: {
          // Stack traces are mapped lazily by the bundle itself (functions/commons/source-mapped-stacks.ts).
          NODE_OPTIONS: Match.absent(),
          FRESHET_TABLE: ref(stack.storage.table),
          FRESHET_BUCKET: ref(stack.storage.bucket),
          FRESHET_ROOT_KEY_SECRET_ARN: ref(stack.rootKey.secret),
          // The key itself never sits in the function's configuration.
          FRESHET_ROOT_KEY: Match.absent(),
        },
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    // The api, dispatcher and maintenance functions, nothing else (no log-retention or other helper functions).
    template.resourceCountIs('AWS::Lambda::Function', 3);
  });

  it('gives each function its own code asset (CDK caches bundles by source and options, and the entry is in neither)', () => {
    const keys = Object.values(template.findResources('AWS::Lambda::Function')).map((f) => JSON.stringify((f as { Properties: { Code: unknown } }).Properties.Code));
    expect(new Set(keys).size).toBe(3);
  });

  it('has a role with no AWS managed policy', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
    });
  });
});

describe('FreshetStack: the HTTP API', () => {
  it('sends every route to the function with payload 2.0', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', { IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0' });
  });

  it('throttles the stage and writes JSON access logs to a log group with retention', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
      AccessLogSettings: { DestinationArn: arnOf(stack.api.accessLogs!), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
    });
  });
});

describe('FreshetStack: storage', () => {
  it('keeps the bucket private, encrypted, TLS-only and free of abandoned uploads, and retains it', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: Match.absent(),
        LifecycleConfiguration: { Rules: [Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' })] },
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref(stack.storage.bucket),
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  it('has an on-demand table with PITR, TTL on expiresAt, a NEW_IMAGE stream and the indexes shared/storage queries', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
        DeletionProtectionEnabled: true,
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: INDEX_LIST })],
      },
    });
    // Offsets for times search the offset-ordered entries: no LSI, so no 10 GB item-collection limit.
    expect(Object.values(template.findResources('AWS::DynamoDB::Table'))[0]!.Properties.LocalSecondaryIndexes).toBeUndefined();
  });

  it('keeps the byTime LSI of an older deployment with freshet:legacyTimeIndex, so the table is not replaced', () => {
    const legacy = synthFreshet({ 'freshet:legacyTimeIndex': 'true' }).template;
    legacy.hasResourceProperties('AWS::DynamoDB::Table', {
      LocalSecondaryIndexes: [
        { IndexName: LEGACY_INDEX_BY_TIME, KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'timeKey', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
      ],
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'timeKey', AttributeType: 'S' }]),
    });
  });

  it('deletes bucket, objects, table and logs on destroy only when freshet:destroyOnRemoval is true', () => {
    const destroyed = synthFreshet({ 'freshet:destroyOnRemoval': 'true' }).template;
    destroyed.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    destroyed.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: { DeletionProtectionEnabled: false } });
    destroyed.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
    expect(Object.values(destroyed.findResources('AWS::Logs::LogGroup')).map((r) => r.DeletionPolicy)).toEqual(['Delete', 'Delete', 'Delete', 'Delete']);

    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    expect(Object.values(template.findResources('AWS::Logs::LogGroup')).map((r) => r.DeletionPolicy)).toEqual(['Retain', 'Retain', 'Retain', 'Retain']);
  });
});

describe('FreshetStack: the root key', () => {
  it('is generated by CloudFormation: 48 letters and digits', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: Match.anyValue(), ExcludePunctuation: true, IncludeSpace: false },
    });
    const secret = Object.values(template.findResources('AWS::SecretsManager::Secret'))[0] as { Properties: { GenerateSecretString: { PasswordLength: number } } };
    expect(secret.Properties.GenerateSecretString.PasswordLength).toBeGreaterThanOrEqual(40);
  });

  it('is readable by the api role and by nothing else', () => {
    const readers = policies().filter((p) => p.Properties.PolicyDocument.Statement.some((s) => list(s.Action).some((a) => a.startsWith('secretsmanager:'))));
    expect(readers.flatMap((p) => p.Properties.Roles)).toEqual([ref(stack.api.handler.role)]);
    const statement = readers[0]!.Properties.PolicyDocument.Statement.find((s) => list(s.Action).includes('secretsmanager:GetSecretValue'));
    expect(statement?.Resource).toEqual(ref(stack.rootKey.secret));
    template.resourceCountIs('AWS::SecretsManager::ResourcePolicy', 0);
  });
});

describe('FreshetStack: least privilege', () => {
  it('grants no action and no resource with a wildcard, except the two object prefixes and ListStreams', () => {
    const wildcards: string[] = [];
    for (const policy of policies()) {
      for (const s of policy.Properties.PolicyDocument.Statement) {
        for (const action of list(s.Action)) if (action.includes('*')) wildcards.push(action);
        for (const resource of list(s.Resource)) {
          const text = JSON.stringify(resource);
          if (text.includes('*')) wildcards.push(text === '"*"' ? `* for ${list(s.Action).join(',')}` : text.replaceAll(id(stack, stack.storage.bucket), 'Bucket'));
        }
      }
    }
    expect([...new Set(wildcards)].sort()).toEqual([
      // IAM has no resource-level permission for ListStreams; the stream's records are read by ARN (see the dispatcher tests).
      '* for dynamodb:ListStreams',
      '{"Fn::Join":["",[{"Fn::GetAtt":["Bucket","Arn"]},"/batches/*"]]}',
      '{"Fn::Join":["",[{"Fn::GetAtt":["Bucket","Arn"]},"/segments/*"]]}',
    ]);
  });

  it('touches objects only under batches/ and segments/, lists only those, and never manages the bucket or table', () => {
    const statements = policies().flatMap((p) => p.Properties.PolicyDocument.Statement);
    const objectStatements = statements.filter((s) => list(s.Action).some((a) => a.startsWith('s3:') && a.endsWith('Object')));
    for (const r of objectStatements.flatMap((s) => list(s.Resource))) expect(JSON.stringify(r)).toMatch(/"\/(batches|segments)\/\*"\]\]\}$/);
    const listing = statements.filter((s) => list(s.Action).includes('s3:ListBucket'));
    expect(listing.length).toBeGreaterThan(0);
    for (const s of listing) expect(s).toMatchObject({ Resource: arnOf(stack.storage.bucket), Condition: { StringLike: { 's3:prefix': ['batches/*', 'segments/*'] } } });
    const actions = statements.flatMap((s) => list(s.Action));
    expect(actions.filter((a) => /^s3:(DeleteBucket|PutBucket|PutLifecycle)|^dynamodb:(Scan|CreateTable|DeleteTable|UpdateTable)$/.test(a))).toEqual([]);
  });
});

describe('FreshetStack: the dispatcher', () => {
  const fn = stack.dispatcher.handler.function;

  it('runs on Node 22, arm64, 512 MB, with a 2-minute timeout that leaves room for a 30 s attempt after its budget', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 120,
      LoggingConfig: { LogGroup: ref(stack.dispatcher.handler.logGroup) },
      Environment: { Variables: { FRESHET_TABLE: ref(stack.storage.table), FRESHET_BUCKET: ref(stack.storage.bucket), FRESHET_ROOT_KEY_SECRET_ARN: Match.absent() } },
    });
  });

  it('is fed by the table stream with only INSERTs of log entries, bisecting failed batches into an encrypted failure queue', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: ref(fn),
      EventSourceArn: { 'Fn::GetAtt': [id(stack, stack.storage.table), 'StreamArn'] },
      StartingPosition: 'LATEST',
      BatchSize: 10,
      ParallelizationFactor: 4,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      DestinationConfig: { OnFailure: { Destination: arnOf(stack.dispatcher.failures) } },
    });
    const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0] as { Properties: { FilterCriteria: { Filters: { Pattern: string }[] } } };
    const patterns = mapping.Properties.FilterCriteria.Filters.map((f) => JSON.parse(f.Pattern) as unknown);
    // The keys functions/dispatcher.ts topicIdsOf() accepts: pk LOG#{topicId}#{partition}, sk O#{offset}.
    expect(patterns).toEqual([{ eventName: ['INSERT'], dynamodb: { Keys: { pk: { S: [{ prefix: 'LOG#' }] }, sk: { S: [{ prefix: 'O#' }] } } } }]);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [ref(stack.dispatcher.failures)],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('reads only this table\'s stream, and sends only to its failure queue', () => {
    const statements = policies()
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([ref(stack.dispatcher.handler.role)]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual({
      Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [id(stack, stack.storage.table), 'StreamArn'] },
    });
    expect(statements).toContainEqual({ Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], Effect: 'Allow', Resource: arnOf(stack.dispatcher.failures) });
    // Only the api function handles the root key.
    expect(statements.flatMap((s) => list(s.Action)).filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
  });

  it('is also invoked every minute for due retries, without retries of its own, through a role that can invoke only it', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Target: { Arn: arnOf(fn), RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } },
    });
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    // One statement per schedule role, each naming one function's unqualified ARN (no `:*` for versions).
    expect(invokeStatements()).toEqual(
      expect.arrayContaining([
        { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: arnOf(fn) },
        { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: arnOf(stack.maintenance.handler.function) },
      ]),
    );
    expect(invokeStatements()).toHaveLength(2);
  });
});

describe('FreshetStack: maintenance', () => {
  it('runs on Node 22, arm64, with a 5-minute timeout around its 4-minute pass budget', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Timeout: 300,
      LoggingConfig: { LogGroup: ref(stack.maintenance.handler.logGroup) },
      Environment: { Variables: { FRESHET_TABLE: ref(stack.storage.table), FRESHET_BUCKET: ref(stack.storage.bucket), FRESHET_ROOT_KEY_SECRET_ARN: Match.absent() } },
    });
  });

  it('is invoked by EventBridge Scheduler every 5 minutes, without retries, through a role that can invoke only it', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Target: { Arn: arnOf(stack.maintenance.handler.function), RetryPolicy: { MaximumRetryAttempts: 0 } },
    });
    expect(invokeStatements()).toContainEqual({ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: arnOf(stack.maintenance.handler.function) });
  });

  it('takes its interval from freshet:maintenanceEveryMinutes', () => {
    synthFreshet({ 'freshet:maintenanceEveryMinutes': '15' }).template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(15 minutes)' });
  });
});

describe('FreshetStack: alarms', () => {
  it('watches API 5xx and each function\'s errors and throttles, without actions when no email is set', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/ApiGateway', MetricName: '5xx', Threshold: 5, TreatMissingData: 'notBreaching' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: 'Errors', Threshold: 1 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: 'Throttles', Threshold: 1 });
    for (const fn of [stack.api.handler.function, stack.dispatcher.handler.function, stack.maintenance.handler.function]) {
      for (const metric of ['Errors', 'Throttles']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: metric, Dimensions: [{ Name: 'FunctionName', Value: ref(fn) }] });
      }
    }
    template.resourceCountIs('AWS::CloudWatch::Alarm', 12);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() });
  });

  it('watches the dispatcher: a stream batch it gave up on, and any record it dead-lettered', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id(stack, stack.dispatcher.failures), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    // The EMF metric shared/subscriptions/dead-letter.ts emits through the dispatcher's Powertools sink.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: 'DeadLetteredRecords',
      Dimensions: [{ Name: 'service', Value: SERVICE_NAMES.dispatcher }],
      Statistic: 'Sum',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('notifies an email through a TLS-only SNS topic when freshet:alarmEmail is set', () => {
    const withEmail = synthFreshet({ 'freshet:alarmEmail': 'ops@example.com' });
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    withEmail.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const topic = { Ref: id(withEmail.stack, withEmail.stack.alarms.topic!) };
    const alarms = Object.values(withEmail.template.findResources('AWS::CloudWatch::Alarm')) as { Properties: { AlarmActions: unknown[] } }[];
    expect(alarms).toHaveLength(12);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topic]);
  });
});

describe('FreshetStack: outputs and context', () => {
  it('outputs the API URL, the root key secret ARN, the bucket and the table', () => {
    // The API's endpoint, which has no trailing slash: `$ApiUrl/v1/health` is the health route.
    template.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [id(stack, stack.api.httpApi!), 'ApiEndpoint'] } });
    template.hasOutput('RootKeySecretArn', { Value: ref(stack.rootKey.secret) });
    template.hasOutput('BucketName', { Value: ref(stack.storage.bucket) });
    template.hasOutput('TableName', { Value: ref(stack.storage.table) });
  });

  it('refuses context values it cannot read, rather than silently retaining or deleting', () => {
    const read = (context: Record<string, unknown>) => propsFromContext(new App({ context }));
    expect(read({})).toEqual({ destroyOnRemoval: false });
    expect(read({ 'freshet:destroyOnRemoval': true, 'freshet:alarmEmail': 'a@b.io' })).toEqual({ destroyOnRemoval: true, alarmEmail: 'a@b.io' });
    expect(() => read({ 'freshet:destroyOnRemoval': 'yes' })).toThrow(/true or false/);
    expect(() => read({ 'freshet:alarmEmail': 'not-an-address' })).toThrow(/email address/);
    expect(read({ 'freshet:maintenanceEveryMinutes': '10' })).toEqual({ destroyOnRemoval: false, maintenanceEveryMinutes: 10 });
    expect(() => read({ 'freshet:maintenanceEveryMinutes': '0.5' })).toThrow(/whole number of minutes/);
  });
});
