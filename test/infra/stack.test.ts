import { App, type CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { type FreshetStack, propsFromContext } from '../../infra/freshet-stack.js';
import { INDEX_BY_TIME, INDEX_LIST } from '../../shared/storage/keys.js';
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
          NODE_OPTIONS: '--enable-source-maps',
          FRESHET_TABLE: ref(stack.storage.table),
          FRESHET_BUCKET: ref(stack.storage.bucket),
          FRESHET_ROOT_KEY_SECRET_ARN: ref(stack.rootKey.secret),
          // The key itself never sits in the function's configuration.
          FRESHET_ROOT_KEY: Match.absent(),
        },
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    // The api and maintenance functions, nothing else (no log-retention or other helper functions).
    template.resourceCountIs('AWS::Lambda::Function', 2);
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
      AccessLogSettings: { DestinationArn: arnOf(stack.api.accessLogs), Format: Match.stringLikeRegexp('"requestId":"\\$context.requestId"') },
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
        LocalSecondaryIndexes: [Match.objectLike({ IndexName: INDEX_BY_TIME })],
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: INDEX_LIST })],
      },
    });
  });

  it('deletes bucket, objects, table and logs on destroy only when freshet:destroyOnRemoval is true', () => {
    const destroyed = synthFreshet({ 'freshet:destroyOnRemoval': 'true' }).template;
    destroyed.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    destroyed.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: { DeletionProtectionEnabled: false } });
    destroyed.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
    expect(Object.values(destroyed.findResources('AWS::Logs::LogGroup')).map((r) => r.DeletionPolicy)).toEqual(['Delete', 'Delete', 'Delete']);

    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
    expect(Object.values(template.findResources('AWS::Logs::LogGroup')).map((r) => r.DeletionPolicy)).toEqual(['Retain', 'Retain', 'Retain']);
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
  it('grants no action and no resource with a wildcard, except the two object prefixes', () => {
    const wildcards: string[] = [];
    for (const policy of policies()) {
      for (const s of policy.Properties.PolicyDocument.Statement) {
        for (const action of list(s.Action)) if (action.includes('*')) wildcards.push(action);
        for (const resource of list(s.Resource)) {
          const text = JSON.stringify(resource);
          if (text.includes('*')) wildcards.push(text.replaceAll(id(stack, stack.storage.bucket), 'Bucket'));
        }
      }
    }
    expect([...new Set(wildcards)].sort()).toEqual([
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
    const invokers = policies().filter((p) => p.Properties.PolicyDocument.Statement.some((s) => list(s.Action).includes('lambda:InvokeFunction')));
    expect(invokers.flatMap((p) => p.Properties.PolicyDocument.Statement)).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: arnOf(stack.maintenance.handler.function) },
    ]);
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
    for (const fn of [stack.api.handler.function, stack.maintenance.handler.function]) {
      for (const metric of ['Errors', 'Throttles']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: metric, Dimensions: [{ Name: 'FunctionName', Value: ref(fn) }] });
      }
    }
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() });
  });

  it('notifies an email through a TLS-only SNS topic when freshet:alarmEmail is set', () => {
    const withEmail = synthFreshet({ 'freshet:alarmEmail': 'ops@example.com' });
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    withEmail.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    const topic = { Ref: id(withEmail.stack, withEmail.stack.alarms.topic!) };
    const alarms = Object.values(withEmail.template.findResources('AWS::CloudWatch::Alarm')) as { Properties: { AlarmActions: unknown[] } }[];
    expect(alarms).toHaveLength(5);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topic]);
  });
});

describe('FreshetStack: outputs and context', () => {
  it('outputs the API URL, the root key secret ARN, the bucket and the table', () => {
    // The API's endpoint, which has no trailing slash: `$ApiUrl/v1/health` is the health route.
    template.hasOutput('ApiUrl', { Value: { 'Fn::GetAtt': [id(stack, stack.api.httpApi), 'ApiEndpoint'] } });
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
