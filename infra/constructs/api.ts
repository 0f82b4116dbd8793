import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FreshetFunction } from './function.js';
import type { FreshetRootKey } from './root-key.js';
import type { FreshetStorage } from './storage.js';

export interface FreshetApiProps {
  readonly storage: FreshetStorage;
  readonly rootKey: FreshetRootKey;
  /** @default 1024 */
  readonly memorySize?: number;
  /** Steady-state requests per second the stage accepts before answering 429. @default 200 */
  readonly throttleRateLimit?: number;
  /** Requests the stage accepts in a burst above the rate. @default 400 */
  readonly throttleBurstLimit?: number;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** What happens to the function and access log groups on `cdk destroy`. @default RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The public HTTP API: an API Gateway HTTP API whose every route goes to the `api`
 * function (one Hono app routes inside it; its auth middleware checks the bearer key).
 */
export class FreshetApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly handler: FreshetFunction;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: FreshetApiProps) {
    super(scope, id);
    const { storage, rootKey } = props;
    this.handler = new FreshetFunction(this, 'Handler', {
      entry: 'functions/api.ts',
      memorySize: props.memorySize ?? 1024,
      // API Gateway gives up on an integration after 30 s; the function stops first, so a
      // long-poll fetch (waitMs ≤ 20 s) always ends with our answer, never a gateway 504.
      timeout: Duration.seconds(29),
      environment: { ...storage.environment, FRESHET_ROOT_KEY_SECRET_ARN: rootKey.secret.secretArn },
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      ...(props.logRemovalPolicy ? { logRemovalPolicy: props.logRemovalPolicy } : {}),
    });
    const fn = this.handler.function;
    storage.grantRecordsRead(fn);
    storage.grantBatchWrite(fn);
    storage.grantItemsReadWrite(fn);
    // POST /v1/maintenance/run (admin) runs a pass inside this function.
    storage.grantMaintenance(fn);
    rootKey.grantRead(fn);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Freshet HTTP API',
      defaultIntegration: new HttpLambdaIntegration('Handler', fn),
      // The stage is declared below, because only an explicit stage takes throttling and access logs.
      createDefaultStage: false,
    });
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Authorization is the API key, checked by the app (shared/http/auth.ts) on every route but /v1/health, /openapi.yaml and /docs, which are public by design.',
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // Caps the spend a runaway client can cause; the account default is 10,000 rps.
      throttle: { rateLimit: props.throttleRateLimit ?? 200, burstLimit: props.throttleBurstLimit ?? 400 },
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: ACCESS_LOG_FORMAT },
    });
  }

  /**
   * The base URL clients call, without a trailing slash (e.g. https://abc123.execute-api.eu-west-1.amazonaws.com),
   * so `$URL/v1/topics` works as written; the `$default` stage serves at the root.
   */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}

/** One JSON line per request; `requestId` matches the `apiRequestId` the function logs on a 5xx. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    time: '$context.requestTime',
    ip: '$context.identity.sourceIp',
    method: '$context.httpMethod',
    path: '$context.path',
    status: '$context.status',
    bytes: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationStatus: '$context.integrationStatus',
    integrationError: '$context.integrationErrorMessage',
    error: '$context.error.message',
  }),
);
