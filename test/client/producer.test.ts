import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Freshet } from '../../client/src/index.js';
import { type ServedStack, serveTestStack } from './http-server.js';
import { runLoad, verifyReadBack } from './produce-load.js';

const MiB = 1024 * 1024;
/** Each run takes 15–120 s on a 2-core machine; the bound leaves room for one shared with other test runs. */
const HEAVY_TIMEOUT_MS = 300_000;
const PARTITIONS = 12;
const RECORDS = 100_000;
const CALLERS = 8;
const OUTAGE_MS = 3_000;
let served: ServedStack;
let freshet: Freshet;

beforeAll(async () => {
  served = await serveTestStack();
  freshet = new Freshet({ url: served.url, apiKey: served.key });
});
afterAll(() => served?.close());

/** One 100k run; with `outage`, the API is stopped for 3 s halfway through and restarted on the same port. */
async function loadRun(topic: string, withOutage: boolean) {
  await freshet.admin().createTopic({ name: topic, partitions: PARTITIONS });
  const producer = freshet.producer();
  const outage = { down: 0, restarting: 0, up: 0 };
  let restarted: Promise<void> | undefined;
  const started = performance.now();
  const run = await runLoad(producer, topic, {
    records: RECORDS,
    callers: CALLERS,
    keysPerCaller: 24,
    during: async (s) => {
      // Halfway through caller 0's sends (the callers advance together under backpressure).
      if (!withOutage || s !== RECORDS / CALLERS / 2) return;
      await served.stop();
      outage.down = Date.now();
      restarted = new Promise<void>((resolve, reject) =>
        setTimeout(() => {
          outage.restarting = Date.now();
          served.start().then(() => {
            outage.up = Date.now();
            resolve();
          }, reject);
        }, OUTAGE_MS),
      );
    },
  });
  await producer.disconnect();
  await restarted;
  const produceMs = performance.now() - started;
  const stats = producer.stats();
  const requests = served.produceRequests(topic);
  const bound = 1.2 * Math.ceil(stats.bytes / MiB) + 8 * PARTITIONS;
  // Sends called while the API was down.
  const duringOutage = [...run.times.values()].filter((t) => t.calledAt >= outage.down && t.calledAt < outage.restarting);
  console.log(
    `producer ${topic}: ${RECORDS} records, ${(stats.bytes / MiB).toFixed(1)} MiB; ${stats.requests} requests cut by the client, ` +
      `${requests} reached the server (bound ${bound.toFixed(0)}); mean request ${(stats.bytes / stats.requests / 1024).toFixed(0)} KiB; ` +
      `largest request + answer ${served.largestProduceExchange(topic)} bytes; ${(produceMs / 1000).toFixed(1)} s, ${Math.round(RECORDS / (produceMs / 1000))} records/s` +
      (withOutage ? `; outage ${outage.restarting - outage.down} ms (listening again after ${outage.up - outage.down} ms), ${duringOutage.length} sends called during it` : ''),
  );
  return { run, stats, requests, bound, outage, duringOutage };
}

describe('producer', () => {
  it('sends 100,000 1 KiB keyed records from 8 callers through one producer: each once, in key order, in few requests', async () => {
    const { run, stats, requests, bound } = await loadRun('load', false);
    expect(requests).toBe(stats.requests);
    expect(requests).toBeLessThanOrEqual(bound);
    // A request and its answer together stay within batchMaxBytes (1 MiB): two 512 KiB units of the HTTP API.
    expect(served.largestProduceExchange('load')).toBeGreaterThan(0.9 * MiB);
    expect(served.largestProduceExchange('load')).toBeLessThanOrEqual(MiB);
    expect(await verifyReadBack(freshet, 'load', PARTITIONS, run, RECORDS)).toEqual([]);
  }, HEAVY_TIMEOUT_MS);

  it('the same run with the API down for 3 s in the middle: nothing lost or duplicated, sends made during it resolve after it', async () => {
    const { run, stats, requests, bound, outage, duringOutage } = await loadRun('outage', true);
    expect(outage.restarting - outage.down).toBeGreaterThanOrEqual(OUTAGE_MS - 50);
    expect(duringOutage.length).toBeGreaterThan(0);
    expect(duringOutage.filter((t) => t.ackedAt < outage.restarting)).toEqual([]);
    // Requests cut by the outage are retried with their Idempotency-Key and reach the server
    // again, so it may count a few more than the client cut; the bound still holds.
    expect(requests).toBeGreaterThanOrEqual(stats.requests);
    expect(requests).toBeLessThanOrEqual(bound);
    expect(await verifyReadBack(freshet, 'outage', PARTITIONS, run, RECORDS)).toEqual([]);
  }, HEAVY_TIMEOUT_MS);
});
