import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Freshet, FreshetError, type KafkaMessage } from '../../client/src/index.js';
import { type ServedStack, serveTestStack } from './http-server.js';

let served: ServedStack;
let freshet: Freshet;

beforeAll(async () => {
  served = await serveTestStack();
  freshet = new Freshet({ url: served.url, apiKey: served.key });
});
afterAll(() => served?.close());

const readAll = async (options: Parameters<Freshet['readPartition']>[0], client = freshet) => {
  const out: (KafkaMessage & { partition: number })[] = [];
  for await (const m of client.readPartition({ follow: false, ...options })) out.push(m);
  return out;
};

const produce = async (topic: string, count: number, perRequest: number) => {
  const producer = freshet.producer();
  for (let i = 0; i < count; i += perRequest) {
    await producer.send({
      topic,
      messages: Array.from({ length: Math.min(perRequest, count - i) }, (_, j) => ({
        key: j % 3 === 0 ? null : `k-${i + j}`,
        value: j % 50 === 7 ? null : { i: i + j, text: `record ${i + j} ü`.repeat(1 + ((i + j) % 5)) },
        headers: (j % 4 === 0 ? { trace: `t-${i + j}`, empty: null } : {}) as Record<string, string | null>,
      })),
    });
  }
  await producer.disconnect();
};

