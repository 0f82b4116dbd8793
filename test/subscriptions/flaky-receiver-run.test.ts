import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSubscriptions } from '../../shared/runtime/subscriptions.js';
import { type DispatcherLoop, startDispatcherLoop } from '../../shared/subscriptions/dispatcher-loop.js';
import { createHarness, type Harness, partitionsOf, subscribe } from './harness.js';
import { parseDelivery, Receiver } from './receiver.js';

const PARTITIONS = 4;
const PER_PARTITION = 500;

let h: Harness;
let rx: Receiver;
const loops: DispatcherLoop[] = [];

beforeAll(async () => {
  [h, rx] = await Promise.all([createHarness(), new Receiver().start()]);
});
afterAll(async () => {
  await Promise.all(loops.map((l) => l.stop()));
  await rx.stop();
});

describe('delivery to a receiver failing half the requests at random', () => {
  it('delivers 2,000 records over 4 partitions, all of them, in offset order per partition, with every duplicate a retry', async () => {
    await h.topic('f-load', PARTITIONS);
    /** What the receiver processed, per partition, in arrival order: offsets and the webhook-id they came under. */
    const processed = Array.from({ length: PARTITIONS }, () => [] as { offset: number; webhookId: string }[]);
    const inFlight = new Array<number>(PARTITIONS).fill(0);
    let overlaps = 0;
    rx.reply = async (req) => {
      const body = parseDelivery(req);
      if (!req.verified) return { status: 401 };
      inFlight[body.partition]!++;
      if (inFlight[body.partition]! > 1) overlaps++;
      await sleep(1);
      inFlight[body.partition]!--;
      const roll = Math.random();
      // A quarter fail before processing; a quarter process and then fail (a crash before answering): those cause duplicates.
      if (roll < 0.25) return { status: 503 };
      for (const r of body.records) processed[body.partition]!.push({ offset: r.offset, webhookId: req.webhookId });
      return { status: roll < 0.5 ? 500 : 200 };
    };
    const sub = await subscribe(h, { topic: 'f-load', url: rx.url, batchSize: 25, maxAttempts: 100, backoff: { initialMs: 10, maxMs: 80 } });
    rx.secret = sub.secret;

    // Two dispatchers compete for the same partitions: the lease must keep them from delivering one partition at once.
    const started = performance.now();
    for (let i = 0; i < 2; i++) {
      // Each its own context, as two processes have: its own lease-owner name.
      const loop = startDispatcherLoop(buildSubscriptions(h.stack.log, { clients: h.stack.clients, table: h.stack.table, bucket: h.stack.bucket, subscriptions: { policy: h.policy } }), { intervalMs: 50 });
      loops.push(loop);
      h.stack.log.notifier.onAnyAppend(() => loop.wake());
    }
    for (let i = 0; i < PER_PARTITION; i += 100) {
      const records = Array.from({ length: PARTITIONS * 100 }, (_, j) => ({ value: { i: i + (j % 100) }, partition: Math.floor(j / 100) }));
      await h.produce('f-load', records);
    }
    const unique = () => processed.reduce((n, list) => n + new Set(list.map((r) => r.offset)).size, 0);
    while (unique() < PARTITIONS * PER_PARTITION && performance.now() - started < 120_000) await sleep(50);
    const durationMs = Math.round(performance.now() - started);

    for (const [p, list] of processed.entries()) {
      expect(new Set(list.map((r) => r.offset)).size, `partition ${p}`).toBe(PER_PARTITION);
      const firstSeenUnder = new Map<number, string>();
      let high = -1;
      for (const { offset, webhookId } of list) {
        expect(offset, `partition ${p}: no gap`).toBeLessThanOrEqual(high + 1);
        if (firstSeenUnder.has(offset)) expect(webhookId, `partition ${p} offset ${offset}: a duplicate is a retry`).toBe(firstSeenUnder.get(offset));
        else firstSeenUnder.set(offset, webhookId);
        high = Math.max(high, offset);
      }
    }
    expect(overlaps).toBe(0);
    expect(rx.requests.every((r) => r.verified)).toBe(true);
    // The last batch of a partition may have been processed and then answered 500: its
    // cursor moves only when a retry succeeds, so wait for that too.
    let states = await partitionsOf(h, sub.id);
    while (states.some((s) => s.cursor < PER_PARTITION) && performance.now() - started < 150_000) {
      await sleep(50);
      states = await partitionsOf(h, sub.id);
    }
    expect(states.map((s) => s.cursor)).toEqual(new Array(PARTITIONS).fill(PER_PARTITION));
    expect(states.every((s) => s.deadLetteredCount === 0)).toBe(true);

    const duplicates = processed.reduce((n, list) => n + list.length, 0) - PARTITIONS * PER_PARTITION;
    console.log(JSON.stringify({ run: 'flaky receiver', records: PARTITIONS * PER_PARTITION, requests: rx.requests.length, duplicates, durationMs }));
  }, 180_000);
});
