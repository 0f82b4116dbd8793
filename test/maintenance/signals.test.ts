import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineLogger } from '../../functions/commons/line-logger.js';
import { runMaintenance } from '../../shared/maintenance/run-maintenance.js';
import { collectSignals, PassHeads } from '../../shared/maintenance/signals.js';
import type { MetricName, MetricsSink } from '../../shared/metrics.js';
import { dispatchOnce } from '../../shared/subscriptions/dispatcher.js';
import { countCalls } from '../support/call-counter.js';
import { testApi } from '../support/http.js';
import { createTestStack, emulatorClients, type TestStack } from '../support/test-stack.js';
import { Receiver } from '../subscriptions/receiver.js';

/** What the domain emitted, as `name dim=value…` → the values, in order. */
class RecordingSink implements MetricsSink {
  readonly seen = new Map<string, number[]>();
  add(name: MetricName, _unit: 'Count' | 'Bytes', value: number, dimensions: Record<string, string> = {}): void {
    const key = [name, ...Object.entries(dimensions).map(([k, v]) => `${k}=${v}`)].join(' ');
    this.seen.set(key, [...(this.seen.get(key) ?? []), value]);
  }
  take(): Record<string, number[]> {
    const out = Object.fromEntries(this.seen);
    this.seen.clear();
    return out;
  }
}

const sink = new RecordingSink();
const lines: string[] = [];
const receiver = new Receiver();
const clients = emulatorClients();
const calls = countCalls(clients);
let stack: TestStack;
const { call } = testApi(() => stack);
const subs: Record<'failing' | 'paused' | 'dead', string> = { failing: '', paused: '', dead: '' };
let member = '';

beforeAll(async () => {
  await receiver.start();
  receiver.reply = () => ({ status: 500, body: 'receiver is down' });
  stack = await createTestStack({ clients, metrics: sink, logger: lineLogger((l) => lines.push(l)), subscriptions: { policy: { allowLoopback: true } } });
  expect((await call('POST', '/v1/topics', { name: 'signals', partitions: 2 })).status).toBe(201);
  const records = [...Array.from({ length: 10 }, (_, i) => ({ value: i, partition: 0 })), ...Array.from({ length: 4 }, (_, i) => ({ value: i, partition: 1 }))];
  expect((await call('POST', '/v1/topics/signals/records', { records })).status).toBe(200);

  const join = await call<{ memberId: string; generation: number }>('POST', '/v1/groups/lagging/members', { topics: ['signals'] });
  member = join.body.memberId;
  // Partition 0 committed at 3 (lag 7); partition 1 never committed, so it has no lag to count.
  const commit = await call('POST', '/v1/groups/lagging/offsets', { memberId: member, generation: join.body.generation, offsets: [{ topic: 'signals', partition: 0, offset: 3 }] });
  expect(commit.status).toBe(200);

  for (const [name, maxAttempts] of [['failing', 5], ['paused', 5], ['dead', 1]] as const) {
    const created = await call<{ id: string }>('POST', '/v1/subscriptions', { name, topic: 'signals', url: receiver.url, startAt: 'earliest', maxAttempts });
    expect(created.status).toBe(201);
    subs[name] = created.body.id;
  }
  expect((await call('PATCH', `/v1/subscriptions/${subs.paused}`, { state: 'paused' })).status).toBe(200);
  await dispatchOnce(stack.subscriptions);
});

afterAll(() => receiver.stop());

