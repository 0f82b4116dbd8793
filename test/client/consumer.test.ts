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
      const consumer = client.consumer({ groupId: 'billing', sessionTimeoutMs: 6_000, maxWaitTimeInMs: 500, maxRecords: 500 });
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
});

