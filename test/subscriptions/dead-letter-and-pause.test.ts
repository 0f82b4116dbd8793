import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_HEADERS } from '../../shared/subscriptions/dead-letter.js';
import { dispatchOnce } from '../../shared/subscriptions/dispatcher.js';
import { ManualClock } from '../support/manual-clock.js';
import { createHarness, type Harness, partitionsOf, subscribe } from './harness.js';
import { parseDelivery, Receiver } from './receiver.js';

const clock = new ManualClock(Date.now());
let h: Harness;
let rx: Receiver;

beforeAll(async () => {
  [h, rx] = await Promise.all([createHarness({ clock }), new Receiver().start()]);
});
afterAll(() => rx.stop());

/** Passes until nothing is due, moving the clock to each retry. */
async function drain(maxPasses = 50): Promise<void> {
  for (let i = 0; i < maxPasses; i++) {
    const pass = await dispatchOnce(h.ctx);
    if (pass.nextDueAt === null) return;
    clock.advance(Math.max(0, pass.nextDueAt - clock.now()));
  }
  throw new Error('the dispatcher did not settle');
}

describe('dead-lettering', () => {
  it('moves a batch that exhausted maxAttempts to {topic}.dlq with the documented headers, and later records keep flowing', async () => {
    await h.topic('q-orders', 2);
    const poison = (body: string) => body.includes('"poison"');
    rx.reply = (req) => (poison(req.body) ? { status: 422, body: 'cannot parse order' } : { status: 200 });
    const sub = await subscribe(h, { topic: 'q-orders', url: rx.url, batchSize: 2, maxAttempts: 3, backoff: { initialMs: 10, maxMs: 50 } });
    await h.produce('q-orders', [
      { key: 'a', value: 'ok-0', partition: 1, headers: { trace: 't0' } },
      { key: 'b', value: 'poison', partition: 1, headers: { trace: 't1' } },
      { value: 'ok-2', partition: 1 },
      { value: 'ok-3', partition: 1 },
      { value: 'p0', partition: 0 },
    ]);
    await drain();

    const attemptsOfPoison = rx.requests.filter((r) => poison(r.body));
    expect(attemptsOfPoison).toHaveLength(3);
    expect(new Set(attemptsOfPoison.map((r) => r.webhookId)).size).toBe(1);
    const delivered = rx.requests.filter((r) => !poison(r.body)).flatMap((r) => parseDelivery(r).records.map((x) => `${x.partition}/${x.value}`));
    expect(delivered.sort()).toEqual(['0/p0', '1/ok-2', '1/ok-3']);

    // Both records of the failed batch (offsets 0 and 1 of partition 1) are in the DLQ, same partition, bytes kept.
    const dlq = await h.call<{ records: { key: string; value: unknown; headers: Record<string, string>; timestamp: number }[] }>(
      'GET',
      '/v1/topics/q-orders.dlq/partitions/1/records?offset=0',
    );
    expect(dlq.status).toBe(200);
    expect(dlq.body.records.map((r) => [r.key, r.value])).toEqual([
      ['a', 'ok-0'],
      ['b', 'poison'],
    ]);
    const headers = dlq.body.records[1]!.headers;
    expect(headers).toMatchObject({
      trace: 't1',
      [DLQ_HEADERS.subscription]: sub.id,
      [DLQ_HEADERS.topic]: 'q-orders',
      [DLQ_HEADERS.partition]: '1',
      [DLQ_HEADERS.offset]: '1',
      [DLQ_HEADERS.status]: '422',
      [DLQ_HEADERS.error]: 'HTTP 422: cannot parse order',
      [DLQ_HEADERS.attempts]: '3',
      [DLQ_HEADERS.webhookId]: attemptsOfPoison[0]!.webhookId,
    });
    const topic = await h.call<{ partitions: number }>('GET', '/v1/topics/q-orders.dlq');
    expect(topic.body.partitions).toBe(2);

    const partitions = await partitionsOf(h, sub.id);
    expect(partitions[1]).toMatchObject({ cursor: 4, lag: 0, deliveredCount: 2, deadLetteredCount: 2 });
    expect(partitions[0]).toMatchObject({ cursor: 1, deliveredCount: 1, deadLetteredCount: 0 });

    // Later records keep flowing.
    await h.produce('q-orders', [{ value: 'ok-4', partition: 1 }]);
    await drain();
    expect(parseDelivery(rx.requests.at(-1)!).records.map((r) => r.value)).toEqual(['ok-4']);
  });
});

