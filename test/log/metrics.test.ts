import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../shared/http/app.js';
import { createRuntime } from '../../shared/runtime/create-runtime.js';
import type { MetricName, MetricsSink } from '../../shared/metrics.js';
import { ensureBucket, ensureTable } from '../../shared/storage/provision.js';
import { emulatorClients, ROOT_KEY } from '../support/test-stack.js';

/** Sums what the domain adds, per metric name and dimensions, as CloudWatch would. */
class RecordingSink implements MetricsSink {
  readonly totals = new Map<string, number>();
  add(name: MetricName, unit: 'Count' | 'Bytes', value: number, dimensions: Record<string, string> = {}): void {
    const key = `${name}/${unit}${Object.entries(dimensions).map(([k, v]) => ` ${k}=${v}`).join('')}`;
    this.totals.set(key, (this.totals.get(key) ?? 0) + value);
  }
  take(): Record<string, number> {
    const out = Object.fromEntries(this.totals);
    this.totals.clear();
    return out;
  }
}

const sink = new RecordingSink();
let request: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>;

beforeAll(async () => {
  const clients = emulatorClients();
  const name = `freshet-metrics-${randomUUID().slice(0, 8)}`;
  await Promise.all([ensureTable(clients, name), ensureBucket(clients, name)]);
  const app = createApp(createRuntime({ clients, table: name, bucket: name, metrics: sink, rootKey: ROOT_KEY }));
  request = (method, path, body, headers = {}) =>
    Promise.resolve(
      app.request(path, {
        method,
        headers: { authorization: `Bearer ${ROOT_KEY}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      }),
    );
});

describe('log metrics', () => {
  it('count records and bytes produced once per commit and fetched per answer', async () => {
    expect((await request('POST', '/v1/topics', { name: 'metered', partitions: 1 })).status).toBe(201);
    // Bytes are keys, values and headers as stored: "k1" (2) + {"n":1} (7) + h=v (2), and "abc" (5).
    const records = { records: [{ key: 'k1', value: { n: 1 }, headers: { h: 'v' } }, { value: 'abc' }] };
    const produce = () => request('POST', '/v1/topics/metered/records', records, { 'idempotency-key': 'metered-1' });
    expect((await produce()).status).toBe(200);
    expect(sink.take()).toEqual({ 'RecordsProduced/Count': 2, 'BytesProduced/Bytes': 16 });

    // A retry answered from the idempotency record committed nothing, so it counts nothing.
    expect((await produce()).status).toBe(200);
    expect(sink.take()).toEqual({});

    const fetched = await request('GET', '/v1/topics/metered/partitions/0/records?offset=0&limit=10');
    expect(((await fetched.json()) as { records: unknown[] }).records).toHaveLength(2);
    expect(sink.take()).toEqual({ 'RecordsFetched/Count': 2, 'BytesFetched/Bytes': 16 });
  });
});
