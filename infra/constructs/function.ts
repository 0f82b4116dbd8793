import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTION_RUNTIME } from '../bundling.js';

/** The repository root: entries, package-lock.json and tsconfig.json are found from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface FreshetFunctionProps {
  /** The handler module, relative to the repository root, e.g. `functions/api.ts`; it exports `handler`. */
  readonly entry: string;
  /** Environment variables. @default none */
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
  /** Copy the files /console and /docs serve next to the bundle (the api function). @default false */
  readonly browserAssets?: boolean;
}

/**
 * One Freshet Lambda function the way all of them are built: arm64, the shared runtime
 * and esbuild bundle (infra/bundling.ts, run locally: no Docker), an explicit log group with retention, and a role of its own that
 * starts with nothing but writing to that log group (no AWS managed policy); each owner
 * adds exactly what it uses through the other constructs' grantX methods.
 */
export class FreshetFunction extends Construct {
  readonly function: LambdaFunction;
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

    this.function = new LambdaFunction(this, 'Function', {
      code: bundledCode(props.entry, props.browserAssets ?? false),
      handler: 'index.handler',
      runtime: FUNCTION_RUNTIME,
      // Graviton is priced lower per GB-second than x86, and no dependency has native code.
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(30),
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      role: this.role,
      logGroup: this.logGroup,
      // No NODE_OPTIONS=--enable-source-maps: functions/commons/source-mapped-stacks.ts maps stack traces
      // to the sources when one is formatted, instead of Node reading every map at init.
      environment: { ...props.environment },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is a supported Lambda runtime and the newest Node that Freshet is tested on (local mode and CI run Node 20/22; the bundle test executes the bundle there). Moving on is FUNCTION_RUNTIME + target in infra/bundling.ts, once CI runs that Node.',
    });
  }
}

/**
 * The function's code: infra/build-function.ts run on this machine into CDK's asset
 * directory, hashed by its output (as NodejsFunction does). The Docker image is never
 * pulled: local bundling always succeeds or throws.
 */
function bundledCode(entry: string, browserAssets: boolean): Code {
  const flags = browserAssets ? ['--browser-assets'] : [];
  return Code.fromAsset(REPO_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('local-bundling-only'),
      // Never run in a container; it names the build, and CDK keys its cache of bundled assets on
      // the source path and these options (not on the local hook): without the entry here every
      // function of the app would get the first one's bundle.
      command: ['infra/build-function.ts', entry, ...flags],
      local: {
        tryBundle(outputDir: string) {
          execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'infra/build-function.ts'), join(REPO_ROOT, entry), outputDir, ...flags], { cwd: REPO_ROOT, stdio: 'inherit' });
          return true;
        },
      },
    },
  });
}
