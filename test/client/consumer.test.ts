import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Consumer, Freshet } from '../../client/src/index.js';
import { type ServedStack, serveTestStack } from './http-server.js';

let served: ServedStack;
let freshet: Freshet;

beforeAll(async () => {
  served = await serveTestStack();
  freshet = new Freshet({ url: served.url, apiKey: served.key });
});
afterAll(() => served?.close());

const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('consumer', () => {
  it('processes every record while a member dies without leaving and another joins; duplicates only across generations; lag ends at 0', async () => {
    const topic = 'orders';
    const records = 20_000;
    await freshet.admin().createTopic({ name: topic, partitions: 6 });

    // (partition/offset) → the generations in which a member processed it.
    const processed = new Map<string, number[]>();
    let killed = false;
    const consumerOf = (name: string) => {
      const client =
        name === 'a'
          ? new Freshet({ url: served.url, apiKey: served.key, fetch: (input, init) => (killed ? Promise.reject(new TypeError('killed')) : fetch(input, init)) })
          : freshet;
      // The default fetch schedule (waitMs=0 and the idle backoff, capped at 2 s by the 6 s session).
      const consumer = client.consumer({ groupId: 'billing', sessionTimeoutMs: 6_000, maxRecords: 500 });
      return consumer;
    };
    const start = async (c: Consumer, name: string) => {
      await c.subscribe({ topics: [topic], fromBeginning: true });
      await c.run({
        eachMessage: async ({ partition, message, generation }) => {
          // A dead process processes nothing more, even what it had already fetched.
          if (name === 'a' && killed) throw new Error('process died');
          const k = `${partition}/${message.offset}`;
          processed.set(k, [...(processed.get(k) ?? []), generation]);
        },
      });
    };

    const producer = freshet.producer();
    const producing = (async () => {
      for (let i = 0; i < records; i += 500) {
        await producer.send({ topic, messages: Array.from({ length: 500 }, (_, j) => ({ key: `customer-${(i + j) % 97}`, value: { i: i + j } })) });
      }
      await producer.disconnect();
    })();

    const [a, b, c] = [consumerOf('a'), consumerOf('b'), consumerOf('c')];
    await Promise.all([start(a, 'a'), start(b, 'b'), start(c, 'c')]);
    await until('a quarter of the records', () => processed.size >= records / 4);
    killed = true; // a stops without leaving: its partitions wait for its session to expire
    const d = consumerOf('d');
    await start(d, 'd');
    await producing;

    await until('every record processed', () => processed.size >= records, 60_000);
    await until('lag 0', async () => (await freshet.admin().describeGroup('billing')).offsets.every((o) => o.lag === 0), 30_000);
    await Promise.all([b.disconnect(), c.disconnect(), d.disconnect(), a.disconnect()]);

    const partitions = await freshet.admin().partitions(topic);
    expect(partitions.reduce((n, p) => n + p.highWatermark, 0)).toBe(records);
    for (const p of partitions) for (let o = 0; o < p.highWatermark; o++) expect(processed.has(`${p.partition}/${o}`), `${p.partition}/${o}`).toBe(true);
    const sameGeneration = [...processed].filter(([, gens]) => new Set(gens).size !== gens.length);
    expect(sameGeneration.slice(0, 5)).toEqual([]);
    const duplicates = [...processed.values()].reduce((n, gens) => n + gens.length - 1, 0);
    const description = await freshet.admin().describeGroup('billing');
    console.log(`consumer group: ${records} records, ${duplicates} redelivered across generations, final generation ${description.generation}`);
    expect(description.offsets.map((o) => o.lag)).toEqual([0, 0, 0, 0, 0, 0]);
  }, 180_000);

  it('holds a paused partition back until resume, and redelivers from a seek', async () => {
    const topic = 'paused';
    await freshet.admin().createTopic({ name: topic, partitions: 2 });
    const producer = freshet.producer();
    await producer.send({ topic, messages: Array.from({ length: 200 }, (_, i) => ({ partition: i % 2, value: i })) });
    await producer.disconnect();

    const seen: string[] = [];
    const consumer = freshet.consumer({ groupId: 'pauser', sessionTimeoutMs: 6_000, maxWaitTimeInMs: 300 });
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    consumer.pause([{ topic, partitions: [0] }]);
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push(`${partition}/${message.offset}`);
      },
    });
    await until('partition 1 consumed', () => seen.filter((s) => s.startsWith('1/')).length === 100);
    await new Promise((r) => setTimeout(r, 500));
    expect(seen.filter((s) => s.startsWith('0/'))).toEqual([]);
    expect(consumer.paused()).toEqual([{ topic, partition: 0 }]);

    consumer.resume([{ topic, partitions: [0] }]);
    await until('partition 0 consumed', () => seen.filter((s) => s.startsWith('0/')).length === 100);
    expect(seen.filter((s) => s.startsWith('0/'))).toEqual(Array.from({ length: 100 }, (_, i) => `0/${i}`));

    seen.length = 0;
    await consumer.seek({ topic, partition: 0, offset: 90 });
    await until('redelivery from the seek', () => seen.length >= 10);
    expect(seen.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `0/${90 + i}`));
    await consumer.disconnect();
    const group = await freshet.admin().describeGroup('pauser');
    expect(group.offsets.map((o) => [o.partition, o.committedOffset])).toEqual([
      [0, 100],
      [1, 100],
    ]);
  });
  it('polls with waitMs=0 and backs off 250 → 500 → 750 ms on empty answers by default, back to 0 when records come', async () => {
    const topic = 'quiet';
    await freshet.admin().createTopic({ name: topic, partitions: 1 });
    // Every group fetch the consumer makes, with the wait it asked the server for.
    const waits: number[] = [];
    const recording = new Freshet({
      url: served.url,
      apiKey: served.key,
      fetch: (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        if (url.pathname === '/v1/groups/quiet-group/records') waits.push(Number(url.searchParams.get('waitMs')));
        return fetch(input, init);
      },
    });
    const consumer = recording.consumer({ groupId: 'quiet-group' });
    // The consumer's decisions in order: each fetch's record count and each pause it chose.
    const log: string[] = [];
    consumer.on((e) => {
      if (e.type === 'fetch') log.push(`fetch ${e.records}`);
      if (e.type === 'idle') log.push(`pause ${e.pauseMs}`);
    });
    const seen: number[] = [];
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.offset) });
    await until('four empty fetches', () => log.filter((l) => l === 'fetch 0').length >= 4);
    const producer = freshet.producer();
    await producer.send({ topic, messages: [{ value: 'wake up' }] });
    await until('the record', () => seen.length === 1);
    await until('two empty fetches after it', () => log.slice(log.indexOf('fetch 1')).filter((l) => l === 'fetch 0').length >= 2);
    await consumer.disconnect();
    await producer.disconnect();

    const woke = log.indexOf('fetch 1');
    // Before the record: each empty answer pauses, doubling up to 750 ms (the consumer counts
    // as flowing for its first minute); every pause of the run is at most 750 ms.
    expect(log.slice(0, 8)).toEqual(['fetch 0', 'pause 250', 'fetch 0', 'pause 500', 'fetch 0', 'pause 750', 'fetch 0', 'pause 750']);
    expect(log.slice(8, woke).every((l, i) => l === (i % 2 === 0 ? 'fetch 0' : 'pause 750'))).toBe(true);
    // The record resets the backoff: no pause after it, then 250 ms again.
    expect(log.slice(woke, woke + 5)).toEqual(['fetch 1', 'fetch 0', 'pause 250', 'fetch 0', 'pause 500']);
    // Every fetch asked for no server-side wait (a long-poll is billed for its whole wait).
    expect(waits.length).toBe(log.filter((l) => l.startsWith('fetch')).length);
    expect(new Set(waits)).toEqual(new Set([0]));
  });

  it('long-polls without client pauses when maxWaitTimeInMs is set', async () => {
    const waits: number[] = [];
    const recording = new Freshet({
      url: served.url,
      apiKey: served.key,
      fetch: (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        if (url.pathname === '/v1/groups/long-poller/records') waits.push(Number(url.searchParams.get('waitMs')));
        return fetch(input, init);
      },
    });
    await freshet.admin().createTopic({ name: 'quiet-too', partitions: 1 });
    const consumer = recording.consumer({ groupId: 'long-poller', maxWaitTimeInMs: 500 });
    const log: string[] = [];
    consumer.on((e) => {
      if (e.type === 'fetch' || e.type === 'idle') log.push(e.type);
    });
    await consumer.subscribe({ topics: ['quiet-too'] });
    await consumer.run({ eachMessage: async () => {} });
    await until('three fetches', () => log.length >= 3);
    await consumer.disconnect();
    expect(log.every((l) => l === 'fetch')).toBe(true);
    expect(new Set(waits)).toEqual(new Set([500]));
  });
});

