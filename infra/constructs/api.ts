import { Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { type FunctionUrl, FunctionUrlAuthType } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FreshetFunction } from './function.js';
import type { FreshetRootKey } from './root-key.js';
import type { FreshetStorage } from './storage.js';

/**
 * How clients reach the api function: through an API Gateway HTTP API (stage throttling,
 * access logs, custom domains; $1 per million requests) or through the function's own
 * Lambda Function URL (no per-request charge). docs/deploy.md compares the two.
 */
export const API_ENDPOINTS = ['httpApi', 'functionUrl'] as const;
export type ApiEndpoint = (typeof API_ENDPOINTS)[number];

export interface FreshetApiProps {
  readonly storage: FreshetStorage;
  readonly rootKey: FreshetRootKey;
  /** @default 'httpApi' */
  readonly endpoint?: ApiEndpoint;
  /**
   * Reserved concurrency of the api function: the most requests it serves at once, and so
   * the spend ceiling that replaces the stage's throttling behind a Function URL (requests
   * beyond it are answered 429 by Lambda). @default none: the account's unreserved pool
   */
  readonly reservedConcurrency?: number;
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
 * The public HTTP API: the `api` function (one Hono app routes inside it; its auth
 * middleware checks the bearer key) behind an API Gateway HTTP API whose every route goes
 * to it, or behind its Function URL (`endpoint: 'functionUrl'`).
 */
export class FreshetApi extends Construct {
  readonly endpoint: ApiEndpoint;
  /** The HTTP API, its stage and access logs: present with `endpoint: 'httpApi'`. */
  readonly httpApi: HttpApi | undefined;
  readonly stage: HttpStage | undefined;
  readonly accessLogs: LogGroup | undefined;
  /** The Function URL: present with `endpoint: 'functionUrl'`. */
  readonly functionUrl: FunctionUrl | undefined;
  readonly handler: FreshetFunction;

  constructor(scope: Construct, id: string, props: FreshetApiProps) {
    super(scope, id);
    const { storage, rootKey } = props;
    this.handler = new FreshetFunction(this, 'Handler', {
      entry: 'functions/api.ts',
      // /console and /docs are served from files in the bundle (shared/http/static-assets.ts).
      browserAssets: true,
      memorySize: props.memorySize ?? 1024,
      // API Gateway gives up on an integration after 30 s; the function stops first, so a
      // long-poll fetch (waitMs ≤ 20 s) always ends with our answer, never a gateway 504.
      timeout: Duration.seconds(29),
      environment: { ...storage.environment, FRESHET_ROOT_KEY_SECRET_ARN: rootKey.secret.secretArn },
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrency: props.reservedConcurrency } : {}),
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

    this.endpoint = props.endpoint ?? 'httpApi';
    if (this.endpoint === 'functionUrl') {
      this.functionUrl = fn.addFunctionUrl({
        // NONE: the URL is public like the HTTP API's routes, and the app itself authenticates
        // every route but /v1/health, /openapi.yaml and /docs with the bearer API key
        // (shared/http/auth.ts). AWS_IAM would demand SigV4-signed requests, which API-key
        // clients (the SDK, curl, browsers) cannot make.
        authType: FunctionUrlAuthType.NONE,
        // No CORS configuration, as on the HTTP API: browsers on other origins are not served.
      });
      return;
    }
    const httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Freshet HTTP API',
      defaultIntegration: new HttpLambdaIntegration('Handler', fn),
      // The stage is declared below, because only an explicit stage takes throttling and access logs.
      createDefaultStage: false,
    });
    Validations.of(httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Authorization is the API key, checked by the app (shared/http/auth.ts) on every route but /v1/health, /openapi.yaml and /docs, which are public by design.',
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.stage = new HttpStage(this, 'Stage', {
      httpApi,
      stageName: '$default',
      autoDeploy: true,
      // Caps the spend a runaway client can cause; the account default is 10,000 rps.
      throttle: { rateLimit: props.throttleRateLimit ?? 200, burstLimit: props.throttleBurstLimit ?? 400 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
    });
    this.httpApi = httpApi;
    this.accessLogs = accessLogs;
  }

  /**
   * The base URL clients call, without a trailing slash (e.g. https://abc123.execute-api.eu-west-1.amazonaws.com,
   * or https://abc123.lambda-url.eu-west-1.on.aws), so `$URL/v1/topics` works as written; the
   * `$default` stage serves at the root.
   */
  get url(): string {
    if (this.httpApi) return this.httpApi.apiEndpoint;
    // A Function URL ends in '/': 'https:' '' '<host>' '' split on '/', rejoined without the last part.
    const parts = Fn.split('/', this.functionUrl!.url);
    return Fn.join('', ['https://', Fn.select(2, parts)]);
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
