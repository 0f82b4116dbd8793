import { beforeAll, describe, expect, it } from 'vitest';
import { createTestStack, type TestStack } from '../support/test-stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
});

const body = async (res: Response) => (await res.json()) as Record<string, unknown>;

describe('topics', () => {
  it('creates a topic with Kafka-like defaults, lists and describes it', async () => {
    const created = await stack.request('POST', '/v1/topics', { name: 'payments.v1', partitions: 6 });
    expect(created.status).toBe(201);
    expect(await body(created)).toMatchObject({
      name: 'payments.v1',
      partitions: 6,
      compression: 'none',
      cleanupPolicy: 'delete',
      retention: { ms: 604_800_000, bytes: -1, hotMs: 86_400_000 },
    });
    const listed = (await body(await stack.request('GET', '/v1/topics'))) as { topics: { name: string }[] };
    expect(listed.topics.map((t) => t.name)).toContain('payments.v1');
    expect(await body(await stack.request('GET', '/v1/topics/payments.v1'))).toMatchObject({ name: 'payments.v1', partitions: 6 });
  });

  it('changes retention and grows partitions, and the new partitions take records', async () => {
    await stack.request('POST', '/v1/topics', { name: 'growing', partitions: 2, retention: { ms: 3_600_000 } });
    const patched = await stack.request('PATCH', '/v1/topics/growing', { partitions: 4, retention: { bytes: 1_000_000 } });
    expect(patched.status).toBe(200);
    expect(await body(patched)).toMatchObject({ partitions: 4, retention: { ms: 3_600_000, bytes: 1_000_000 } });
    const produced = await stack.request('POST', '/v1/topics/growing/records', { records: [{ partition: 3, value: 'new' }] });
    expect(await body(produced)).toMatchObject({ offsets: [{ partition: 3, offset: 0 }] });
  });

  it('deletes a topic; a topic re-created under the name starts an empty log', async () => {
    await stack.request('POST', '/v1/topics', { name: 'ephemeral', partitions: 1 });
    await stack.request('POST', '/v1/topics/ephemeral/records', { records: [{ value: 1 }, { value: 2 }] });
    expect((await stack.request('DELETE', '/v1/topics/ephemeral')).status).toBe(204);
    expect((await stack.request('GET', '/v1/topics/ephemeral')).status).toBe(404);
    expect((await stack.request('DELETE', '/v1/topics/ephemeral')).status).toBe(404);
    expect((await stack.request('POST', '/v1/topics', { name: 'ephemeral', partitions: 1 })).status).toBe(201);
    const fetched = await body(await stack.request('GET', '/v1/topics/ephemeral/partitions/0/records'));
    expect(fetched).toMatchObject({ records: [], highWatermark: 0, logStartOffset: 0 });
  });

  it('answers /v1/health without a key', async () => {
    const res = await stack.app.request('/v1/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});
