import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnDashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { FreshetStack, propsFromContext, stackNameFromContext } from '../../infra/freshet-stack.js';
import { METRICS_NAMESPACE, SERVICE_NAMES } from '../../shared/metrics.js';
import { CDK_JSON_CONTEXT, synthFreshet } from './synth-stack.js';

/** Properties that name a resource account- and region-wide: two deployments must never set them to the same thing. */
const PHYSICAL_NAMES = ['TableName', 'BucketName', 'FunctionName', 'QueueName', 'TopicName', 'LogGroupName', 'DashboardName', 'AlarmName', 'RoleName', 'ManagedPolicyName'];
/** Resources whose `Name` is unique per account and region (an HTTP API's is not). */
const NAMED_BY_NAME = ['AWS::SecretsManager::Secret', 'AWS::Scheduler::Schedule', 'AWS::Scheduler::ScheduleGroup'];

function fixedNames(template: Template): string[] {
  const found: string[] = [];
  for (const [id, r] of Object.entries(template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>)) {
    for (const [key, value] of Object.entries(r.Properties ?? {})) {
      const physical = PHYSICAL_NAMES.includes(key) || (key === 'Name' && NAMED_BY_NAME.includes(r.Type));
      // A reference (Ref, GetAtt) names a resource of this stack: only a literal string is fixed.
      if (physical && typeof value === 'string') found.push(`${id}.${key}=${JSON.stringify(value)}`);
    }
  }
  return found;
}

/** Two deployments as `cdk deploy -c freshet:stackName=…` makes them, in one app: each from cdk.json's context plus its own. */
function twoDeployments() {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
  const dev = new FreshetStack(app, 'FreshetDev', { ...propsFromContext(app), destroyOnRemoval: true, apiMemoryMb: 512, dispatcherRetryEveryMinutes: 2, maintenanceEveryMinutes: 10 });
  const prod = new FreshetStack(app, 'FreshetProd', { ...propsFromContext(app), alarmEmail: 'ops@example.com', alarmGroupLag: 10_000, apiThrottleRate: 1000, apiThrottleBurst: 2000 });
  return { app, dev, prod };
}

