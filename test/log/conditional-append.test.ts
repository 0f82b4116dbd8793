import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../shared/http/app.js';
import { createRuntime } from '../../shared/runtime/create-runtime.js';
import { testApi } from '../support/http.js';
import { createTestStack, ROOT_KEY, type TestStack } from '../support/test-stack.js';

let stack: TestStack;
const api = testApi(() => stack);
beforeAll(async () => {
  stack = await createTestStack();
});

type App = ReturnType<typeof createApp>;
const produceOn = async (app: App, topic: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await app.request(`/v1/topics/${topic}/records`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & { offsets: { partition: number; offset: number }[] } };
};

describe('conditional append (expectedOffsets)', () => {
  it('two writers racing on one partition: exactly one of each conflicting pair wins, no gap, the loser learns the high watermark', async () => {
    await api.createTopic('race', 1);
    // Two independent runtimes stand for two Lambda instances: no shared head cache or lock.
    const writers = Array.from({ length: 2 }, () => createApp(createRuntime({ clients: stack.clients, table: stack.table, bucket: stack.bucket, rootKey: ROOT_KEY })));
    const ROUNDS = 25;
    const log: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const expected = round * 2;
      const answers = await Promise.all(
        writers.map((w, i) => produceOn(w, 'race', { records: [{ value: { round, writer: i } }, { value: { round, writer: i, second: true } }], expectedOffsets: { '0': expected } })),
      );
      const winners = answers.filter((a) => a.status === 200);
      const losers = answers.filter((a) => a.status !== 200);
      expect(winners).toHaveLength(1);
      expect(winners[0]!.json.offsets).toEqual([
        { partition: 0, offset: expected },
        { partition: 0, offset: expected + 1 },
      ]);
      expect(losers).toHaveLength(1);
      expect(losers[0]!.status).toBe(409);
      expect(losers[0]!.json).toMatchObject({ code: 'OFFSET_MISMATCH', expectedOffsets: { '0': expected }, highWatermarks: { '0': expected + 2 } });
      log.push(`${round}:${answers.findIndex((a) => a.status === 200)}`);
    }
    const fetched = await api.fetchRecords('race', 0, '?limit=1000');
    expect(fetched.json.highWatermark).toBe(ROUNDS * 2);
    // Dense and each round's pair adjacent: only the winner's records are in the log.
    expect(fetched.json.records.map((r) => r.offset)).toEqual(Array.from({ length: ROUNDS * 2 }, (_, i) => i));
    fetched.json.records.forEach((r, i) => {
      const v = r.value as { round: number; writer: number };
      expect(v.round).toBe(Math.floor(i / 2));
      expect(`${v.round}:${v.writer}`).toBe(log[v.round]);
    });
  });

  it('a mismatch on one partition writes nothing to any partition and names every high watermark', async () => {
    await api.createTopic('multi', 3);
    expect((await api.produce('multi', { records: [{ value: 1, partition: 0 }, { value: 2, partition: 1 }] })).status).toBe(200);
    const res = await api.produce('multi', { records: [{ value: 'a', partition: 0 }, { value: 'b', partition: 1 }], expectedOffsets: { '0': 1, '1': 0 } });
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ code: 'OFFSET_MISMATCH', highWatermarks: { '0': 1, '1': 1 } });
    expect((await api.fetchRecords('multi', 0)).json.highWatermark).toBe(1);
    expect((await api.fetchRecords('multi', 1)).json.highWatermark).toBe(1);
    const ok = await api.produce('multi', { records: [{ value: 'a', partition: 0 }, { value: 'b', partition: 1 }], expectedOffsets: { '0': 1, '1': 1 } });
    expect(ok.status).toBe(200);
    expect(ok.json.offsets).toEqual([
      { partition: 0, offset: 1 },
      { partition: 1, offset: 1 },
    ]);
  });

  it('expects 0 of a partition never written to, and the header works for one partition', async () => {
    await api.createTopic('fresh', 2);
    expect((await api.produce('fresh', { records: [{ value: 1, partition: 1 }] }, { 'freshet-expected-offset': '1' })).json).toMatchObject({ code: 'OFFSET_MISMATCH', highWatermarks: { '1': 0 } });
    expect((await api.produce('fresh', { records: [{ value: 1, partition: 1 }] }, { 'freshet-expected-offset': '0' })).status).toBe(200);
    expect((await api.produce('fresh', { records: [{ value: 1, partition: 1 }], expectedOffsets: { '1': 1 } })).status).toBe(200);
    // The header is for one partition; several need the body field.
    const two = await api.produce('fresh', { records: [{ value: 1, partition: 0 }, { value: 2, partition: 1 }] }, { 'freshet-expected-offset': '0' });
    expect(two.status).toBe(400);
    // An expectation on a partition the request does not write to is a mistake.
    const untouched = await api.produce('fresh', { records: [{ value: 1, partition: 0 }], expectedOffsets: { '1': 2 } });
    expect(untouched.status).toBe(400);
    expect(JSON.stringify(untouched.json)).toContain('expectedOffsets.1');
    expect((await api.produce('fresh', { records: [{ value: 1, partition: 0 }], expectedOffsets: { '7': 0 } })).status).toBe(404);
  });

  it('a retry of an applied conditional append (same Idempotency-Key) answers its original offsets, not a 409', async () => {
    await api.createTopic('retry', 1);
    const body = { records: [{ value: 'x' }], expectedOffsets: { '0': 0 } };
    const first = await api.produce('retry', body, { 'idempotency-key': 'k1' });
    expect(first.status).toBe(200);
    expect((await api.produce('retry', { records: [{ value: 'other' }] })).status).toBe(200);
    const again = await api.produce('retry', body, { 'idempotency-key': 'k1' });
    expect(again.status).toBe(200);
    expect(again.json.offsets).toEqual(first.json.offsets);
    expect((await api.fetchRecords('retry', 0)).json.highWatermark).toBe(2);
    // Two copies racing from two instances: both answer the one commit's offsets.
    const writers = Array.from({ length: 2 }, () => createApp(createRuntime({ clients: stack.clients, table: stack.table, bucket: stack.bucket, rootKey: ROOT_KEY })));
    const racing = { records: [{ value: 'y' }], expectedOffsets: { '0': 2 } };
    const answers = await Promise.all(writers.map((w) => produceOn(w, 'retry', racing, { 'idempotency-key': 'k2' })));
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers[0]!.json.offsets).toEqual([{ partition: 0, offset: 2 }]);
    expect(answers[1]!.json.offsets).toEqual([{ partition: 0, offset: 2 }]);
    expect((await api.fetchRecords('retry', 0)).json.highWatermark).toBe(3);
  });
});