describe('maintenance signals', () => {
  it('emits each group\'s lag per topic, each subscription\'s backlog and state, and that the pass completed', async () => {
    sink.take();
    const report = await runMaintenance(stack.maintenance);
    expect(report.complete).toBe(true);
    expect(report.signals.groups).toEqual([{ group: 'lagging', topic: 'signals', lag: 7 }]);
    const byId = Object.fromEntries(report.signals.subscriptions.map((s) => [s.id, s]));
    expect(byId[subs.failing]).toMatchObject({ state: 'failing', backlog: 14 });
    expect(byId[subs.paused]).toMatchObject({ state: 'paused', backlog: 14 });
    // Its one attempt failed, so both batches went to signals.dlq: nothing left behind.
    expect(byId[subs.dead]).toMatchObject({ state: 'active', backlog: 0 });

    const emitted = sink.take();
    expect(emitted).toMatchObject({
      'GroupLag group=lagging topic=signals': [7],
      MaxGroupLag: [7],
      [`SubscriptionBacklog subscription=${subs.failing}`]: [14],
      [`SubscriptionBacklog subscription=${subs.paused}`]: [14],
      [`SubscriptionBacklog subscription=${subs.dead}`]: [0],
      SubscriptionsPaused: [1],
      SubscriptionsFailing: [1],
      MaintenancePassCompleted: [1],
    });
  });

  it('keeps reporting a group\'s lag after its last member left', async () => {
    expect((await call('DELETE', `/v1/groups/lagging/members/${member}`)).status).toBe(204);
    sink.take();
    const report = await runMaintenance(stack.maintenance);
    expect(report.signals.groups).toEqual([{ group: 'lagging', topic: 'signals', lag: 7 }]);
    expect(sink.take()['GroupLag group=lagging topic=signals']).toEqual([7]);
  });

  it('still emits the signals when the pass runs out of budget, and says it did not complete', async () => {
    sink.take();
    const behind = { ...stack.maintenance, settings: { ...stack.maintenance.settings, runBudgetMs: -1 } };
    const report = await runMaintenance(behind);
    expect(report.complete).toBe(false);
    const emitted = sink.take();
    expect(emitted.MaintenancePassCompleted).toEqual([0]);
    expect(emitted.MaxGroupLag).toEqual([7]);
    expect(lines.some((l) => l.includes('WARN maintenance pass ran out of its budget'))).toBe(true);
  });

  it('costs a listing Query each for groups and subscriptions, then two Queries per group and one per subscription', async () => {
    const heads = new PassHeads(stack.maintenance);
    // The pass has read every topic's heads before it gets here.
    for (const topic of await stack.log.topics.list()) heads.remember(topic, await stack.log.store.readHeads(topic.topicId, [0, 1]));
    calls.reset();
    const signals = await collectSignals(stack.maintenance, heads);
    const groups = signals.groupsChecked;
    const subscriptions = signals.subscriptions.length;
    expect([groups, subscriptions]).toEqual([1, 3]);
    // Loading a group also looks up its members' topics (one GetItem each); this group has no members left.
    expect(calls.snapshot()).toEqual({ QueryCommand: 2 + 2 * groups + subscriptions });
  });
});

describe('activity lines (local mode prints them)', () => {
  it('prints one line per failed delivery and per dead letter, naming the subscription, partition and offsets', () => {
    const failed = lines.filter((l) => l.includes('delivery failed') && l.includes(subs.failing));
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatch(/^\d\d:\d\d:\d\d WARN delivery failed, will retry {2}subscription=\S+ {2}topic=signals {2}partition=[01] {2}offsets=\d+\.\.\d+ {2}status=500/);
    const dead = lines.filter((l) => l.includes('records dead-lettered') && l.includes(subs.dead));
    expect(dead).toHaveLength(2);
    expect(dead.find((l) => l.includes('partition=0'))).toMatch(/offsets=0\.\.9 .*attempts=1 {2}records=10 {2}deadLetterTopic=signals\.dlq/);
    for (const line of lines) expect(line).not.toContain('\n');
  });

  it('prints a line per replay step', async () => {
    expect((await call('POST', '/v1/topics', { name: 'signals-copy', partitions: 2 })).status).toBe(201);
    const replay = await call<{ id: string }>('POST', '/v1/replays', { topic: 'signals', from: { timestamp: 0 }, target: { topic: 'signals-copy' } });
    expect(replay.status).toBe(202);
    await runMaintenance(stack.maintenance);
    const steps = lines.filter((l) => l.includes(replay.body.id));
    expect(steps.filter((l) => l.includes('INFO replay progress'))).toHaveLength(2);
    expect(steps.at(-1)).toMatch(/INFO replay done .*copied=14 {2}total=14/);
  });
});
