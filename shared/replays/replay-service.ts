import { ulid } from 'ulid';
import { FreshetError, ReplayNotFoundError, UnprocessableError } from '../errors.js';
import type { LogContext } from '../log/log-context.js';
import { requireTopic } from '../log/partition-lookup.js';
import type { ReplayStorage } from './replay-storage.js';
import type { Replay } from '../model/replay.js';

export interface ReplaysContext {
  log: LogContext;
  store: ReplayStorage;
  /** Whether a subscription exists (the subscriptions capability answers; absent: none do). */
  subscriptionExists?: (id: string) => Promise<boolean>;
}

export interface CreateReplayInput {
  topic: string;
  from: { timestamp: number };
  to?: { timestamp: number } | undefined;
  target: { topic: string } | { subscription: string };
}

export async function createReplay(ctx: ReplaysContext, input: CreateReplayInput): Promise<Replay> {
  await requireTopic(ctx.log, input.topic);
  if (input.to && input.to.timestamp <= input.from.timestamp) {
    throw new UnprocessableError('EMPTY_WINDOW', `the window [${input.from.timestamp}, ${input.to.timestamp}) is empty: 'to' must be after 'from'`);
  }
  if ('topic' in input.target) {
    if (input.target.topic === input.topic) throw new UnprocessableError('REPLAY_INTO_SOURCE', 'a replay cannot target its own source topic');
    await requireTopic(ctx.log, input.target.topic);
  } else if (!(await ctx.subscriptionExists?.(input.target.subscription))) {
    throw new FreshetError('SUBSCRIPTION_NOT_FOUND', 404, `subscription '${input.target.subscription}' does not exist`, { id: input.target.subscription });
  }
  const now = ctx.log.clock.now();
  const replay: Replay = {
    id: ulid(now).toLowerCase(),
    topic: input.topic,
    from: input.from.timestamp,
    to: input.to?.timestamp ?? null,
    target: input.target,
    status: 'pending',
    createdAt: now,
    updatedAt: now,
    partitions: [],
    copied: 0,
    error: null,
    version: 1,
  };
  await ctx.store.save(replay, undefined);
  return replay;
}

export async function getReplay(ctx: ReplaysContext, id: string): Promise<Replay> {
  const replay = await ctx.store.get(id);
  if (!replay) throw new ReplayNotFoundError(id);
  return replay;
}

export type ReplayStatus = Replay['status'];
const ACTIVE_STATUSES: readonly ReplayStatus[] = ['pending', 'running'];

export interface ListReplaysQuery {
  /** Only replays in these states (all when absent). */
  status?: readonly ReplayStatus[] | undefined;
  limit: number;
  /** A replay id: only replays created before it (the previous page's last id). */
  before?: string | undefined;
  /** Whether the caller may see a replay of this topic (the key's scope). */
  visible: (topic: string) => boolean;
}

/**
 * Replays newest first: active ones (the maintenance run's work list) and finished ones,
 * merged by id, which is time-ordered. Pages by `before`; replays the caller may not see
 * are dropped after the read, so a page may hold fewer than `limit`.
 */
export async function listReplays(ctx: ReplaysContext, query: ListReplaysQuery): Promise<{ replays: Replay[]; nextBefore: string | null }> {
  const wanted = (status: ReplayStatus) => !query.status || query.status.includes(status);
  const lists = [false, true].filter((finished) => (finished ? ['done', 'failed', 'cancelled'] : ACTIVE_STATUSES).some((s) => wanted(s as ReplayStatus)));
  const pages = await Promise.all(lists.map((finished) => ctx.store.list({ finished, limit: query.limit, before: query.before })));
  const merged = pages.flat().sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const newestFirst = merged.slice(0, query.limit);
  // A full page from either list, or more than a page merged, may have more behind it.
  const full = merged.length > query.limit || pages.some((page) => page.length === query.limit);
  const last = newestFirst.at(-1);
  return {
    replays: newestFirst.filter((r) => wanted(r.status) && query.visible(r.topic)),
    nextBefore: full && last ? last.id : null,
  };
}

/** Cancels a pending or running replay; what it already copied stays. */
export async function cancelReplay(ctx: ReplaysContext, id: string): Promise<Replay> {
  for (;;) {
    const replay = await getReplay(ctx, id);
    if (replay.status !== 'pending' && replay.status !== 'running') {
      throw new FreshetError('REPLAY_FINISHED', 409, `replay '${id}' is already ${replay.status}`, { status: replay.status });
    }
    const cancelled: Replay = { ...replay, status: 'cancelled', updatedAt: ctx.log.clock.now(), version: replay.version + 1 };
    if (await ctx.store.save(cancelled, replay.version)) return cancelled;
  }
}
