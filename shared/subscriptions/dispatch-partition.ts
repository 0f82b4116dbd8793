import { ulid } from 'ulid';
import { CorruptRecordBatchError, OffsetOutOfRangeError } from '../errors.js';
import { fetchRecords } from '../log/fetch.js';
import { FETCH_DEFAULT_MAX_BYTES } from '../log/limits.js';
import { retryDelayMs } from './backoff.js';
import { deadLetter, deadLetterUnreadable } from './dead-letter.js';
import { deliverRecords } from './deliver-records.js';
import { passesFilter } from './record-filter.js';
import type { DeliveryCursor, Subscription } from '../model/subscription.js';
import type { SubscriptionsContext } from './subscriptions-context.js';
import { applySubscriptionChanges } from './apply-changes.js';

/** A lease outlives the slowest attempt by this much, so it never lapses mid-delivery. */
const LEASE_MARGIN_MS = 15_000;

export interface PartitionOutcome {
  /** Requests sent. */
  attempts: number;
  /** When this partition next has work (a due retry, or now when the time budget ran out). */
  nextDueAt: number | null;
}

/**
 * Delivers one partition of one subscription in offset order, batch after batch, until it
 * is caught up, a batch fails (it then holds back only this partition until its retry is
 * due), the subscription is paused by a 410, or `deadline` passes. Runs under the
 * partition's lease; every outcome write is fenced by lease owner and epoch.
 */