describe('several deployments in one account and region', () => {
  it('synthesizes two stacks with different names side by side, none with a fixed physical name', () => {
    const { app, dev, prod } = twoDeployments();
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['FreshetDev', 'FreshetProd']);
    for (const stack of [dev, prod]) expect(fixedNames(Template.fromStack(stack))).toEqual([]);
    Template.fromStack(dev).hasResourceProperties('AWS::Lambda::Function', { MemorySize: 512, Timeout: 29 });
    Template.fromStack(dev).hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(2 minutes)', Target: { RetryPolicy: { MaximumEventAgeInSeconds: 120 } } });
    Template.fromStack(dev).hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(10 minutes)' });
    // The maintenance alarm's window follows the interval: 3 missed passes of 10 minutes.
    Template.fromStack(dev).hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'MaintenancePassCompleted', Period: 1800 });
    Template.fromStack(prod).hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 } });
    // Each deployment alarms on its own functions only.
    Template.fromStack(prod).resourceCountIs('AWS::CloudWatch::Alarm', 13);
    Template.fromStack(dev).resourceCountIs('AWS::CloudWatch::Alarm', 12);
  });

  it('would see a fixed physical name, so a clean result means something', () => {
    const { prod } = twoDeployments();
    new Queue(prod, 'Named', { queueName: 'freshet-fixed', enforceSSL: true });
    expect(fixedNames(Template.fromStack(prod))).toEqual([expect.stringMatching(/^Named\w+\.QueueName="freshet-fixed"$/)]);
  });

  it('keeps cdk-nag clean for both', () => {
    const { app } = twoDeployments();
    app.synth();
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`))).toEqual([]);
  });

  it('takes the stack name from freshet:stackName, and refuses one CloudFormation would', () => {
    expect(stackNameFromContext(new App())).toBe('Freshet');
    expect(stackNameFromContext(new App({ context: { 'freshet:stackName': 'FreshetStage' } }))).toBe('FreshetStage');
    expect(() => stackNameFromContext(new App({ context: { 'freshet:stackName': 'freshet_stage' } }))).toThrow(/CloudFormation stack name/);
  });

  it('reads every tunable from context, and names the key it cannot read', () => {
    const read = (context: Record<string, unknown>) => propsFromContext(new App({ context }));
    expect(
      read({
        'freshet:apiMemoryMb': '2048',
        'freshet:apiThrottleRate': 50,
        'freshet:apiThrottleBurst': '100',
        'freshet:dispatcherRetryEveryMinutes': '2',
        'freshet:alarmGroupLag': '5000',
        'freshet:alarmSubscriptions': 'false',
        'freshet:alarmDeadLetters': 0,
        'freshet:alarmMaintenanceMissedPasses': '4',
        'freshet:alarmServerErrors': '20',
        'freshet:dashboard': false,
      }),
    ).toEqual({
      destroyOnRemoval: false,
      apiMemoryMb: 2048,
      apiThrottleRate: 50,
      apiThrottleBurst: 100,
      dispatcherRetryEveryMinutes: 2,
      alarmGroupLag: 5000,
      alarmSubscriptions: false,
      alarmDeadLetters: 0,
      alarmMaintenanceMissedPasses: 4,
      alarmServerErrors: 20,
      dashboard: false,
    });
    expect(() => read({ 'freshet:apiMemoryMb': '64' })).toThrow(/freshet:apiMemoryMb must be a whole number of MB from 128/);
    expect(() => read({ 'freshet:alarmGroupLag': 'lots' })).toThrow(/freshet:alarmGroupLag/);
    expect(() => read({ 'freshet:dashboard': 'yes' })).toThrow(/freshet:dashboard must be true or false/);
  });
});

describe('signals in the stack', () => {
  const { stack, template } = synthFreshet();
  const maintenance = { Name: 'service', Value: SERVICE_NAMES.maintenance };

  it('alarms when no maintenance pass completed in 3 intervals, missing data counting as breaching', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: METRICS_NAMESPACE,
      MetricName: 'MaintenancePassCompleted',
      Dimensions: [maintenance],
      Statistic: 'Sum',
      Period: 15 * 60,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  it('alarms on a paused subscription at once and on a failing one after two passes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SubscriptionsPaused', Dimensions: [maintenance], Statistic: 'Maximum', Threshold: 1, EvaluationPeriods: 1 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'SubscriptionsFailing', Dimensions: [maintenance], Statistic: 'Maximum', Threshold: 1, EvaluationPeriods: 2 });
  });

  it('alarms on group lag only when a threshold is set: one alarm on the largest lag of any group', () => {
    expect(Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'MaxGroupLag' } }))).toHaveLength(0);
    const withLag = synthFreshet({ 'freshet:alarmGroupLag': 1000 }).template;
    withLag.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'MaxGroupLag', Dimensions: [maintenance], Threshold: 1000, EvaluationPeriods: 2 });
  });

  it('turns alarms off with 0 / false, and the dashboard with freshet:dashboard=false', () => {
    const quiet = synthFreshet({ 'freshet:alarmSubscriptions': false, 'freshet:alarmDeadLetters': 0, 'freshet:alarmMaintenanceMissedPasses': 0, 'freshet:dashboard': false }).template;
    quiet.resourceCountIs('AWS::CloudWatch::Alarm', 8);
    quiet.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  it('has one dashboard with produce/fetch rates, errors, latency, lag, subscriptions, deliveries by outcome and maintenance', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: Match.absent() });
    // The body is a Fn::Join of JSON text and references (the API, the functions, the region).
    const joined = stack.resolve((stack.dashboard!.dashboard.node.defaultChild as CfnDashboard).dashboardBody) as { 'Fn::Join': [string, unknown[]] };
    const body = JSON.parse(joined['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'REF')).join('')) as { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] };
    const widget = (title: string) => JSON.stringify(body.widgets.find((w) => w.properties.title?.startsWith(title))?.properties.metrics ?? null);
    expect(widget('Records produced and fetched')).toMatch(/RecordsProduced.*RecordsFetched/);
    expect(widget('Errors')).toMatch(/"5xx".*"Errors"/);
    expect(widget('API latency')).toMatch(/"Latency".*"p99"/);
    expect(widget('Consumer group lag')).toMatch(/MaxGroupLag.*SEARCH.*GroupLag/);
    expect(widget('Subscriptions')).toMatch(/SubscriptionsPaused.*SubscriptionsFailing.*SubscriptionBacklog/);
    expect(widget('Maintenance')).toContain('MaintenancePassCompleted');
    for (const outcome of ['delivered', 'retry', 'gone', 'dead_lettered']) expect(widget('Deliveries by outcome')).toContain(`"outcome","${outcome}"`);
  });
});
