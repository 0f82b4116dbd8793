import { mapWithConcurrency } from '../concurrency.js';
import { SubscriptionNotFoundError } from '../errors.js';
import { loadGroup } from '../groups/group-state.js';
import type { PartitionHead } from '../model/log-index.js';
import type { Topic } from '../model/topic.js';
import type { MaintenanceContext } from './maintenance-context.js';

/** A group's lag on one topic: Σ (high watermark − committed offset) over its committed partitions. */
export interface GroupLagSignal {
  group: string;
  topic: string;
  lag: number;
}

/** active: delivering; paused: by hand or by a 410; failing: active, with a batch waiting for a retry. */
export type SubscriptionHealth = 'active' | 'paused' | 'failing';

export interface SubscriptionSignal {
  id: string;
  topic: string;
  state: SubscriptionHealth;
  /** Records between its cursors and the high watermarks, summed over partitions. */
  backlog: number;
}

export interface Signals {
  /** Every group looked at (rebalanced if a member's lease had expired), with commits or not. */
  groupsChecked: number;
  groups: GroupLagSignal[];
  subscriptions: SubscriptionSignal[];
}

/** High watermarks by topic name, read at most once per pass: the pass's own topic loop fills it first. */
export class PassHeads {
  private readonly byName = new Map<string, Promise<{ topicId: string; heads: Map<number, PartitionHead> } | undefined>>();

  constructor(private readonly ctx: MaintenanceContext) {}

  remember(topic: Topic, heads: Map<number, PartitionHead>): void {
    this.byName.set(topic.name, Promise.resolve({ topicId: topic.topicId, heads }));
  }

  of(name: string): Promise<{ topicId: string; heads: Map<number, PartitionHead> } | undefined> {
    let found = this.byName.get(name);
    if (!found) {
      found = this.read(name);
      this.byName.set(name, found);
    }
    return found;
  }

  private async read(name: string) {
    const topic = await this.ctx.log.topics.get(name);
    if (!topic) return undefined;
    const heads = await this.ctx.log.store.readHeads(topic.topicId, Array.from({ length: topic.partitions }, (_, p) => p));
    return { topicId: topic.topicId, heads };
  }
}

/** Groups and subscriptions are read this many at a time: a pass over thousands of them stays seconds long. */
const CONCURRENCY = 8;

/**
 * Reads every consumer group and subscription once per pass and emits what an operator
 * alarms on, whether or not anyone asks through the API. Cost per pass, besides the
 * topic heads the pass has already read: one Query of the groups listing, then per group
 * the Query that loads it (which also rebalances away expired members) and one Query of
 * its committed offsets; one Query of the subscriptions listing, then per subscription
 * one Query (META and its cursors). Nothing is written, except a rebalance that was due.
 *
 * Metrics (dimensions cost one custom metric per value, see docs/deploy.md): `GroupLag`
 * per group and topic, `MaxGroupLag` (the largest of them, what the alarm watches),
 * `SubscriptionBacklog` per subscription, and `SubscriptionsPaused` / `SubscriptionsFailing`
 * counts; the last three only when subscriptions exist, the first two only for groups with commits.
 */
export async function collectSignals(ctx: MaintenanceContext, heads: PassHeads): Promise<Signals> {
  const [{ checked, groups }, subscriptions] = await Promise.all([groupLags(ctx, heads), subscriptionStates(ctx, heads)]);
  const { metrics } = ctx.log;
  for (const g of groups) metrics.add('GroupLag', 'Count', g.lag, { group: g.group, topic: g.topic });
  if (groups.length > 0) metrics.add('MaxGroupLag', 'Count', Math.max(...groups.map((g) => g.lag)));
  for (const s of subscriptions) metrics.add('SubscriptionBacklog', 'Count', s.backlog, { subscription: s.id });
  if (subscriptions.length > 0) {
    metrics.add('SubscriptionsPaused', 'Count', subscriptions.filter((s) => s.state === 'paused').length);
    metrics.add('SubscriptionsFailing', 'Count', subscriptions.filter((s) => s.state === 'failing').length);
  }
  return { groupsChecked: checked, groups, subscriptions };
}

async function groupLags(ctx: MaintenanceContext, heads: PassHeads): Promise<{ checked: number; groups: GroupLagSignal[] }> {
  const listed = await ctx.groups.listGroups();
  const perGroup = await mapWithConcurrency(listed, CONCURRENCY, async ({ group }) => {
    await loadGroup({ log: ctx.log, store: ctx.groups }, group);
    const byTopic = new Map<string, number>();
    for (const committed of await ctx.groups.listOffsets(group)) {
      const topic = await heads.of(committed.topic);
      const head = topic?.heads.get(committed.partition);
      // A deleted topic, or a partition it no longer has: no lag to speak of.
      if (!head) continue;
      byTopic.set(committed.topic, (byTopic.get(committed.topic) ?? 0) + Math.max(0, head.nextOffset - committed.offset));
    }
    return [...byTopic].sort(([a], [b]) => a.localeCompare(b)).map(([topic, lag]) => ({ group, topic, lag }));
  });
  return { checked: listed.length, groups: perGroup.flat() };
}

async function subscriptionStates(ctx: MaintenanceContext, heads: PassHeads): Promise<SubscriptionSignal[]> {
  const found = await mapWithConcurrency(await ctx.subscriptions.list(), CONCURRENCY, async (listed): Promise<SubscriptionSignal | undefined> => {
    let loaded: Awaited<ReturnType<typeof ctx.subscriptions.load>>;
    try {
      loaded = await ctx.subscriptions.load(listed.id);
    } catch (err) {
      if (err instanceof SubscriptionNotFoundError) return undefined; // deleted since it was listed
      throw err;
    }
    const { subscription: sub, cursors } = loaded;
    const topic = await heads.of(sub.topic);
    let backlog = 0;
    // Of another incarnation of the topic (deleted and re-created): the dispatcher pauses it; no backlog.
    if (topic && topic.topicId === sub.topicId) {
      for (const [p, head] of topic.heads) backlog += Math.max(0, head.nextOffset - (cursors.get(p)?.nextOffset ?? head.logStartOffset));
    }
    const failing = [...cursors.values()].some((c) => c.attempts > 0);
    const state: SubscriptionHealth = sub.state === 'paused' ? 'paused' : failing ? 'failing' : 'active';
    return { id: sub.id, topic: sub.topic, state, backlog };
  });
  return found.filter((s): s is SubscriptionSignal => s !== undefined);
}
