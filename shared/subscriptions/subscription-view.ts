import type { PartitionHead } from '../model/log-index.js';
import type { DeliveryCursor, Subscription } from '../model/subscription.js';

/** What the API shows of a subscription: everything but the secrets. */
export function publicSubscription(sub: Subscription) {
  return {
    id: sub.id,
    name: sub.name,
    topic: sub.topic,
    url: sub.url,
    startAt: sub.startAt,
    batchSize: sub.batchSize,
    maxAttempts: sub.maxAttempts,
    backoff: sub.backoff,
    timeoutMs: sub.timeoutMs,
    format: sub.format,
    encoding: sub.encoding,
    filter: sub.filter,
    deadLetterTopic: sub.deadLetterTopic,
    state: sub.state,
    pausedReason: sub.pausedReason,
    previousSecretExpiresAt: sub.previousSecret !== null ? sub.previousSecretExpiresAt : null,
    createdAt: sub.createdAt,
    updatedAt: sub.updatedAt,
  };
}

export type PublicSubscription = ReturnType<typeof publicSubscription>;

/** Per partition: the cursor, its lag behind the high watermark, and the last outcome. */
export function partitionView(cursor: DeliveryCursor, head: PartitionHead) {
  return {
    partition: cursor.partition,
    cursor: cursor.nextOffset,
    highWatermark: head.nextOffset,
    lag: Math.max(0, head.nextOffset - cursor.nextOffset),
    attempts: cursor.attempts,
    nextAttemptAt: cursor.nextAttemptAt > 0 ? cursor.nextAttemptAt : null,
    lastStatus: cursor.lastStatus,
    lastError: cursor.lastError,
    lastAttemptAt: cursor.lastAttemptAt,
    deliveredCount: cursor.deliveredCount,
    deadLetteredCount: cursor.deadLetteredCount,
  };
}
