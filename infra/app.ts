import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FreshetStack, propsFromContext } from './freshet-stack.js';

// `npx cdk synth|deploy` runs this (cdk.json). The AwsSolutions checks run on every synth:
// an unacknowledged error fails it, so nothing reaches an account without a written reason.
const app = new App();
new FreshetStack(app, 'Freshet', propsFromContext(app));
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
