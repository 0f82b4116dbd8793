import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { REPO_ROOT } from '../../infra/constructs/function.js';
import { FreshetStack, propsFromContext } from '../../infra/freshet-stack.js';

/** cdk.json's context (feature flags and Freshet's defaults): tests build what `cdk synth` builds. */
export const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

/**
 * The stack exactly as infra/app.ts creates it, from cdk.json's context plus `context`,
 * without bundling (the bundle has a test of its own, api-bundle.test.ts).
 */
export function synthFreshet(context: Record<string, unknown> = {}) {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, ...context, 'aws:cdk:bundling-stacks': [] } });
  const stack = new FreshetStack(app, 'Freshet', propsFromContext(app));
  return { app, stack, template: Template.fromStack(stack) };
}