describe('unreadable records', () => {
  // Regression (issue 12): a batch fetch could not decode made every fetch of its partition
  // fail and its subscription retry forever without reaching the dead-letter topic.
  it('fetch names the unreadable offsets; the dispatcher retries, dead-letters a marker for them, and goes on', async () => {
    await h.topic('q-corrupt', 1);
    for (const value of ['ok-0', 'bad-1', 'ok-2']) await h.produce('q-corrupt', [{ value }]);
    // Flip one byte inside the second request's object: its CRC-32C no longer matches.
    const listed = await h.stack.clients.s3.send(new ListObjectsV2Command({ Bucket: h.stack.bucket, Prefix: 'batches/q-corrupt/' }));
    for (const { Key } of listed.Contents ?? []) {
      const stored = Buffer.from(await (await h.stack.clients.s3.send(new GetObjectCommand({ Bucket: h.stack.bucket, Key }))).Body!.transformToByteArray());
      if (!stored.includes('bad-1')) continue;
      stored[stored.length - 2]! ^= 0xff;
      await h.stack.clients.s3.send(new PutObjectCommand({ Bucket: h.stack.bucket, Key, Body: stored }));
    }

    const unreadable = await h.call<{ code: string; baseOffset: number; lastOffset: number }>('GET', '/v1/topics/q-corrupt/partitions/0/records?offset=1');
    expect(unreadable.status).toBe(500);
    expect(unreadable.body).toMatchObject({ code: 'CORRUPT_RECORD_BATCH', baseOffset: 1, lastOffset: 1 });
    expect((await h.call<{ records: { value: string }[] }>('GET', '/v1/topics/q-corrupt/partitions/0/records?offset=2')).body.records.map((r) => r.value)).toEqual(['ok-2']);

    rx.reply = () => ({ status: 200 });
    const before = rx.requests.length;
    const sub = await subscribe(h, { topic: 'q-corrupt', url: rx.url, batchSize: 10, maxAttempts: 3, backoff: { initialMs: 10, maxMs: 50 }, startAt: 'earliest' });
    await drain();
    const delivered = rx.requests.slice(before).flatMap((r) => parseDelivery(r).records.map((x) => `${x.offset}/${x.value}`));
    expect(delivered).toEqual(['0/ok-0', '2/ok-2']);
    const dlq = await h.call<{ records: { key: null; value: null; headers: Record<string, string> }[] }>('GET', '/v1/topics/q-corrupt.dlq/partitions/0/records?offset=0');
    expect(dlq.body.records).toHaveLength(1);
    expect(dlq.body.records[0]).toMatchObject({ key: null, value: null });
    expect(dlq.body.records[0]!.headers).toMatchObject({ [DLQ_HEADERS.unreadable]: '1-1', [DLQ_HEADERS.attempts]: '3', [DLQ_HEADERS.subscription]: sub.id });
    const [p] = await partitionsOf(h, sub.id);
    expect(p).toMatchObject({ cursor: 3, lag: 0 });
  });
});

describe('410 Gone', () => {
  it('pauses the subscription with the reason; resuming continues from the cursor without loss', async () => {
    await h.topic('q-gone', 1);
    let gone = false;
    rx.requests.length = 0;
    rx.reply = () => (gone ? { status: 410, body: 'endpoint retired' } : { status: 200 });
    const sub = await subscribe(h, { topic: 'q-gone', url: rx.url, batchSize: 2 });
    await h.produce('q-gone', [{ value: 0 }, { value: 1 }]);
    await drain();
    gone = true;
    await h.produce('q-gone', [{ value: 2 }, { value: 3 }, { value: 4 }]);
    await drain();

    const paused = await h.call<{ state: string; pausedReason: string; partitions: { cursor: number; lastStatus: number }[] }>('GET', `/v1/subscriptions/${sub.id}`);
    expect(paused.body.state).toBe('paused');
    expect(paused.body.pausedReason).toContain('410');
    expect(paused.body.pausedReason).toContain('endpoint retired');
    expect(paused.body.partitions[0]).toMatchObject({ cursor: 2, lastStatus: 410 });
    // Paused: more records and passes deliver nothing.
    const before = rx.requests.length;
    await h.produce('q-gone', [{ value: 5 }]);
    await drain();
    expect(rx.requests.length).toBe(before);

    gone = false;
    const resumed = await h.call<{ state: string; pausedReason: string | null }>('PATCH', `/v1/subscriptions/${sub.id}`, { state: 'active' });
    expect(resumed.body).toMatchObject({ state: 'active', pausedReason: null });
    await drain();
    const accepted = rx.requests.filter((r) => r.answered === 200 && parseDelivery(r).subscription === sub.id);
    expect(accepted.flatMap((r) => parseDelivery(r).records.map((x) => x.value))).toEqual([0, 1, 2, 3, 4, 5]);
    // The batch refused with 410 is re-sent as the same message after the resume.
    const refused = rx.requests.find((r) => r.answered === 410)!;
    expect(accepted.find((r) => r.webhookId === refused.webhookId)).toBeDefined();
    const [p] = (await h.call<{ partitions: { cursor: number; lag: number; deliveredCount: number }[] }>('GET', `/v1/subscriptions/${sub.id}`)).body.partitions;
    expect(p).toMatchObject({ cursor: 6, lag: 0, deliveredCount: 6 });
  });
});
