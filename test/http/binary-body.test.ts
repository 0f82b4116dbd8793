import { connect, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EncodableRecord, encodeRecordBatch } from '../../shared/log/record-batch-codec.js';
import { frameRecordBatches, RECORD_BATCHES_MEDIA_TYPE } from '../../shared/log/record-batches-body.js';
import { createTestStack, ROOT_KEY, type TestStack } from '../support/test-stack.js';

/**
 * Binary bodies over real HTTP (@hono/node-server, as local mode serves them): concurrent
 * requests never see each other's bytes, a bit flipped on the way or a body cut short
 * writes nothing.
 */
let stack: TestStack;
let server: Server;
let base: string;

beforeAll(async () => {
  stack = await createTestStack();
  server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: stack.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const name of ['concurrent', 'cut', 'chunked']) expect((await stack.request('POST', '/v1/topics', { name, partitions: 4 })).status).toBe(201);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Request `n`'s records: ~50–250 KiB of values only it has, so a mixed-up buffer shows. */
function requestBody(n: number): { body: Uint8Array; values: string[] } {
  const values = Array.from({ length: 50 + (n % 5) * 50 }, (_, i) => `${n}:${i}:`.padEnd(1000 + (n % 7), String.fromCharCode(65 + (n % 26))));
  const records: EncodableRecord[] = values.map((value) => ({ key: null, value, headers: [], timestamp: 1_764_000_000_000 + n }));
  // Every other request writes two partitions: its object is assembled from both batches.
  const half = n % 2 ? Math.ceil(records.length / 2) : records.length;
  const batches = [{ partition: n % 4, batch: encodeRecordBatch(records.slice(0, half), { compression: 'none' }) }];
  if (half < records.length) batches.push({ partition: (n + 1) % 4, batch: encodeRecordBatch(records.slice(half), { compression: 'none' }) });
  return { body: frameRecordBatches(batches), values };
}

describe('binary produce bodies over HTTP', () => {
  it('keeps 3 rounds of 16 concurrent requests apart: every record reads back as its request sent it', async () => {
    const sent = new Map<number, string[]>();
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        Array.from({ length: 16 }, async (_, i) => {
          const n = round * 16 + i;
          const { body, values } = requestBody(n);
          sent.set(n, values);
          const res = await fetch(`${base}/v1/topics/concurrent/records`, { method: 'POST', headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': RECORD_BATCHES_MEDIA_TYPE }, body });
          expect(res.status, await res.clone().text()).toBe(200);
        }),
      );
    }
    const read: string[] = [];
    for (let partition = 0; partition < 4; partition++) {
      for (let offset = 0; ; ) {
        const page = (await (await stack.request('GET', `/v1/topics/concurrent/partitions/${partition}/records?offset=${offset}&limit=10000&maxBytes=4194304&encoding=string`)).json()) as {
          records: { value: string }[];
          nextOffset: number;
          highWatermark: number;
        };
        read.push(...page.records.map((r) => r.value));
        offset = page.nextOffset;
        if (offset >= page.highWatermark) break;
      }
    }
    expect(read.sort()).toEqual([...sent.values()].flat().sort());
  });

  it('refuses a body whose bit flipped on the way, and writes nothing', async () => {
    const { body } = requestBody(3);
    const flipped = Uint8Array.from(body);
    flipped[flipped.length - 5_000]! ^= 0x10;
    const res = await fetch(`${base}/v1/topics/cut/records`, { method: 'POST', headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': RECORD_BATCHES_MEDIA_TYPE }, body: flipped });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/CRC-32C mismatch/);
    const partitions = (await (await stack.request('GET', '/v1/topics/cut/partitions')).json()) as { partitions: { highWatermark: number }[] };
    expect(partitions.partitions.map((p) => p.highWatermark)).toEqual([0, 0, 0, 0]);
  });

  it('takes a body sent chunked, without a Content-Length', async () => {
    const { body, values } = requestBody(4);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < body.length; i += 50_000) controller.enqueue(body.subarray(i, i + 50_000));
        controller.close();
      },
    });
    const res = await fetch(`${base}/v1/topics/chunked/records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': RECORD_BATCHES_MEDIA_TYPE },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { offsets: unknown[] }).offsets).toHaveLength(values.length);
  });

  it('answers a body cut short of its Content-Length with nothing written, and serves the next request', async () => {
    const { body } = requestBody(1);
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`POST /v1/topics/cut/records HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${ROOT_KEY}\r\ncontent-type: ${RECORD_BATCHES_MEDIA_TYPE}\r\ncontent-length: ${body.length}\r\n\r\n`);
        socket.end(body.subarray(0, body.length - 1000));
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      socket.resume();
    });
    const partitions = (await (await stack.request('GET', '/v1/topics/cut/partitions')).json()) as { partitions: { highWatermark: number }[] };
    expect(partitions.partitions.map((p) => p.highWatermark)).toEqual([0, 0, 0, 0]);
    const res = await fetch(`${base}/v1/topics/cut/records`, { method: 'POST', headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': RECORD_BATCHES_MEDIA_TYPE }, body });
    expect(res.status).toBe(200);
  });
});