export async function dispatchPartition(ctx: SubscriptionsContext, sub: Subscription, cursor: DeliveryCursor, deadline: number): Promise<PartitionOutcome> {
  const { store, log } = ctx;
  const p = cursor.partition;
  const leaseMs = sub.timeoutMs + LEASE_MARGIN_MS;
  const start = log.clock.now();
  let c = await store.acquireLease(sub.id, p, ctx.dispatcherId, start, start + leaseMs, cursor.epoch);
  if (!c) return { attempts: 0, nextDueAt: null };
  const write = (changes: Parameters<typeof store.writeCursor>[4]) => store.writeCursor(sub.id, p, ctx.dispatcherId, c!.epoch, changes);
  let attempts = 0;
  for (;;) {
    if (performance.now() >= deadline) {
      await write({ leaseUntil: 0 });
      return { attempts, nextDueAt: log.clock.now() };
    }
    let fetched: Awaited<ReturnType<typeof fetchRecords>>;
    try {
      const limit = c.batchEnd !== null ? c.batchEnd - c.nextOffset : sub.batchSize;
      fetched = await fetchRecords(log, { topic: sub.topic, partition: p, offset: c.nextOffset, limit, maxBytes: FETCH_DEFAULT_MAX_BYTES, waitMs: 0 });
    } catch (err) {
      if (err instanceof CorruptRecordBatchError && typeof err.extensions.lastOffset === 'number') {
        // Records that cannot be read fail like a delivery: retried with backoff (a bad read may
        // be transient), then dead-lettered as a marker naming the offsets, so the partition moves on.
        const lastOffset = err.extensions.lastOffset;
        const now = log.clock.now();
        const seen = { lastStatus: null, lastError: err.message.slice(0, 500), lastAttemptAt: now };
        if (c.attempts + 1 < sub.maxAttempts) {
          const nextAttemptAt = now + retryDelayMs(sub.backoff, c.attempts + 1, null, ctx.random);
          await write({ ...seen, attempts: c.attempts + 1, nextAttemptAt, leaseUntil: 0 });
          return { attempts, nextDueAt: nextAttemptAt };
        }
        log.metrics.add('Deliveries', 'Count', 1, { outcome: 'dead_lettered' });
        await deadLetterUnreadable(ctx, sub, p, { from: c.nextOffset, to: lastOffset }, { attempts: c.attempts + 1, error: err.message });
        const advance = { nextOffset: lastOffset + 1, webhookId: null, batchEnd: null, attempts: 0, nextAttemptAt: 0, leaseUntil: now + leaseMs };
        if (!(await write({ ...seen, ...advance, addDeadLettered: 1 }))) return { attempts, nextDueAt: null };
        c = { ...c, nextOffset: lastOffset + 1, webhookId: null, batchEnd: null, attempts: 0 };
        continue;
      }
      if (!(err instanceof OffsetOutOfRangeError) || c.nextOffset >= (err.extensions.logStartOffset as number)) throw err;
      // Retention removed records before they could be delivered: say so, and go on from the log start.
      const logStart = err.extensions.logStartOffset as number;
      const lost = `offsets ${c.nextOffset}..${logStart - 1} were removed by retention before delivery`;
      if (!(await write({ nextOffset: logStart, webhookId: null, batchEnd: null, attempts: 0, lastError: lost }))) return { attempts, nextDueAt: null };
      c = { ...c, nextOffset: logStart, webhookId: null, batchEnd: null, attempts: 0 };
      continue;
    }
    if (fetched.records.length === 0) {
      // Key compaction removed every record from here on to `past` (a gap of a compacted log): move on.
      const past: number = Math.min(c.batchEnd ?? Number.POSITIVE_INFINITY, fetched.nextOffset);
      if (past > c.nextOffset) {
        const batchDone: boolean = c.batchEnd === null || past >= c.batchEnd;
        if (!(await write(batchDone ? { nextOffset: past, webhookId: null, batchEnd: null, attempts: 0 } : { nextOffset: past }))) return { attempts, nextDueAt: null };
        c = batchDone ? { ...c, nextOffset: past, webhookId: null, batchEnd: null, attempts: 0 } : { ...c, nextOffset: past };
        continue;
      }
      await write({ leaseUntil: 0 });
      return { attempts, nextDueAt: null };
    }
    const batchEnd: number = c.batchEnd ?? fetched.nextOffset;
    const records = fetched.records.filter((r) => r.offset < batchEnd && passesFilter(r, sub.filter));
    if (records.length === 0) {
      // Every record filtered out: skipped without a request.
      if (!(await write({ nextOffset: batchEnd, webhookId: null, batchEnd: null, attempts: 0 }))) return { attempts, nextDueAt: null };
      c = { ...c, nextOffset: batchEnd, webhookId: null, batchEnd: null, attempts: 0 };
      continue;
    }
    const webhookId: string = c.webhookId ?? `msg_${ulid()}`;
    // Recorded before sending: if we crash mid-request, the retry is the same batch under the same webhook-id.
    if (c.webhookId === null && !(await write({ webhookId, batchEnd }))) return { attempts, nextDueAt: null };
    c = { ...c, webhookId, batchEnd };

    const result = await deliverRecords(ctx, sub, p, records, webhookId);
    attempts++;
    const now = log.clock.now();
    const status = result.status;
    const seen = { lastStatus: status, lastError: result.error, lastAttemptAt: now };
    const about = { subscription: sub.id, topic: sub.topic, partition: p, offsets: `${records[0]!.offset}..${records.at(-1)!.offset}`, status, error: result.error };
    const advance = { nextOffset: batchEnd, webhookId: null, batchEnd: null, attempts: 0, nextAttemptAt: 0, leaseUntil: now + leaseMs };

    if (status !== null && status >= 200 && status < 300) {
      log.metrics.add('Deliveries', 'Count', 1, { outcome: 'delivered' });
      if (!(await write({ ...seen, ...advance, addDelivered: records.length }))) return { attempts, nextDueAt: null };
    } else if (status === 410) {
      // Gone: the receiver asks us to stop. Pause; the batch stays in flight for a resume.
      log.metrics.add('Deliveries', 'Count', 1, { outcome: 'gone' });
      await applySubscriptionChanges(store, sub.id, { state: 'paused', pausedReason: `the receiver answered 410 Gone (${result.error ?? ''})`.slice(0, 500), updatedAt: now });
      log.logger.warn('subscription paused: the receiver answered 410 Gone', about);
      await write({ ...seen, leaseUntil: 0 });
      return { attempts, nextDueAt: null };
    } else if (c.attempts + 1 >= sub.maxAttempts) {
      // Invariant 7: skipped only after its last attempt, and then it is in the dead-letter topic.
      log.metrics.add('Deliveries', 'Count', 1, { outcome: 'dead_lettered' });
      await deadLetter(ctx, sub, p, records, { webhookId, attempts: c.attempts + 1, lastStatus: status, lastError: result.error });
      log.logger.warn('records dead-lettered after their last attempt', { ...about, attempts: c.attempts + 1, records: records.length, deadLetterTopic: sub.deadLetterTopic });
      if (!(await write({ ...seen, ...advance, addDeadLettered: records.length }))) return { attempts, nextDueAt: null };
    } else {
      log.metrics.add('Deliveries', 'Count', 1, { outcome: 'retry' });
      const nextAttemptAt = now + retryDelayMs(sub.backoff, c.attempts + 1, result.retryAfterMs, ctx.random);
      log.logger.warn('delivery failed, will retry', { ...about, attempt: c.attempts + 1, maxAttempts: sub.maxAttempts, retryInMs: nextAttemptAt - now });
      await write({ ...seen, attempts: c.attempts + 1, nextAttemptAt, leaseUntil: 0 });
      return { attempts, nextDueAt: nextAttemptAt };
    }
    c = { ...c, nextOffset: batchEnd, webhookId: null, batchEnd: null, attempts: 0 };
  }
}
