import { Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { synthFreshet } from './synth-stack.js';

/** Runs the AwsSolutions pack as infra/app.ts registers it; returns every unacknowledged finding. */
function findings(app: IConstruct): string[] {
  const report = new AwsSolutionsChecks(app).validateScope(app);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.severity} ${v.ruleName} at ${r.constructPath}: ${v.description}`));
}

/** Every acknowledgement in the tree, as `rule id → reason`. */
function acknowledgements(app: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (const c of app.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [key, reason] of Object.entries(entry.data as Record<string, string>)) found.set(key.replace(/^annotation::/i, ''), reason);
    }
  }
  return found;
}

const variants = {
  'the defaults (RETAIN, no email)': {},
  'destroyOnRemoval and an alarm email': { 'freshet:destroyOnRemoval': true, 'freshet:alarmEmail': 'ops@example.com' },
  'the api behind a Function URL': { 'freshet:apiEndpoint': 'functionUrl', 'freshet:apiReservedConcurrency': 50 },
};

describe('cdk-nag AwsSolutions', () => {
  for (const [name, context] of Object.entries(variants)) {
    it(`has no unacknowledged error or warning with ${name}`, () => {
      const { app } = synthFreshet(context);
      app.synth();
      expect(findings(app)).toEqual([]);
    });
  }

  it('acknowledges only these rules, each with a reason that says why', () => {
    const { app } = synthFreshet({ 'freshet:alarmEmail': 'ops@example.com' });
    const acks = acknowledgements(app);
    // A new acknowledgement is a decision to review: add it here with its reason in the code.
    expect([...acks.keys()].map((k) => k.replace(/<[^>]+>/, '<Bucket>')).sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::<Bucket>/batches/*]',
      'AwsSolutions-IAM5[Resource::<Bucket>/segments/*]',
      'AwsSolutions-L1',
      'AwsSolutions-S1',
      'AwsSolutions-SMG4',
      'AwsSolutions-SNS2',
      'AwsSolutions-SQS3',
    ]);
    for (const reason of acks.values()) expect(reason.length).toBeGreaterThan(80);
  });

  it('needs no acknowledgement of its own for the Function URL endpoint', () => {
    const keys = (context: Record<string, unknown>) => [...acknowledgements(synthFreshet(context).app).keys()].sort();
    // The same set minus APIG4, which belongs to the HTTP API this variant does not create.
    const httpApi = keys({ 'freshet:alarmEmail': 'ops@example.com' });
    expect(keys({ 'freshet:alarmEmail': 'ops@example.com', 'freshet:apiEndpoint': 'functionUrl' })).toEqual(httpApi.filter((k) => k !== 'AwsSolutions-APIG4'));
  });

  it('does report a finding, so a clean result means something', () => {
    const { app, stack } = synthFreshet();
    new Bucket(stack, 'PlainHttpBucket');
    expect(findings(app).some((f) => f.includes('AwsSolutions-S10') && f.includes('PlainHttpBucket'))).toBe(true);
  });
});
