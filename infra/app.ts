import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FreshetStack, propsFromContext, stackNameFromContext } from './freshet-stack.js';

// `npx cdk synth|deploy` runs this (cdk.json). The AwsSolutions checks run on every synth:
// an unacknowledged error fails it, so nothing reaches an account without a written reason.
// `-c freshet:stackName=FreshetDev` (and any other freshet:* option) makes another deployment
// beside the first in the same account and region: nothing in the stack has a fixed physical name.
const app = new App();
new FreshetStack(app, stackNameFromContext(app), propsFromContext(app));
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
