import type { UsageSnapshot } from './instrument/usage-meter.js';
import type { HttpTally } from './load/protocol.js';
import { type PriceTable, unitPrice } from './prices.js';
import { GiB, round } from './stats.js';

/** The api function's memory; Lambda bills duration × memory. */
export const LAMBDA_MEMORY_GB = 1;

/** The billable quantities of a phase, as AWS would meter them. */
export interface PricedUsage {
  apiGatewayRequests: number;
  lambdaInvocations: number;
  /**
   * Estimated: the server-side time of every request (measured around the Hono app on this
   * machine, against the emulators), rounded up to the millisecond, × LAMBDA_MEMORY_GB.
   */
  lambdaGbSeconds: number;
  s3PutRequests: number;
  s3GetRequests: number;
  writeRequestUnits: number;
  readRequestUnits: number;
}

export interface CostBreakdown {
  apiGateway: number;
  lambda: number;
  s3: number;
  dynamodb: number;
  total: number;
}

export interface PhaseCost {
  records: number;
  payloadBytes: number;
  usage: PricedUsage;
  usd: CostBreakdown;
  usdPerMillionRecords: number;
  usdPerGiB: number;
}

/** S3 bills PUT, COPY, POST and LIST at one rate and GET, HEAD at another; DELETE is free. */
const S3_PUT_CLASS = ['PutObjectCommand', 'CopyObjectCommand', 'ListObjectsV2Command', 'ListObjectsCommand', 'CreateMultipartUploadCommand', 'UploadPartCommand', 'CompleteMultipartUploadCommand'];
const S3_GET_CLASS = ['GetObjectCommand', 'HeadObjectCommand'];

const count = (calls: Record<string, number>, names: readonly string[]) => names.reduce((n, name) => n + (calls[name] ?? 0), 0);

/**
 * Turns what a phase did into billable quantities. `http` is absent for phases that talk
 * to storage directly (the floor): they have no API Gateway or Lambda part.
 */
export function pricedUsage(usage: UsageSnapshot, http: HttpTally | undefined): PricedUsage {
  return {
    apiGatewayRequests: http?.apiGatewayUnits ?? 0,
    lambdaInvocations: usage.server.requests,
    lambdaGbSeconds: (usage.server.billedMs / 1000) * LAMBDA_MEMORY_GB,
    s3PutRequests: count(usage.calls, S3_PUT_CLASS),
    s3GetRequests: count(usage.calls, S3_GET_CLASS),
    // Standard operations as DynamoDB Local reported them; transactions as modelled (transaction-capacity.ts).
    writeRequestUnits: usage.capacity.write + usage.capacity.transactionalWrite,
    readRequestUnits: usage.capacity.read + usage.capacity.transactionalRead,
  };
}

export function priceUsage(usage: PricedUsage, prices: PriceTable): CostBreakdown {
  const apiGateway = usage.apiGatewayRequests * unitPrice(prices, 'httpApiRequest');
  const lambda = usage.lambdaInvocations * unitPrice(prices, 'lambdaRequest') + usage.lambdaGbSeconds * unitPrice(prices, 'lambdaArmGbSecond');
  const s3 = usage.s3PutRequests * unitPrice(prices, 's3PutRequest') + usage.s3GetRequests * unitPrice(prices, 's3GetRequest');
  const dynamodb = usage.writeRequestUnits * unitPrice(prices, 'dynamodbWriteRequestUnit') + usage.readRequestUnits * unitPrice(prices, 'dynamodbReadRequestUnit');
  return { apiGateway, lambda, s3, dynamodb, total: apiGateway + lambda + s3 + dynamodb };
}

/** The same usage sustained `factor` times as long (e.g. one measured poll → a month of polling). */
export function scaleUsage(u: PricedUsage, factor: number): PricedUsage {
  return {
    apiGatewayRequests: u.apiGatewayRequests * factor,
    lambdaInvocations: u.lambdaInvocations * factor,
    lambdaGbSeconds: u.lambdaGbSeconds * factor,
    s3PutRequests: u.s3PutRequests * factor,
    s3GetRequests: u.s3GetRequests * factor,
    writeRequestUnits: u.writeRequestUnits * factor,
    readRequestUnits: u.readRequestUnits * factor,
  };
}

export const roundBreakdown = (b: CostBreakdown): CostBreakdown => ({
  apiGateway: round(b.apiGateway),
  lambda: round(b.lambda),
  s3: round(b.s3),
  dynamodb: round(b.dynamodb),
  total: round(b.total),
});

/** Cost of a phase and per unit of work: per million records and per GiB of record values. */
export function phaseCost(usage: PricedUsage, prices: PriceTable, work: { records: number; payloadBytes: number }): PhaseCost {
  const usd = priceUsage(usage, prices);
  return {
    records: work.records,
    payloadBytes: work.payloadBytes,
    usage,
    usd,
    usdPerMillionRecords: work.records > 0 ? (usd.total / work.records) * 1e6 : Number.NaN,
    usdPerGiB: work.payloadBytes > 0 ? (usd.total / work.payloadBytes) * GiB : Number.NaN,
  };
}

/** For the report: dollars with 3 significant digits; fractions of a hundredth of a cent are shown as such. */
export function usd(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value === 0) return '$0';
  if (Math.abs(value) < 0.0001) return '< $0.0001';
  return `$${round(value, 3)}`;
}
