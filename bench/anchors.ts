import { type PriceTable, unitPrice } from './prices.js';

/** AWS's convention for monthly prices of hourly resources. */
export const HOURS_PER_MONTH = 730;

/** What the alternatives charge for the same GiB: list prices, variable part per GiB plus the fixed monthly part. */
export interface AnchorCost {
  name: string;
  writeUsdPerGiB: number;
  readUsdPerGiB: number;
  fixedUsdPerMonth: number;
  fixedBasis: string;
  note: string;
}

/**
 * AWS bills these per "GB" counted in 1,024-byte KB (Kinesis says so explicitly); they are
 * treated as GiB here. `partitions` sizes MSK's partition-hours (the produce scenarios use 12).
 */
export function anchorCosts(prices: PriceTable, partitions: number): AnchorCost[] {
  const perTiB = unitPrice(prices, 'pubsubThroughputTib');
  return [
    {
      name: 'Kinesis Data Streams (on-demand)',
      writeUsdPerGiB: unitPrice(prices, 'kinesisOnDemandIngestGb'),
      readUsdPerGiB: unitPrice(prices, 'kinesisOnDemandRetrievalGb'),
      fixedUsdPerMonth: unitPrice(prices, 'kinesisOnDemandStreamHour') * HOURS_PER_MONTH,
      fixedBasis: 'one stream × 730 h',
      note: 'each record is rounded up to the next KB: a 1 KiB value plus its partition key bills as 2 KB, doubling the write price',
    },
    {
      name: 'MSK Serverless',
      writeUsdPerGiB: unitPrice(prices, 'mskServerlessDataInGb'),
      readUsdPerGiB: unitPrice(prices, 'mskServerlessDataOutGb'),
      fixedUsdPerMonth: (unitPrice(prices, 'mskServerlessClusterHour') + partitions * unitPrice(prices, 'mskServerlessPartitionHour')) * HOURS_PER_MONTH,
      fixedBasis: `one cluster + ${partitions} partitions × 730 h`,
      note: 'storage is extra at $0.10 per GB-month',
    },
    {
      name: 'Google Cloud Pub/Sub',
      writeUsdPerGiB: perTiB / 1024,
      readUsdPerGiB: perTiB / 1024,
      fixedUsdPerMonth: 0,
      fixedBasis: 'none',
      note: 'publish and each subscription delivery are billed separately; at least 1000 bytes per request',
    },
  ];
}

export interface IdleLine {
  item: string;
  usdPerMonth: number;
  basis: string;
}

/** EventBridge Scheduler starts a maintenance pass every 5 minutes (infra/constructs/maintenance.ts). */
export const MAINTENANCE_PASSES_PER_MONTH = (HOURS_PER_MONTH * 60) / 5;

/**
 * A deployed Freshet nobody uses: Lambda, API Gateway, S3 and on-demand DynamoDB bill by
 * use, so what remains is the root-key secret, the (tiny) metadata in the table, and the
 * scheduled maintenance passes with nothing to do (`idlePass`: one measured pass).
 */
export function freshetIdleMonthly(prices: PriceTable, idlePass: { usd: number; over: string } | undefined): IdleLine[] {
  const metadataGb = 1 / 1024 / 1024; // ~1 KB: a handful of topic and head items
  return [
    { item: 'Secrets Manager: root key', usdPerMonth: unitPrice(prices, 'secretsManagerSecretMonth'), basis: '1 secret' },
    { item: 'DynamoDB table storage', usdPerMonth: metadataGb * unitPrice(prices, 'dynamodbStorageGbMonth'), basis: '~1 KB of topic and head items' },
    ...(idlePass === undefined
      ? []
      : [
          {
            item: 'Scheduled maintenance with nothing to do',
            usdPerMonth: MAINTENANCE_PASSES_PER_MONTH * (idlePass.usd + unitPrice(prices, 'eventBridgeSchedulerInvocation')),
            basis: `${MAINTENANCE_PASSES_PER_MONTH} passes (every 5 min) × the measured idle pass over ${idlePass.over} (Lambda, DynamoDB, S3 LIST) + the scheduler's invocation; grows with the number of topics and partitions`,
          },
        ]),
    { item: 'Lambda, API Gateway, S3 requests, DynamoDB requests', usdPerMonth: 0, basis: 'billed per use' },
  ];
}
