import { createHash, createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeRecordBatches } from '../../shared/log/record-batch-codec.js';
import { EMULATOR_CREDENTIALS } from '../../shared/storage/clients.js';
import { createTestStack, type TestStack } from '../support/test-stack.js';

interface DirectRange {
  url: string;
  headers: { range: string };
  object: string;
  byteOffset: number;
  byteLength: number;
  baseOffset: number;
  lastOffset: number;
  compression: string;
  expiresAt: number;
}
interface DirectAnswer {
  ranges: DirectRange[];
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

let stack: TestStack;
const values = Array.from({ length: 30 }, (_, i) => ({ n: i, text: `record ${i}` }));

beforeAll(async () => {
  stack = await createTestStack();
  expect((await stack.request('POST', '/v1/topics', { name: 'direct', partitions: 1 })).status).toBe(201);
  // Three produce requests: three objects, three ranges.
  for (let i = 0; i < 30; i += 10) {
    expect((await stack.request('POST', '/v1/topics/direct/records', { records: values.slice(i, i + 10).map((value) => ({ value })) })).status).toBe(200);
  }
});

const directFetch = async (query: string, headers: Record<string, string> = {}) => stack.request('GET', `/v1/topics/direct/partitions/0/records?direct=true&${query}`, undefined, headers);

/**
 * An independent AWS Signature V4 check of a presigned URL, written from the spec (not the
 * SDK's signer): the signature S3 would compute for this URL sent with `headers`. s3rver
 * does not check signatures (it serves a URL with a forged signature, any Range and any
 * key), so this is how the tests see what S3 would refuse.
 */
function signatureValid(url: string, headers: Record<string, string>): boolean {
  const u = new URL(url);
  const q = u.searchParams;
  const signedHeaders = q.get('X-Amz-SignedHeaders')!.split(';');
  const lower = Object.fromEntries(Object.entries({ host: u.host, ...headers }).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  if (signedHeaders.some((h) => lower[h] === undefined)) return false;
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = [...q.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [enc(k), enc(v)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonical = ['GET', u.pathname, query, signedHeaders.map((h) => `${h}:${lower[h]}\n`).join(''), signedHeaders.join(';'), 'UNSIGNED-PAYLOAD'].join('\n');
  const date = q.get('X-Amz-Date')!;
  const scope = q.get('X-Amz-Credential')!.split('/').slice(1).join('/');
  const toSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const [day, region, service] = scope.split('/');
  let key: Buffer = createHmac('sha256', `AWS4${EMULATOR_CREDENTIALS.secretAccessKey}`).update(day!).digest();
  for (const part of [region!, service!, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex') === q.get('X-Amz-Signature');
}

describe('GET …/records?direct=true', () => {
  it('answers presigned ranged GETs with the offsets each holds, and their bytes are the records', async () => {
    const res = await directFetch('offset=5&limit=1000');
    expect(res.status).toBe(200);
    const answer = (await res.json()) as DirectAnswer;
    expect(answer).toMatchObject({ nextOffset: 30, highWatermark: 30, logStartOffset: 0 });
    expect(answer.ranges.map((r) => [r.baseOffset, r.lastOffset])).toEqual([
      [0, 9],
      [10, 19],
      [20, 29],
    ]);
    const records = [];
    for (const range of answer.ranges) {
      expect(range).toMatchObject({ compression: 'none', headers: { range: `bytes=${range.byteOffset}-${range.byteOffset + range.byteLength - 1}` } });
      expect(range.expiresAt - Date.now()).toBeLessThanOrEqual(300_000);
      const get = await fetch(range.url, { headers: range.headers });
      expect(get.status).toBe(206);
      const bytes = new Uint8Array(await get.arrayBuffer());
      expect(bytes.length).toBe(range.byteLength);
      const batches = decodeRecordBatches(bytes); // checks every CRC
      records.push(...batches.flatMap((b) => b.records.map((r) => ({ offset: range.baseOffset + r.offset - batches[0]!.baseOffset, value: JSON.parse(new TextDecoder().decode(r.value!)) }))));
    }
    expect(records.filter((r) => r.offset >= 5)).toEqual(values.slice(5).map((value, i) => ({ offset: 5 + i, value })));
  });

  it('signs the Range in, names exactly one object and expires within minutes', async () => {
    const { ranges } = (await (await directFetch('offset=0&limit=1')).json()) as DirectAnswer;
    expect(ranges).toHaveLength(1);
    const [range] = ranges as [DirectRange];
    const url = new URL(range.url);
    expect(url.searchParams.get('X-Amz-SignedHeaders')!.split(';')).toEqual(['host', 'range']);
    expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(300);
    expect(decodeURIComponent(url.pathname)).toBe(`/${stack.bucket}/${range.object}`);
    expect(url.searchParams.has('prefix') || url.searchParams.has('list-type')).toBe(false);
  });

  it('a presigned URL cannot read another range or another object (SigV4 recomputed independently)', async () => {
    const { ranges } = (await (await directFetch('offset=0&limit=1000')).json()) as DirectAnswer;
    const [a, b] = ranges as [DirectRange, DirectRange];
    expect(signatureValid(a.url, a.headers)).toBe(true);
    expect(signatureValid(b.url, b.headers)).toBe(true);
    // Another range of the same object, the whole object, or no Range at all.
    expect(signatureValid(a.url, { range: `bytes=0-${a.byteOffset + a.byteLength}` })).toBe(false);
    expect(signatureValid(a.url, { range: 'bytes=0-' })).toBe(false);
    expect(signatureValid(a.url, {})).toBe(false);
    // Another object, with that object's own range: the key is part of what is signed.
    const other = new URL(a.url);
    other.pathname = new URL(b.url).pathname;
    expect(signatureValid(other.toString(), b.headers)).toBe(false);
    // A longer validity than was signed.
    const longer = new URL(a.url);
    longer.searchParams.set('X-Amz-Expires', '604800');
    expect(signatureValid(longer.toString(), a.headers)).toBe(false);
  });

  it('needs consume scope on the topic, like any fetch', async () => {
    const make = async (name: string, actions: string[]) =>
      ((await (await stack.request('POST', '/v1/keys', { name, scopes: [{ topics: 'direct', actions }] })).json()) as { key: string }).key;
    const produceOnly = await make('produce-only', ['produce']);
    const consumer = await make('consumer', ['consume']);
    const refused = await directFetch('offset=0', { authorization: `Bearer ${produceOnly}` });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(await refused.json())).not.toContain('X-Amz-Signature');
    expect((await directFetch('offset=0', { authorization: `Bearer ${consumer}` })).status).toBe(200);
  });

  it('answers no ranges at the high watermark, and 416 beyond it', async () => {
    expect((await (await directFetch('offset=30')).json()) as DirectAnswer).toEqual({ ranges: [], nextOffset: 30, highWatermark: 30, logStartOffset: 0 });
    expect((await directFetch('offset=31')).status).toBe(416);
  });

  it('may ask for bigger pages than a fetch of bytes, which keeps its limits', async () => {
    const plain = await stack.request('GET', '/v1/topics/direct/partitions/0/records?limit=10001');
    expect(plain.status).toBe(400);
    expect(JSON.stringify(await plain.json())).toContain('limit must be at most 10000 (100000 with direct=true)');
    expect((await stack.request('GET', `/v1/topics/direct/partitions/0/records?maxBytes=${8 * 1024 * 1024}`)).status).toBe(400);
    expect((await directFetch(`limit=100000&maxBytes=${64 * 1024 * 1024}`)).status).toBe(200);
    expect((await directFetch('limit=100001')).status).toBe(400);
  });
});
