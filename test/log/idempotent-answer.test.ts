import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMaintenance } from '../../shared/maintenance/run-maintenance.js';
import { entrySk, headKey, logPk } from '../../shared/storage/keys.js';
import { createTestStack, type TestStack } from '../support/test-stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await createTestStack();
  expect((await stack.request('POST', '/v1/topics', { name: 'idem', partitions: 1 })).status).toBe(201);
});

type Answer = { offsets: { partition: number; offset: number }[] };
const produce = async (key: string, values: string[]) => {
  const res = await stack.request('POST', '/v1/topics/idem/records', { records: values.map((value) => ({ value })) }, { 'idempotency-key': key });
  expect(res.status).toBe(200);
  return ((await res.json()) as Answer).offsets.map((o) => o.offset);
};
const read = async () => {
  const res = await stack.request('GET', '/v1/topics/idem/partitions/0/records?offset=0&limit=1000');
  return new Map(((await res.json()) as { records: { offset: number; value: string }[] }).records.map((r) => [r.offset, r.value]));
};

describe('an idempotent retry is answered only with offsets that hold its records (issue 12, item 1)', () => {
  it('replays the stored answer while the index entry it names is the request’s own', async () => {
    const first = await produce('same', ['a', 'b']);
    expect(await produce('same', ['a', 'b'])).toEqual(first);
    expect((await read()).size).toBe(2);
  });

  it('after a torn commit (answer kept, appends lost, offsets reused by another producer) commits the retry anew', async () => {
    const topic = (await stack.log.topics.get('idem'))!;
    const [base] = await produce('torn', ['mine-1', 'mine-2']);
    // What DynamoDB Local left after a kill (issue 12): the idempotency item survived, the
    // index entry and the head move did not. Done for real, on the emulator.
    await stack.clients.doc.send(new DeleteCommand({ TableName: stack.table, Key: { pk: logPk(topic.topicId, 0), sk: entrySk(base! + 1) } }));
    await stack.clients.doc.send(
      new UpdateCommand({ TableName: stack.table, Key: headKey(topic.topicId, 0), UpdateExpression: 'SET nextOffset = :o', ExpressionAttributeValues: { ':o': base } }),
    );
    stack.log.heads.delete(topic.topicId, 0);
    // Another producer now gets those offsets.
    expect(await produce('other', ['theirs-1', 'theirs-2'])).toEqual([base, base! + 1]);

    const retried = await produce('torn', ['mine-1', 'mine-2']);
    expect(retried).not.toEqual([base, base! + 1]);
    const log = await read();
    expect(retried.map((o) => log.get(o))).toEqual(['mine-1', 'mine-2']);
    expect([base, base! + 1].map((o) => log.get(o!))).toEqual(['theirs-1', 'theirs-2']);
    // The new answer is the one kept: a further retry replays it and writes nothing.
    expect(await produce('torn', ['mine-1', 'mine-2'])).toEqual(retried);
    expect((await read()).size).toBe(log.size);
  });

  it('still replays after maintenance compacted the request’s entry into a segment', async () => {
    const first = await produce('compacted', ['c-1', 'c-2', 'c-3']);
    const report = await runMaintenance({ ...stack.maintenance, settings: { ...stack.maintenance.settings, compactAfterMs: 0 } });
    expect(report.partitions.find((p) => p.topic === 'idem')?.compaction.segments).toBeGreaterThan(0);
    expect(await produce('compacted', ['c-1', 'c-2', 'c-3'])).toEqual(first);
    // …and the answers of the earlier tests too, now held by the segment.
    expect(await produce('same', ['a', 'b'])).toEqual([0, 1]);
  });
});
