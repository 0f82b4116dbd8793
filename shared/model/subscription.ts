import type { RecordEncoding } from './record-encoding.js';

/**
 * A webhook push subscription as stored. The secret is kept because every delivery is
 * signed with it (HMAC needs the key itself, unlike API keys, which are stored hashed);
 * it is returned only by creation and rotation and never logged.
 */
export type StartAt = 'earliest' | 'latest' | { timestamp: number };
export type DeliveryFormat = 'json' | 'cloudevents';
export type SubscriptionState = 'active' | 'paused';

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

/** Records pass when every given condition holds; filtered-out records are skipped, never delivered. */
export interface RecordFilter {
  keyPrefix?: string | undefined;
  /** Header name → the exact (UTF-8) value it must have. */
  headers?: Record<string, string> | undefined;
}

export interface Subscription {
  id: string;
  name: string;
  topic: string;
  /** The incarnation subscribed to: a topic deleted and re-created is a different log. */
  topicId: string;
  url: string;
  startAt: StartAt;
  batchSize: number;
  maxAttempts: number;
  backoff: Backoff;
  timeoutMs: number;
  format: DeliveryFormat;
  encoding: RecordEncoding;
  filter: RecordFilter | null;
  deadLetterTopic: string;
  state: SubscriptionState;
  pausedReason: string | null;
  secret: string;
  /** During a rotation: the old secret, still used to sign until `previousSecretExpiresAt`. */
  previousSecret: string | null;
  previousSecretExpiresAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/** Per (subscription, partition) delivery state; see docs/webhooks.md for the lease model. */
export interface DeliveryCursor {
  partition: number;
  /** The next offset to deliver; every offset below it was delivered, filtered out or dead-lettered. */
  nextOffset: number;
  /** Failed attempts of the batch in flight. */
  attempts: number;
  /** Not before this time (ms); 0 = now. */
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: number | null;
  deliveredCount: number;
  deadLetteredCount: number;
  leaseOwner: string | null;
  leaseUntil: number;
  /** The batch in flight: its webhook-id (stable across its retries) and its end offset (exclusive). */
  webhookId: string | null;
  batchEnd: number | null;
  /** Bumped by a seek and by changes of batch shape, fencing deliveries that started before. */
  epoch: number;
}

export const SUBSCRIPTION_LIMITS = {
  batchSize: { min: 1, max: 500, default: 100 },
  maxAttempts: { min: 1, max: 100, default: 10 },
  backoffInitialMs: { min: 10, max: 3_600_000, default: 1_000 },
  backoffMaxMs: { min: 10, max: 86_400_000, default: 600_000 },
  timeoutMs: { min: 100, max: 30_000, default: 10_000 },
} as const;

/** After a rotation both secrets sign for this long, so receivers can switch without a gap. */
export const SECRET_ROTATION_OVERLAP_MS = 24 * 3600_000;

export const defaultDeadLetterTopic = (topic: string): string => `${topic}.dlq`;

export function newCursor(partition: number, nextOffset: number): DeliveryCursor {
  return {
    partition,
    nextOffset,
    attempts: 0,
    nextAttemptAt: 0,
    lastStatus: null,
    lastError: null,
    lastAttemptAt: null,
    deliveredCount: 0,
    deadLetteredCount: 0,
    leaseOwner: null,
    leaseUntil: 0,
    webhookId: null,
    batchEnd: null,
    epoch: 0,
  };
}
