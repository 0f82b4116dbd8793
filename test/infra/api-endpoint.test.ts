import { App, type CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { propsFromContext } from '../../infra/freshet-stack.js';
import { synthFreshet } from './synth-stack.js';

const { stack, template } = synthFreshet({ 'freshet:apiEndpoint': 'functionUrl' });
const id = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
const fnArn = () => ({ 'Fn::GetAtt': [id(stack.api.handler.function), 'Arn'] });

describe('FreshetApi with freshet:apiEndpoint=functionUrl', () => {
  it('serves the api function through a public Function URL, without CORS, as the HTTP API does', () => {
    // NONE: the app authenticates every route but /v1/health, /openapi.yaml and /docs with the bearer key.
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: fnArn(), Cors: Match.absent(), InvokeMode: Match.absent() });
    template.resourceCountIs('AWS::Lambda::Url', 1);
  });

  it('lets anyone invoke it through the URL only, which is what auth type NONE requires', () => {
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunctionUrl', Principal: '*', FunctionUrlAuthType: 'NONE', FunctionName: fnArn() });
    // The second permission AWS requires for a public URL holds only for calls that come through it.
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: '*', InvokedViaFunctionUrl: true, FunctionName: fnArn() });
    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')) as { Properties: { Principal: string; InvokedViaFunctionUrl?: boolean; FunctionUrlAuthType?: string } }[];
    const public_ = permissions.filter((p) => p.Properties.Principal === '*');
    expect(public_).toHaveLength(2);
    for (const p of public_) expect(p.Properties.FunctionUrlAuthType === 'NONE' || p.Properties.InvokedViaFunctionUrl === true).toBe(true);
  });

  it('creates no API Gateway resources and no alarm on them', () => {
    for (const type of ['AWS::ApiGatewayV2::Api', 'AWS::ApiGatewayV2::Stage', 'AWS::ApiGatewayV2::Integration', 'AWS::ApiGatewayV2::Route']) template.resourceCountIs(type, 0);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as { Properties: { Namespace?: string } }[];
    expect(alarms.filter((a) => a.Properties.Namespace === 'AWS/ApiGateway')).toEqual([]);
    expect(stack.api.httpApi).toBeUndefined();
  });

  it('keeps the ApiUrl output: the URL without its trailing slash, so `$ApiUrl/v1/health` is the health route', () => {
    const url = { 'Fn::GetAtt': [id(stack.api.functionUrl!), 'FunctionUrl'] };
    template.hasOutput('ApiUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::Select': [2, { 'Fn::Split': ['/', url] }] }]] } });
  });

  it('reserves concurrency, the ceiling that replaces stage throttling, only when asked to', () => {
    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', ReservedConcurrentExecutions: Match.absent() });
    const capped = synthFreshet({ 'freshet:apiEndpoint': 'functionUrl', 'freshet:apiReservedConcurrency': '50' });
    capped.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ FRESHET_ROOT_KEY_SECRET_ARN: Match.anyValue() }) },
      ReservedConcurrentExecutions: 50,
    });
  });
});

describe('propsFromContext: the api endpoint', () => {
  const read = (context: Record<string, unknown>) => propsFromContext(new App({ context }));

  it('defaults to the HTTP API, adding nothing when the keys are absent', () => {
    expect(read({})).toEqual({ destroyOnRemoval: false });
    expect(synthFreshet().stack.api.endpoint).toBe('httpApi');
    expect(synthFreshet().stack.api.functionUrl).toBeUndefined();
  });

  it('reads the endpoint and the reserved concurrency, and refuses what it cannot read', () => {
    expect(read({ 'freshet:apiEndpoint': 'functionUrl', 'freshet:apiReservedConcurrency': '20' })).toEqual({ destroyOnRemoval: false, apiEndpoint: 'functionUrl', apiReservedConcurrency: 20 });
    expect(() => read({ 'freshet:apiEndpoint': 'restApi' })).toThrow(/httpApi, functionUrl/);
    expect(() => read({ 'freshet:apiReservedConcurrency': '0' })).toThrow(/at least 1/);
    expect(() => read({ 'freshet:apiReservedConcurrency': 'many' })).toThrow(/whole number/);
  });
});
