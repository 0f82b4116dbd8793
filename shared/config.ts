import { DEFAULT_COMMIT_BUDGET_MS, DEFAULT_MAINTENANCE_SETTINGS as M } from './model/settings.js';

/*
 * Parsed by the small field parsers below, not by zod: every function parses its
 * configuration in its init phase, and zod's core is ~160 KiB that each cold start would
 * compile for these 17 variables, about 8 ms of the api's import (docs/benchmarks.md,
 * "Cold start"). The HTTP routes, which zod serves well, import it on their first request.
 * Each parser answers the value or the reason it is wrong, in zod's words.
 */
type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
type Field<T> = (raw: string | undefined) => Parsed<T>;
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const wrong = (message: string): Parsed<never> => ({ ok: false, message });

/** A whole number within [min, max], read with `Number(raw)` as zod's coerce reads it; `fallback` when unset. */
const integer =
  (min: number, max: number, fallback: number): Field<number> =>
  (raw) => {
    if (raw === undefined) return ok(fallback);
    const n = Number(raw);
    if (Number.isNaN(n)) return wrong('Invalid input: expected number, received NaN');
    if (!Number.isInteger(n)) return wrong('Invalid input: expected int, received number');
    if (n < min) return wrong(`Too small: expected number to be >=${min}`);
    if (n > max) return wrong(`Too big: expected number to be <=${max}`);
    return ok(n);
  };

interface TextRules {
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** What to say instead of zod's words. */
  message?: string;
}

/** A string of min..max characters, matching `pattern` if given; `fallback` when unset. */
const text =
  <F extends string | undefined = undefined>({ min = 0, max = Infinity, pattern, message }: TextRules, fallback?: F): Field<string | F> =>
  (raw) => {
    if (raw === undefined) return ok(fallback as F);
    if (raw.length < min) return wrong(message ?? `Too small: expected string to have >=${min} characters`);
    if (raw.length > max) return wrong(message ?? `Too big: expected string to have <=${max} characters`);
    if (pattern && !pattern.test(raw)) return wrong(message ?? `Invalid string: must match pattern ${pattern}`);
    return ok(raw);
  };

/** An absolute URL (an endpoint the SDK is pointed at), or unset. */
const url: Field<string | undefined> = (raw) => (raw === undefined || URL.canParse(raw.trim()) ? ok(raw?.trim()) : wrong('Invalid URL'));

/** One of `options`; `fallback` when unset. */
const oneOf =
  <T extends string, F extends T | undefined = undefined>(options: readonly T[], fallback?: F): Field<T | F> =>
  (raw) =>
    raw === undefined ? ok(fallback as F) : (options as readonly string[]).includes(raw) ? ok(raw as T) : wrong(`Invalid option: expected one of ${options.map((o) => JSON.stringify(o)).join('|')}`);

const ROOT_KEY_MIN = 16;
const rootKey = text({ min: ROOT_KEY_MIN, message: `the root key must be at least ${ROOT_KEY_MIN} characters` });

/** The root API key, whether it comes from the environment or from Secrets Manager: throws when it is too short. */
export function parseRootKey(key: string): string {
  const parsed = rootKey(key);
  if (!parsed.ok) throw new Error(`invalid root key: ${parsed.message}`);
  return key;
}

const COLD_STORAGE_CLASSES = ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR'] as const;

/**
 * All configuration is environment variables, parsed once here. Nothing else reads
 * `process.env`: entry points call `loadConfig(process.env)` and pass the result down.
 */
const CONFIG = {
  PORT: integer(0, 65535, 8080),
  FRESHET_ROOT_KEY: rootKey,
  /** Set by the CDK stack instead of FRESHET_ROOT_KEY, so the key never sits in the function's configuration. */
  FRESHET_ROOT_KEY_SECRET_ARN: text({ pattern: /^arn:aws[a-z-]*:secretsmanager:/, message: 'must be a Secrets Manager secret ARN' }),
  FRESHET_DATA_DIR: text({ min: 1 }, '.freshet'),
  FRESHET_TABLE: text({ min: 3, max: 255 }, 'freshet'),
  FRESHET_BUCKET: text({ min: 3, max: 63 }, 'freshet'),
  FRESHET_DYNAMODB_ENDPOINT: url,
  FRESHET_S3_ENDPOINT: url,
  AWS_REGION: text({ min: 1 }, 'us-east-1'),
  /** Milliseconds a produce may spend retrying a contended commit before answering 503. */
  FRESHET_COMMIT_BUDGET_MS: integer(100, 30_000, DEFAULT_COMMIT_BUDGET_MS),
  /** Local mode: how often the maintenance pass runs. */
  FRESHET_MAINTENANCE_INTERVAL_MS: integer(1_000, Number.MAX_SAFE_INTEGER, 60_000),
  FRESHET_COMPACT_AFTER_MS: integer(0, Number.MAX_SAFE_INTEGER, M.compactAfterMs),
  FRESHET_SEGMENT_BYTES: integer(1024, 5 * 1024 ** 3, M.segmentBytes),
  FRESHET_ORPHAN_GRACE_MS: integer(60_000, Number.MAX_SAFE_INTEGER, M.orphanGraceMs),
  /** Never a class that needs a restore before reading (GLACIER, DEEP_ARCHIVE). */
  FRESHET_COLD_STORAGE_CLASS: oneOf(COLD_STORAGE_CLASSES, 'STANDARD_IA'),
  /**
   * Lets webhooks reach loopback receivers over plain http (development only). Unset:
   * local mode allows it, the deployed functions do not.
   */
  FRESHET_WEBHOOK_ALLOW_LOOPBACK: oneOf(['true', 'false']),
  /** Local mode: one access-log line per request when set (to anything but '', '0' or 'false'). */
  FRESHET_LOG_REQUESTS: text({}),
};

type ParsedConfig = { [K in keyof typeof CONFIG]: (typeof CONFIG)[K] extends Field<infer T> ? T : never };

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
  const c: Record<string, unknown> = {};
  const lines: string[] = [];
  for (const [name, field] of Object.entries(CONFIG)) {
    const parsed = (field as Field<unknown>)(env[name]);
    if (parsed.ok) c[name] = parsed.value;
    else lines.push(`${name}: ${parsed.message}`);
  }
  if (lines.length > 0) throw new Error(`invalid configuration: ${lines.join('; ')}`);
  return toConfig(c as ParsedConfig);
}

function toConfig(c: ParsedConfig): Config {
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
