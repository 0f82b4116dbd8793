import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTION_RUNTIME, nodejsBundling } from '../bundling.js';

/** The repository root: entries, package-lock.json and tsconfig.json are found from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface FreshetFunctionProps {
  /** The handler module, relative to the repository root, e.g. `functions/api.ts`; it exports `handler`. */
  readonly entry: string;
  /** Environment variables besides NODE_OPTIONS. @default none */
  readonly environment?: Record<string, string>;
  /** @default 1024 — Lambda allots CPU in proportion to memory (1,769 MB is one vCPU); billed only while running. */
  readonly memorySize?: number;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** Reserved concurrency: at most this many instances, and they are never taken by other functions. @default none */
  readonly reservedConcurrency?: number;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** What happens to the log group when the stack is destroyed. @default RETAIN (its events still expire) */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Shell commands run after esbuild, given the bundle's directory (files the function reads at run time). @default none */
  readonly afterBundling?: (outputDir: string) => string[];
}

/**
 * One Freshet Lambda function the way all of them are built: arm64, the shared runtime
 * and esbuild bundle, an explicit log group with retention, and a role of its own that
 * starts with nothing but writing to that log group (no AWS managed policy); each owner
 * adds exactly what it uses through the other constructs' grantX methods.
 */
export class FreshetFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: FreshetFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    // The log group exists, so CreateLogStream + PutLogEvents on it is all Lambda needs.
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      // Graviton is priced lower per GB-second than x86, and no dependency has native code.
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(30),
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      role: this.role,
      logGroup: this.logGroup,
      bundling: {
        ...nodejsBundling(),
        ...(props.afterBundling
          ? { commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling: (_inputDir: string, outputDir: string) => props.afterBundling!(outputDir) } }
          : {}),
      },
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is a supported Lambda runtime and the newest Node that Freshet is tested on (local mode and CI run Node 20/22; the bundle test executes the bundle there). Moving on is FUNCTION_RUNTIME + target in infra/bundling.ts, once CI runs that Node.',
    });
  }
}
