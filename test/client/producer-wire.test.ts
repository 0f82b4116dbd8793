import { beforeAll, describe, expect, it } from 'vitest';
import type { Encoding, Message } from '../../client/src/encoding.js';
import { Freshet, FreshetError } from '../../client/src/index.js';
import { toJsonRecord } from '../../client/src/json-record.js';
import { createTestStack, ROOT_KEY, type TestStack } from '../support/test-stack.js';

let stack: TestStack;
let freshet: Freshet;
const T0 = 1_764_000_000_000;

beforeAll(async () => {
  stack = await createTestStack();
  // The client against the app in-process: the same requests as over HTTP, without a port.
  freshet = new Freshet({ url: 'http://freshet.test', apiKey: ROOT_KEY, fetch: (input, init) => Promise.resolve(stack.app.request(String(input), init)) });
});

const bytes = (...b: number[]) => new Uint8Array(b);
const MESSAGES: Record<Encoding, Message[]> = {
  json: [
    { key: 'order-1', value: { id: 'a', items: ['x', 'ü'], n: null }, headers: { trace: 'abc', empty: '', none: null }, timestamp: T0 },
    { key: null, value: 'just a string', timestamp: T0 - 5 },
    { value: 42.5 },
    { key: 'tomb', value: null },
    { key: 'ключ 🔑', value: ['🎉'], headers: { naïve: 'ça va' }, timestamp: 0 },
  ],
  string: [
    { key: 'k', value: 'plain text', headers: { h: 'v' }, timestamp: T0 },
    { key: null, value: '' },
    { key: 'tomb', value: null, headers: { a: null } },
    { value: 'ünïcödé 🎉', timestamp: 253_402_300_799_999 },
  ],
  base64: [
    { key: bytes(1, 2, 3), value: bytes(0, 255, 128, 7), headers: { bin: bytes(9, 8), b64: 'AAEC', none: null }, timestamp: T0 },
    { key: 'AQID', value: 'AP+ABw==' },
    { key: null, value: new Uint8Array(0) },
    { key: bytes(0), value: null },
  ],
};

interface Fetched {
  key: string | null;
  value: string | null;
  headers: Record<string, string | null>;
  timestamp: number;
}

/** Every record of partition 0, as base64: the stored bytes, whatever their encoding. */
async function stored(topic: string): Promise<Fetched[]> {
  const res = await stack.request('GET', `/v1/topics/${topic}/partitions/0/records?offset=0&limit=100&encoding=base64`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { records: Fetched[] }).records;
}

describe('the producer against the server', () => {
  for (const compression of ['none', 'zstd'] as const) {
    for (const encoding of ['json', 'string', 'base64'] as const) {
      it(`stores, with encoding ${encoding} on a ${compression} topic, what a JSON produce of the same messages stores; an absent timestamp is the producer's clock`, async () => {
        const topic = `wire-${encoding}-${compression}`;
        for (const name of [topic, `${topic}-json`]) expect((await stack.request('POST', '/v1/topics', { name, partitions: 1, compression })).status).toBe(201);
        const messages = MESSAGES[encoding];
        const producer = freshet.producer({ encoding });
        const before = Date.now();
        const acks = await producer.send({ topic, messages });
        const after = Date.now();
        await producer.disconnect();
        expect(acks.map((a) => [a.partition, a.offset])).toEqual(messages.map((_, i) => [0, i]));
        const body = `{"encoding":"${encoding}","records":[${messages.map((m, i) => toJsonRecord(m, encoding, i)).join(',')}]}`;
        expect((await stack.request('POST', `/v1/topics/${topic}-json/records`, body, { 'content-type': 'application/json' })).status).toBe(200);

        const binary = await stored(topic);
        const json = await stored(`${topic}-json`);
        const content = (r: Fetched) => ({ key: r.key, value: r.value, headers: r.headers });
        expect(binary.map(content)).toEqual(json.map(content));
        for (const [i, m] of messages.entries()) {
          if (m.timestamp !== undefined) expect(binary[i]!.timestamp).toBe(m.timestamp);
          else expect(binary[i]!.timestamp >= before && binary[i]!.timestamp <= after).toBe(true);
        }
      });
    }
  }

  it("on a topic with a schema, commits what the schema accepts and answers the server's refusal for what it does not", async () => {
    expect((await stack.request('POST', '/v1/topics', { name: 'wire-schema', partitions: 1 })).status).toBe(201);
    const schema = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };
    expect((await stack.request('PUT', '/v1/topics/wire-schema/schema', { schema })).status).toBeLessThan(300);
    const producer = freshet.producer({ lingerMs: 0 });
    expect(await producer.send({ topic: 'wire-schema', messages: [{ key: 'a', value: { id: 'x' } }] })).toEqual([{ topic: 'wire-schema', partition: 0, offset: 0 }]);
    const refused = await producer.send({ topic: 'wire-schema', messages: [{ key: 'a', value: { id: 7 } }] }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(FreshetError);
    expect((refused as FreshetError).status).toBeGreaterThanOrEqual(400);
    expect((refused as FreshetError).status).toBeLessThan(500);
    await producer.disconnect();
    expect((await stored('wire-schema')).length).toBe(1);
  });
});