describe('readPartition({ direct: true })', () => {
  it('reads 10,000 records straight from S3, equal to the normal fetch', async () => {
    await freshet.admin().createTopic({ name: 'direct-10k', partitions: 1 });
    await produce('direct-10k', 10_000, 700);
    const normal = await readAll({ topic: 'direct-10k', partition: 0, limit: 1_000 });
    const direct = await readAll({ topic: 'direct-10k', partition: 0, limit: 1_000, direct: true });
    expect(normal).toHaveLength(10_000);
    expect(direct).toEqual(normal);
    // From an offset inside a batch, with the other encodings.
    for (const encoding of ['string', 'base64'] as const) {
      const from = { topic: 'direct-10k', partition: 0, fromOffset: 4_321, limit: 500, encoding };
      expect(await readAll({ ...from, direct: true })).toEqual(await readAll(from));
    }
  });

  it.each(['gzip', 'zstd', 'lz4'] as const)('decompresses %s batches in the client (web and pure-JS decoders)', async (compression) => {
    const topic = `direct-${compression}`;
    await freshet.admin().createTopic({ name: topic, partitions: 1, compression });
    await produce(topic, 600, 200);
    const normal = await readAll({ topic, partition: 0 });
    expect(normal).toHaveLength(600);
    expect(await readAll({ topic, partition: 0, direct: true })).toEqual(normal);
  });

  it('follows the log: records produced while it waits arrive', async () => {
    await freshet.admin().createTopic({ name: 'direct-follow', partitions: 1 });
    const controller = new AbortController();
    const seen: number[] = [];
    const reading = (async () => {
      for await (const m of freshet.readPartition({ topic: 'direct-follow', partition: 0, direct: true, maxWaitMs: 500, signal: controller.signal })) {
        seen.push(m.offset);
        if (seen.length === 30) controller.abort();
      }
    })().catch((err: unknown) => {
      if (!controller.signal.aborted) throw err;
    });
    await produce('direct-follow', 30, 10);
    await reading;
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  describe('bytes from S3 that are not what was written', () => {
    /** A client whose range GETs (not its API calls) answer `change(bytes)` instead of what S3 sent. */
    const tampering = (change: (bytes: Uint8Array) => Uint8Array) =>
      new Freshet({
        url: served.url,
        apiKey: served.key,
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          if (String(input).startsWith(served.url)) return res;
          const bytes = change(new Uint8Array(await res.arrayBuffer()));
          return new Response(bytes as Uint8Array<ArrayBuffer>, { status: res.status, headers: res.headers });
        },
      });
    const readWith = async (client: Freshet, encoding: 'string' | 'json' | 'base64') => {
      let count = 0;
      for await (const _ of client.readPartition({ topic: 'direct-tampered', partition: 0, follow: false, direct: true, encoding })) count++;
      return count;
    };

    beforeAll(async () => {
      await freshet.admin().createTopic({ name: 'direct-tampered', partitions: 1 });
      await produce('direct-tampered', 300, 100);
    });

    // Both ways of reading a range's body: into a reused buffer (string, JSON) and a fresh one (base64).
    it.each(['string', 'json', 'base64'] as const)('a flipped bit in a record fails the read with the batch\'s CRC-32C mismatch (%s)', async (encoding) => {
      expect(await readWith(freshet, encoding)).toBe(300); // untouched, the same read succeeds
      const flipped = tampering((bytes) => {
        bytes[bytes.length - 10]! ^= 0x01; // inside the last record of the range's last batch
        return bytes;
      });
      const failure = await readWith(flipped, encoding).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(FreshetError);
      expect(failure).toMatchObject({ code: 'CORRUPT_RECORD_BATCH' });
      expect((failure as FreshetError).message).toMatch(/CRC-32C mismatch/);
    });

    it.each(['string', 'base64'] as const)('a body longer or shorter than the range is refused (%s)', async (encoding) => {
      for (const change of [(b: Uint8Array) => new Uint8Array([...b, 0]), (b: Uint8Array) => b.subarray(0, b.length - 1)]) {
        const failure = await readWith(tampering(change), encoding).catch((err: unknown) => err);
        expect(failure).toMatchObject({ code: 'CORRUPT_RECORD_BATCH' });
        expect((failure as FreshetError).message).toMatch(/S3 returned (more than|\d+ bytes)/);
      }
    });
  });

  it('goes on when S3 refuses many ranges of one page (expired URLs), asking for fresh ones each time', async () => {
    await freshet.admin().createTopic({ name: 'direct-expiring', partitions: 1 });
    await produce('direct-expiring', 2_000, 50); // 40 objects: 40 ranges in one page
    const refused = new Set<string>();
    let refusals = 0;
    // Each range is refused the first time it is asked for, as if its URL had expired.
    const expiring = new Freshet({
      url: served.url,
      apiKey: served.key,
      fetch: async (input, init) => {
        const url = new URL(String(input));
        if (String(input).startsWith(served.url)) return fetch(input, init);
        const range = `${url.pathname} ${new Headers(init?.headers).get('range')}`;
        if (!refused.has(range)) {
          refused.add(range);
          refusals++;
          return new Response('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', { status: 403 });
        }
        return fetch(input, init);
      },
    });
    const read = await readAll({ topic: 'direct-expiring', partition: 0, direct: true, limit: 100_000, encoding: 'string' }, expiring);
    expect(read.map((m) => m.offset)).toEqual(Array.from({ length: 2_000 }, (_, i) => i));
    expect(refusals).toBe(40); // more than MAX_REFUSALS (3) in one page, with ranges read in between
  });

  it('asks for the largest pages a direct fetch answers unless told otherwise: one API call for the whole of a small partition', async () => {
    await freshet.admin().createTopic({ name: 'direct-defaults', partitions: 1 });
    await produce('direct-defaults', 1_500, 50); // 30 objects: 30 fetches' worth at the fetch defaults
    const directFetches: URLSearchParams[] = [];
    const counting = new Freshet({
      url: served.url,
      apiKey: served.key,
      fetch: (input, init) => {
        const url = new URL(String(input));
        if (url.searchParams.get('direct') === 'true') directFetches.push(url.searchParams);
        return fetch(input, init);
      },
    });
    expect(await readAll({ topic: 'direct-defaults', partition: 0, direct: true }, counting)).toHaveLength(1_500);
    expect(directFetches).toHaveLength(1);
    expect(directFetches[0]!.get('limit')).toBe('100000');
    expect(directFetches[0]!.get('maxBytes')).toBe(String(64 * 1024 * 1024));
  });
});
