import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchOnce } from '../../shared/subscriptions/dispatcher.js';
import { ManualClock } from '../support/manual-clock.js';
import { createHarness, type Harness, partitionsOf, subscribe } from './harness.js';
import { parseDelivery, Receiver, verifies } from './receiver.js';

// Driven by hand: the clock moves only when told, and each dispatcher pass is explicit.
const clock = new ManualClock(Date.now());
let h: Harness;
const receivers: Receiver[] = [];
const receiver = async () => {
  const r = await new Receiver().start();
  receivers.push(r);
  return r;
};

beforeAll(async () => {
  h = await createHarness({ clock });
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.stop()));
});

describe('webhook delivery', () => {
  it('signs every request so the standardwebhooks library verifies it, and a tampered body fails', async () => {
    await h.topic('d-signed', 1);
    const rx = await receiver();
    const sub = await subscribe(h, { topic: 'd-signed', url: rx.url });
    rx.secret = sub.secret;
    await h.produce('d-signed', [{ key: 'a', value: { n: 1 }, headers: { h: 'x' } }, { value: 'two' }]);
    await dispatchOnce(h.ctx);

    expect(rx.requests).toHaveLength(1);
    const [req] = rx.requests;
    expect(req!.verified).toBe(true);
    expect(req!.contentType).toBe('application/json');
    expect(req!.webhookId).toMatch(/^msg_/);
    expect(Math.abs(req!.timestamp - Math.floor(clock.now() / 1000))).toBeLessThanOrEqual(1);
    // Records are shaped exactly as a fetch returns them.
    const fetched = (await h.call<{ records: unknown[] }>('GET', '/v1/topics/d-signed/partitions/0/records?offset=0')).body.records;
    expect(parseDelivery(req!)).toEqual({ subscription: sub.id, topic: 'd-signed', partition: 0, records: fetched });

    const tampered = req!.body.replace('"two"', '"TWO"');
    expect(tampered).not.toBe(req!.body);
    expect(verifies(sub.secret, tampered, req!.headers)).toBe(false);
    expect(verifies(sub.secret, req!.body, { ...req!.headers, 'webhook-id': 'msg_other' })).toBe(false);
  });

  it('retries a receiver answering 500 three times, delivering on attempt 4 with the same webhook-id and growing intervals', async () => {
    await h.topic('d-retry', 1);
    const rx = await receiver();
    let calls = 0;
    rx.reply = () => (++calls <= 3 ? { status: 500, body: 'boom' } : { status: 200 });
    const sub = await subscribe(h, { topic: 'd-retry', url: rx.url, backoff: { initialMs: 1000, maxMs: 60_000 } });
    rx.secret = sub.secret;
    await h.produce('d-retry', [{ value: 1 }, { value: 2 }, { value: 3 }]);

    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await dispatchOnce(h.ctx);
      expect(rx.requests).toHaveLength(attempt);
      const [p] = await partitionsOf(h, sub.id);
      expect(p).toMatchObject({ attempts: attempt, lastStatus: 500, lastError: 'HTTP 500: boom', cursor: 0 });
      waits.push(p!.nextAttemptAt! - clock.now());
      // Not due yet: a pass sends nothing.
      clock.advance(p!.nextAttemptAt! - clock.now() - 1);
      await dispatchOnce(h.ctx);
      expect(rx.requests).toHaveLength(attempt);
      clock.advance(1);
    }
    await dispatchOnce(h.ctx);
    expect(rx.requests).toHaveLength(4);
    expect(new Set(rx.requests.map((r) => r.webhookId)).size).toBe(1);
    expect(rx.requests.every((r) => r.verified)).toBe(true);
    expect(rx.requests.map((r) => parseDelivery(r).records.map((x) => x.offset))).toEqual(Array(4).fill([0, 1, 2]));
    // Exponential with jitter in the upper half of each bound: 1 s, 2 s, 4 s bounds.
    expect(waits[0]).toBeGreaterThanOrEqual(500);
    expect(waits[1]).toBeGreaterThan(waits[0]!);
    expect(waits[2]).toBeGreaterThan(waits[1]!);
    const [done] = await partitionsOf(h, sub.id);
    expect(done).toMatchObject({ cursor: 3, lag: 0, attempts: 0, nextAttemptAt: null, lastStatus: 200, lastError: null, deliveredCount: 3 });

    // The next batch is a new message.
    await h.produce('d-retry', [{ value: 4 }]);
    await dispatchOnce(h.ctx);
    expect(rx.requests[4]!.webhookId).not.toBe(rx.requests[0]!.webhookId);
  });

  it('honours Retry-After when it asks for longer than the backoff', async () => {
    await h.topic('d-retry-after', 1);
    const rx = await receiver();
    rx.reply = () => ({ status: 429, headers: { 'retry-after': '120' } });
    const sub = await subscribe(h, { topic: 'd-retry-after', url: rx.url, backoff: { initialMs: 100, maxMs: 1000 } });
    await h.produce('d-retry-after', [{ value: 1 }]);
    await dispatchOnce(h.ctx);
    const [p] = await partitionsOf(h, sub.id);
    expect(p!.lastStatus).toBe(429);
    expect(p!.nextAttemptAt! - clock.now()).toBe(120_000);
  });

  it('sends a CloudEvents 1.0 batch with format=cloudevents', async () => {
    await h.topic('d-ce', 1);
    const rx = await receiver();
    const sub = await subscribe(h, { topic: 'd-ce', url: rx.url, format: 'cloudevents' });
    rx.secret = sub.secret;
    await h.produce('d-ce', [{ key: 'k1', value: { a: 1 } }, { value: 'b' }]);
    await dispatchOnce(h.ctx);
    const [req] = rx.requests;
    expect(req!.verified).toBe(true);
    expect(req!.contentType).toBe('application/cloudevents-batch+json');
    const events = JSON.parse(req!.body) as Record<string, unknown>[];
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ specversion: '1.0', id: 'd-ce/0/0', type: 'dev.freshet.record', datacontenttype: 'application/json', partitionkey: 'k1', data: { a: 1 } });
    expect(events[1]).toMatchObject({ id: 'd-ce/0/1', data: 'b', sequence: '00000000000000000001' });
    expect(typeof events[0]!.source).toBe('string');
    expect(Number.isNaN(Date.parse(events[0]!.time as string))).toBe(false);
  });

  it('skips records the filter rejects, without delivering them', async () => {
    await h.topic('d-filter', 1);
    const rx = await receiver();
    const sub = await subscribe(h, { topic: 'd-filter', url: rx.url, filter: { keyPrefix: 'eu-', headers: { kind: 'order' } } });
    await h.produce('d-filter', [
      { key: 'eu-1', value: 1, headers: { kind: 'order' } },
      { key: 'us-1', value: 2, headers: { kind: 'order' } },
      { key: 'eu-2', value: 3, headers: { kind: 'refund' } },
      { key: 'eu-3', value: 4, headers: { kind: 'order' } },
    ]);
    await h.produce('d-filter', [{ key: 'us-2', value: 5 }]);
    await dispatchOnce(h.ctx);
    expect(rx.requests.flatMap((r) => parseDelivery(r).records.map((x) => x.value))).toEqual([1, 4]);
    const [p] = await partitionsOf(h, sub.id);
    expect(p).toMatchObject({ cursor: 5, lag: 0, deliveredCount: 2 });
  });
});
