import { mapWithConcurrency } from '../concurrency.js';
import { dispatchPartition } from './dispatch-partition.js';
import { newCursor, type Subscription } from '../model/subscription.js';
import type { SubscriptionsContext } from './subscriptions-context.js';
import { applySubscriptionChanges } from './apply-changes.js';

export interface PassOptions {
  /** Only subscriptions to these topic incarnations (a stream batch names them); all when absent. */
  topicIds?: ReadonlySet<string> | undefined;
  /** Stop starting new batches after this long (ms); a Lambda passes what its timeout leaves. */
  budgetMs?: number | undefined;
}

export interface PassResult {
  subscriptions: number;
  /** Requests sent in this pass. */
  attempts: number;
  /** The earliest time some partition has work again (a due retry), or null. */
  nextDueAt: number | null;
}

const SUBSCRIPTION_CONCURRENCY = 4;
const PARTITION_CONCURRENCY = 8;

/**
 * One pass of the dispatcher, the same code in Lambda (stream + schedule) and local mode
 * (after each commit + timer): every active subscription, every partition with records
 * past its cursor whose retry is due and whose lease is free.
 */
export async function dispatchOnce(ctx: SubscriptionsContext, options: PassOptions = {}): Promise<PassResult> {
  const deadline = performance.now() + (options.budgetMs ?? 10_000);
  const listed = (await ctx.store.list()).filter((s) => s.state === 'active' && (!options.topicIds || options.topicIds.has(s.topicId)));
  const outcomes = await mapWithConcurrency(listed, SUBSCRIPTION_CONCURRENCY, (s) => dispatchSubscription(ctx, s.id, deadline));
  return {
    subscriptions: listed.length,
    attempts: outcomes.reduce((n, o) => n + o.attempts, 0),
    nextDueAt: earliest(outcomes.map((o) => o.nextDueAt)),
  };
}

async function dispatchSubscription(ctx: SubscriptionsContext, id: string, deadline: number): Promise<{ attempts: number; nextDueAt: number | null }> {
  const idle = { attempts: 0, nextDueAt: null };
  // The listing (a GSI) may lag; the consistent read decides whether it is still active.
  let loaded: Awaited<ReturnType<typeof ctx.store.load>>;
  try {
    loaded = await ctx.store.load(id);
  } catch {
    return idle; // deleted since it was listed
  }
  const { subscription: sub, cursors } = loaded;
  if (sub.state !== 'active') return idle;
  const topic = await ctx.log.topics.get(sub.topic);
  if (!topic || topic.topicId !== sub.topicId) {
    await pause(ctx, sub, `topic '${sub.topic}' was deleted; this subscription belonged to it`);
    return idle;
  }
  const partitions = Array.from({ length: topic.partitions }, (_, p) => p);
  const heads = await ctx.log.store.readHeads(topic.topicId, partitions);
  const now = ctx.log.clock.now();
  const outcomes = await mapWithConcurrency(partitions, PARTITION_CONCURRENCY, async (p) => {
    const head = heads.get(p)!;
    let cursor = cursors.get(p);
    if (!cursor) {
      // A partition added after the subscription: everything in it is new, so from its start.
      cursor = newCursor(p, head.logStartOffset);
      await ctx.store.putCursorIfAbsent(sub.id, cursor);
    }
    if (cursor.nextOffset >= head.nextOffset && cursor.nextOffset >= head.logStartOffset) return idle;
    if (cursor.nextAttemptAt > now) return { attempts: 0, nextDueAt: cursor.nextAttemptAt };
    if (cursor.leaseOwner !== ctx.dispatcherId && cursor.leaseUntil >= now) return { attempts: 0, nextDueAt: cursor.leaseUntil };
    try {
      return await dispatchPartition(ctx, sub, cursor, deadline);
    } catch (err) {
      // One partition's storage trouble must not stop the others; its lease lapses and a later pass retries.
      console.error(JSON.stringify({ level: 'error', msg: 'dispatch failed', subscription: sub.id, partition: p, error: err instanceof Error ? `${err.name}: ${err.message}` : 'unknown' }));
      return { attempts: 0, nextDueAt: now + 1_000 };
    }
  });
  return { attempts: outcomes.reduce((n, o) => n + o.attempts, 0), nextDueAt: earliest(outcomes.map((o) => o.nextDueAt)) };
}

async function pause(ctx: SubscriptionsContext, sub: Subscription, reason: string): Promise<void> {
  await applySubscriptionChanges(ctx.store, sub.id, { state: 'paused', pausedReason: reason, updatedAt: ctx.log.clock.now() });
}

function earliest(times: readonly (number | null)[]): number | null {
  const set = times.filter((t): t is number => t !== null);
  return set.length > 0 ? Math.min(...set) : null;
}
