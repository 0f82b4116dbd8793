import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Freshet, type RecordMetadata } from '../../client/src/index.js';
import { type ServedStack, serveTestStack } from './http-server.js';
import { runLoad, verifyReadBack } from './produce-load.js';

const MiB = 1024 * 1024;
/** Each run takes 20–50 s on a 2-core machine; the bound leaves room for one shared with other test runs. */
const HEAVY_TIMEOUT_MS = 240_000;
const PARTITIONS = 12;
let served: ServedStack;
let freshet: Freshet;

beforeAll(async () => {
  served = await serveTestStack();
  freshet = new Freshet({ url: served.url, apiKey: served.key });
});
afterAll(() => served?.close());

describe('producer', () => {
  it('sends 100,000 1 KiB keyed records from 8 callers through one producer: each once, in key order, in few requests', async () => {
    await freshet.admin().createTopic({ name: 'load', partitions: PARTITIONS });
    const producer = freshet.producer();
    const records = 100_000;
    const started = performance.now();
    const run = await runLoad(freshet, producer, 'load', { records, callers: 8, keysPerCaller: 24 });
    await producer.disconnect();
    const produceMs = performance.now() - started;
    const stats = producer.stats();
    const requests = served.produceRequests('load');
    const bound = 1.2 * Math.ceil(stats.bytes / MiB) + 8 * PARTITIONS;
    console.log(
      `producer load: ${records} records, ${(stats.bytes / MiB).toFixed(1)} MiB in ${requests} requests (bound ${bound.toFixed(0)}), ` +
        `mean request ${(stats.bytes / stats.requests / 1024).toFixed(0)} KiB, ${(produceMs / 1000).toFixed(1)} s, ${Math.round(records / (produceMs / 1000))} records/s`,
    );
    expect(stats.requests).toBe(requests);
    expect(requests).toBeLessThanOrEqual(bound);
    expect(await verifyReadBack(freshet, 'load', PARTITIONS, run, records)).toEqual([]);
  }, HEAVY_TIMEOUT_MS);

  it('survives a 3 s outage of the API: nothing lost or duplicated, sends made during it resolve after it', async () => {
    await freshet.admin().createTopic({ name: 'outage', partitions: PARTITIONS });
    const producer = freshet.producer();
    const records = 30_000;
    let outage: { down: number; up: number } | undefined;
    const sentDuringOutage: Promise<{ at: number; meta: RecordMetadata }>[] = [];
    const run = await runLoad(freshet, producer, 'outage', {
      records,
      callers: 8,
      keysPerCaller: 24,
      during: async (s) => {
        if (s !== 1_000) return;
        await served.stop();
        outage = { down: Date.now(), up: 0 };
        // A send made while the server is down resolves once it is back.
        const during = producer.send({ topic: 'outage', messages: [{ key: 'during', value: { c: -1, s: 0, pad: '' } }] });
        sentDuringOutage.push(during.then(([meta]) => ({ at: Date.now(), meta: meta! })));
        setTimeout(() => {
          void served.start().then(() => {
            outage!.up = Date.now();
          });
        }, 3_000);
      },
    });
    await producer.disconnect();
    const [during] = await Promise.all(sentDuringOutage);
    expect(outage!.up).toBeGreaterThan(outage!.down + 2_900);
    expect(during!.at).toBeGreaterThanOrEqual(outage!.up);
    run.acks.set('-1:0', during!.meta);
    console.log(`producer outage: ${records + 1} records in ${served.produceRequests('outage')} requests, ${producer.stats().requests} cut by the client`);
    expect(await verifyReadBack(freshet, 'outage', PARTITIONS, run, records + 1)).toEqual([]);
  }, HEAVY_TIMEOUT_MS);
});
