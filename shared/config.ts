import { z } from 'zod';
import { DEFAULT_COMMIT_BUDGET_MS, DEFAULT_MAINTENANCE_SETTINGS as M } from './model/settings.js';

/** The root API key, whether it comes from the environment or from Secrets Manager. */
export const RootKeySchema = z.string().min(16, 'the root key must be at least 16 characters');

/**
 * All configuration is environment variables, parsed once here. Nothing else reads
 * `process.env`: entry points call `loadConfig(process.env)` and pass the result down.
 */
const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  FRESHET_ROOT_KEY: RootKeySchema.optional(),
  /** Set by the CDK stack instead of FRESHET_ROOT_KEY, so the key never sits in the function's configuration. */
  FRESHET_ROOT_KEY_SECRET_ARN: z.string().regex(/^arn:aws[a-z-]*:secretsmanager:/, 'must be a Secrets Manager secret ARN').optional(),
  FRESHET_DATA_DIR: z.string().min(1).default('.freshet'),
  FRESHET_TABLE: z.string().min(3).max(255).default('freshet'),
  FRESHET_BUCKET: z.string().min(3).max(63).default('freshet'),
  FRESHET_DYNAMODB_ENDPOINT: z.url().optional(),
  FRESHET_S3_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Milliseconds a produce may spend retrying a contended commit before answering 503. */
  FRESHET_COMMIT_BUDGET_MS: z.coerce.number().int().min(100).max(30_000).default(DEFAULT_COMMIT_BUDGET_MS),
  /** Local mode: how often the maintenance pass runs. */
  FRESHET_MAINTENANCE_INTERVAL_MS: z.coerce.number().int().min(1_000).default(60_000),
  FRESHET_COMPACT_AFTER_MS: z.coerce.number().int().min(0).default(M.compactAfterMs),
  FRESHET_SEGMENT_BYTES: z.coerce.number().int().min(1024).max(5 * 1024 ** 3).default(M.segmentBytes),
  FRESHET_ORPHAN_GRACE_MS: z.coerce.number().int().min(60_000).default(M.orphanGraceMs),
  /** Never a class that needs a restore before reading (GLACIER, DEEP_ARCHIVE). */
  FRESHET_COLD_STORAGE_CLASS: z.enum(['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR']).default('STANDARD_IA'),
  /**
   * Lets webhooks reach loopback receivers over plain http (development only). Unset:
   * local mode allows it, the deployed functions do not.
   */
  FRESHET_WEBHOOK_ALLOW_LOOPBACK: z.enum(['true', 'false']).optional(),
  /** Local mode: one access-log line per request when set (to anything but '', '0' or 'false'). */
  FRESHET_LOG_REQUESTS: z.string().optional(),
});

export type Env = Record<string, string | undefined>;

export interface Config {
  port: number;
  rootKey: string | undefined;
  rootKeySecretArn: string | undefined;
  dataDir: string;
  table: string;
  bucket: string;
  dynamoEndpoint: string | undefined;
  s3Endpoint: string | undefined;
  region: string;
  commitBudgetMs: number;
  maintenance: {
    intervalMs: number;
    compactAfterMs: number;
    segmentBytes: number;
    orphanGraceMs: number;
    coldStorageClass: string;
  };
  /** undefined: the entry point's default (local mode true, Lambda false). */
  webhookAllowLoopback: boolean | undefined;
  /** Local mode prints an access-log line per request. */
  logRequests: boolean;
}

export function loadConfig(env: Env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration: ${lines.join('; ')}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    rootKey: c.FRESHET_ROOT_KEY,
    rootKeySecretArn: c.FRESHET_ROOT_KEY_SECRET_ARN,
    dataDir: c.FRESHET_DATA_DIR,
    table: c.FRESHET_TABLE,
    bucket: c.FRESHET_BUCKET,
    dynamoEndpoint: c.FRESHET_DYNAMODB_ENDPOINT,
    s3Endpoint: c.FRESHET_S3_ENDPOINT,
    region: c.AWS_REGION,
    commitBudgetMs: c.FRESHET_COMMIT_BUDGET_MS,
    maintenance: {
      intervalMs: c.FRESHET_MAINTENANCE_INTERVAL_MS,
      compactAfterMs: c.FRESHET_COMPACT_AFTER_MS,
      segmentBytes: c.FRESHET_SEGMENT_BYTES,
      orphanGraceMs: c.FRESHET_ORPHAN_GRACE_MS,
      coldStorageClass: c.FRESHET_COLD_STORAGE_CLASS,
    },
    webhookAllowLoopback: c.FRESHET_WEBHOOK_ALLOW_LOOPBACK === undefined ? undefined : c.FRESHET_WEBHOOK_ALLOW_LOOPBACK === 'true',
    logRequests: !['', '0', 'false'].includes((c.FRESHET_LOG_REQUESTS ?? '').trim().toLowerCase()),
  };
}
