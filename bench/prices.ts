import { readFileSync } from 'node:fs';
import { z } from 'zod';

const Price = z.object({
  usd: z.number().nonnegative(),
  /** `usd` buys this many `unit`s. */
  per: z.number().positive(),
  unit: z.string().min(1),
  source: z.url(),
  takenOn: z.iso.date(),
  status: z.enum(['corroborated', 'to verify']),
  seenAt: z.url().optional(),
});

const PRICE_IDS = [
  's3PutRequest',
  's3GetRequest',
  's3StorageGbMonth',
  'dynamodbWriteRequestUnit',
  'dynamodbReadRequestUnit',
  'dynamodbStorageGbMonth',
  'lambdaArmGbSecond',
  'lambdaRequest',
  'httpApiRequest',
  'secretsManagerSecretMonth',
  'secretsManagerApiCall',
  'kinesisOnDemandStreamHour',
  'kinesisOnDemandIngestGb',
  'kinesisOnDemandRetrievalGb',
  'mskServerlessClusterHour',
  'mskServerlessPartitionHour',
  'mskServerlessDataInGb',
  'mskServerlessDataOutGb',
  'mskServerlessStorageGbMonth',
  'pubsubThroughputTib',
  'eventBridgeSchedulerInvocation',
] as const;
export type PriceId = (typeof PRICE_IDS)[number];

const PriceTableSchema = z.object({
  about: z.string(),
  currency: z.literal('USD'),
  region: z.string(),
  prices: z.object(Object.fromEntries(PRICE_IDS.map((id) => [id, Price])) as Record<PriceId, typeof Price>),
});

export type PriceEntry = z.infer<typeof Price>;
export type PriceTable = z.infer<typeof PriceTableSchema>;

/** The checked-in price table, validated: every price must carry its source and date. */
export function loadPrices(): PriceTable {
  const text = readFileSync(new URL('./prices.json', import.meta.url), 'utf8');
  return PriceTableSchema.parse(JSON.parse(text));
}

/** Dollars for one `unit` of a price (e.g. one request, one GB-second). */
export const unitPrice = (table: PriceTable, id: PriceId): number => table.prices[id].usd / table.prices[id].per;
