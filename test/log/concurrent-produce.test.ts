import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../shared/http/app.js';
import { createRuntime } from '../../shared/runtime/create-runtime.js';
import { createTestStack, ROOT_KEY, type TestStack } from '../support/test-stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

const PRODUCERS = 16;
const REQUESTS = 50;
const RECORDS = 10;

describe('concurrent produce to one partition', () => {
  it('assigns dense offsets 0…7999 and loses, duplicates or reorders nothing', async () => {
    expect((await stack.request('POST', '/v1/topics', { name: 'contended', partitions: 1 })).status).toBe(201);
    // Four independent contexts stand for four Lambda instances: no shared locks or head
    // cache, so they really race each other through DynamoDB's conditional writes.
    const instances = Array.from({ length: 4 }, () =>
      createApp(createRuntime({ clients: stack.clients, table: stack.table, bucket: stack.bucket, rootKey: ROOT_KEY })),
    );
    const acknowledged: { producer: number; seq: number; offset: number }[] = [];
    let contended = 0;
    await Promise.all(
      Array.from({ length: PRODUCERS }, async (_, producer) => {
        const app = instances[producer % instances.length]!;
        for (let request = 0; request < REQUESTS; request++) {
          const records = Array.from({ length: RECORDS }, (_, i) => {
            const seq = request * RECORDS + i;
            return { key: `producer-${producer}`, value: { producer, seq }, headers: { seq: String(seq) } };
          });
          // As a client should: a 503 (commit contention) is retried after Retry-After with
          // the same Idempotency-Key, so a retry can never write the records twice.
          let res: Response;
          for (let attempt = 0; ; attempt++) {
            res = await app.request('/v1/topics/contended/records', {
              method: 'POST',
              headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': 'application/json', 'idempotency-key': `p${producer}-r${request}` },
              body: JSON.stringify({ records }),
            });
            if (res.status !== 503 || attempt >= 5) break;
            contended++;
            await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
          }
          expect(res.status).toBe(200);
          const { offsets } = (await res.json()) as { offsets: { partition: number; offset: number }[] };
          for (const [i, o] of offsets.entries()) acknowledged.push({ producer, seq: request * RECORDS + i, offset: o.offset });
        }
      }),
    );

    console.log(`concurrent produce: ${PRODUCERS * REQUESTS} requests, ${contended} answered 503 and were retried`);
    const total = PRODUCERS * REQUESTS * RECORDS;
    expect(acknowledged.map((a) => a.offset).sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));

    const read: { offset: number; key: string; value: { producer: number; seq: number }; headers: Record<string, string> }[] = [];
    let offset = 0;
    while (offset < total) {
      const res = await stack.request('GET', `/v1/topics/contended/partitions/0/records?offset=${offset}&limit=10000&maxBytes=4000000`);
      const body = (await res.json()) as { records: typeof read; nextOffset: number; highWatermark: number };
      expect(body.highWatermark).toBe(total);
      read.push(...body.records);
      offset = body.nextOffset;
    }
    expect(read.map((r) => r.offset)).toEqual(Array.from({ length: total }, (_, i) => i));
    const byOffset = new Map(acknowledged.map((a) => [a.offset, a]));
    const lastSeq = new Map<number, number>();
    for (const r of read) {
      const ack = byOffset.get(r.offset)!;
      // Each record is the one acknowledged at its offset, unaltered.
      expect(r.value).toEqual({ producer: ack.producer, seq: ack.seq });
      expect(r.key).toBe(`producer-${ack.producer}`);
      expect(r.headers).toEqual({ seq: String(ack.seq) });
      // And each producer's records appear in the order it sent them.
      expect(r.value.seq).toBeGreaterThan(lastSeq.get(ack.producer) ?? -1);
      lastSeq.set(ack.producer, r.value.seq);
    }
  }, 180_000);
});
