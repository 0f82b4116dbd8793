import { ulid } from 'ulid';
import { SubscriptionNotFoundError, UnprocessableError } from '../errors.js';
import type { RecordEncoding } from '../model/record-encoding.js';
import { getTopic } from '../topics/topic-service.js';
import { isValidTopicName } from '../model/topic.js';
import { generateSecret } from './secret.js';
import { vetWebhookUrl } from './ssrf-guard.js';
import { resolveOffsets, type SeekTarget } from './start-offsets.js';
import {
  type Backoff,
  type DeliveryFormat,
  defaultDeadLetterTopic,
  newCursor,
  type RecordFilter,
  SECRET_ROTATION_OVERLAP_MS,
  type StartAt,
  SUBSCRIPTION_LIMITS as L,
  type Subscription,
  type SubscriptionState,
} from '../model/subscription.js';
import { partitionView } from './subscription-view.js';
import type { SubscriptionsContext } from './subscriptions-context.js';
import { applySubscriptionChanges } from './apply-changes.js';

export interface SubscriptionSettings {
  url?: string | undefined;
  batchSize?: number | undefined;
  maxAttempts?: number | undefined;
  backoff?: Partial<Backoff> | undefined;
  timeoutMs?: number | undefined;
  format?: DeliveryFormat | undefined;
  encoding?: RecordEncoding | undefined;
  filter?: RecordFilter | null | undefined;
  state?: SubscriptionState | undefined;
}

export interface CreateSubscriptionInput extends SubscriptionSettings {
  name: string;
  topic: string;
  url: string;
  startAt?: StartAt | undefined;
  deadLetterTopic?: string | undefined;
}

export async function createSubscription(ctx: SubscriptionsContext, input: CreateSubscriptionInput): Promise<Subscription> {
  const topic = await getTopic(ctx.log, input.topic);
  const deadLetterTopic = input.deadLetterTopic ?? defaultDeadLetterTopic(topic.name);
  if (!isValidTopicName(deadLetterTopic) || deadLetterTopic === topic.name) {
    throw new UnprocessableError('INVALID_DEAD_LETTER_TOPIC', `'${deadLetterTopic}' cannot be the dead-letter topic of '${topic.name}'`, { deadLetterTopic });
  }
  await vetWebhookUrl(input.url, ctx.policy);
  const startAt = input.startAt ?? 'latest';
  const offsets = await resolveOffsets(ctx.log, topic, startAt);
  const now = ctx.log.clock.now();
  const sub: Subscription = {
    id: `sub_${ulid(now)}`,
    name: input.name,
    topic: topic.name,
    topicId: topic.topicId,
    url: input.url,
    startAt,
    batchSize: input.batchSize ?? L.batchSize.default,
    maxAttempts: input.maxAttempts ?? L.maxAttempts.default,
    backoff: checkBackoff({ initialMs: input.backoff?.initialMs ?? L.backoffInitialMs.default, maxMs: input.backoff?.maxMs ?? L.backoffMaxMs.default }),
    timeoutMs: input.timeoutMs ?? L.timeoutMs.default,
    format: input.format ?? 'json',
    encoding: input.encoding ?? 'json',
    filter: input.filter ?? null,
    deadLetterTopic,
    state: input.state ?? 'active',
    pausedReason: null,
    secret: generateSecret(),
    previousSecret: null,
    previousSecretExpiresAt: null,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.store.create(sub, [...offsets].map(([p, o]) => newCursor(p, o)));
  return sub;
}

export async function describeSubscription(ctx: SubscriptionsContext, id: string) {
  const { subscription, cursors } = await ctx.store.load(id);
  const topic = await ctx.log.topics.get(subscription.topic);
  const partitions = topic?.topicId === subscription.topicId ? [...cursors.keys()].sort((a, b) => a - b) : [];
  const heads = partitions.length > 0 ? await ctx.log.store.readHeads(subscription.topicId, partitions) : new Map();
  return { subscription, partitions: partitions.map((p) => partitionView(cursors.get(p)!, heads.get(p)!)) };
}

/**
 * PATCH. A new format, encoding, filter or batch size changes what the batch in flight
 * would contain, so in-flight batches are dropped and rebuilt under fresh webhook-ids
 * (from the same cursor: nothing is skipped). Setting `active` clears a pause reason.
 */
export async function updateSubscription(ctx: SubscriptionsContext, id: string, changes: SubscriptionSettings): Promise<Subscription> {
  const { subscription: sub, cursors } = await ctx.store.load(id);
  if (changes.url !== undefined) await vetWebhookUrl(changes.url, ctx.policy);
  const backoff = changes.backoff ? checkBackoff({ ...sub.backoff, ...changes.backoff }) : undefined;
  const reshaped = (['format', 'encoding', 'batchSize'] as const).some((k) => changes[k] !== undefined && changes[k] !== sub[k]) || changes.filter !== undefined;
  const updated = await applySubscriptionChanges(ctx.store, id, {
    ...changes,
    backoff,
    filter: changes.filter === undefined ? undefined : changes.filter,
    ...(changes.state === 'active' ? { pausedReason: null } : {}),
    updatedAt: ctx.log.clock.now(),
  });
  if (reshaped) await Promise.all([...cursors.keys()].map((p) => ctx.store.resetCursor(id, p, undefined)));
  return updated;
}

/** A new secret; the old one keeps signing alongside it for 24 h (one rotation at a time: rotating again drops the older one). */
export async function rotateSecret(ctx: SubscriptionsContext, id: string): Promise<Subscription> {
  const { subscription: sub } = await ctx.store.load(id);
  const now = ctx.log.clock.now();
  return applySubscriptionChanges(ctx.store, id, { secret: generateSecret(), previousSecret: sub.secret, previousSecretExpiresAt: now + SECRET_ROTATION_OVERLAP_MS, updatedAt: now });
}

/** Moves cursors (all partitions, or those listed) and re-delivers from there; attempts start over. */
export async function seekSubscription(ctx: SubscriptionsContext, id: string, to: SeekTarget) {
  const { subscription: sub, cursors } = await ctx.store.load(id);
  const topic = await getTopic(ctx.log, sub.topic);
  const offsets = await resolveOffsets(ctx.log, topic, to);
  await Promise.all(
    [...offsets].map(async ([p, offset]) => {
      if (!cursors.has(p)) await ctx.store.putCursorIfAbsent(id, newCursor(p, offset));
      await ctx.store.resetCursor(id, p, offset);
    }),
  );
  return { offsets: [...offsets].map(([partition, offset]) => ({ partition, offset })).sort((a, b) => a.partition - b.partition) };
}

export async function deleteSubscription(ctx: SubscriptionsContext, id: string): Promise<void> {
  if (!(await ctx.store.delete(id))) throw new SubscriptionNotFoundError(id);
}
export const listSubscriptions = (ctx: SubscriptionsContext): Promise<Subscription[]> => ctx.store.list();
export const loadSubscription = async (ctx: SubscriptionsContext, id: string): Promise<Subscription> => (await ctx.store.load(id)).subscription;

function checkBackoff(b: Backoff): Backoff {
  if (b.initialMs > b.maxMs) throw new UnprocessableError('INVALID_BACKOFF', `backoff.initialMs (${b.initialMs}) exceeds backoff.maxMs (${b.maxMs})`, { ...b });
  return b;
}
