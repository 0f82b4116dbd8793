import { describe, expect, it } from 'vitest';
import { runMaintenance } from '../../shared/maintenance/run-maintenance.js';
import { dispatchOnce } from '../../shared/subscriptions/dispatcher.js';
import { ManualClock } from '../support/manual-clock.js';
import { createHarness, subscribe } from '../subscriptions/harness.js';
import { parseDelivery, Receiver } from '../subscriptions/receiver.js';

const MINUTE = 60_000;
type Fetched = { records: { offset: number; key: string | null; value: unknown; headers: Record<string, string>; timestamp: number }[] };
interface ReplayView {
  id: string;
  status: string;
  copied: number;
  partitions: { partition: number; startOffset: number; endOffset: number; copied: number }[];
}

describe('replay jobs', () => {
  it('copy exactly the records of a time window into a topic, with keys, headers and original timestamps', async () => {
    const clock = new ManualClock(Date.now());
    const h = await createHarness({ clock });
    const maintenance = h.stack.maintenance;
    await h.topic('src', 2);
    await h.topic('dst', 2);
    const marks: number[] = [];
    for (let batch = 0; batch < 4; batch++) {
      marks.push(clock.now());
      await h.produce('src', [0, 1].flatMap((partition) => [{ partition, key: `k${batch}`, value: { batch, partition }, headers: { h: `${batch}` }, timestamp: 1_000 + batch }]));
      clock.advance(MINUTE);
    }
    const created = await h.call<ReplayView>('POST', '/v1/replays', { topic: 'src', from: { timestamp: marks[1] }, to: { timestamp: marks[3] }, target: { topic: 'dst' } });
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('pending');

    const report = await runMaintenance(maintenance);
    expect(report.replays).toEqual([expect.objectContaining({ id: created.body.id, status: 'done', copied: 4 })]);
    const status = (await h.call<ReplayView>('GET', `/v1/replays/${created.body.id}`)).body;
    expect(status.partitions.map((p) => [p.startOffset, p.endOffset, p.copied])).toEqual([
      [1, 3, 2],
      [1, 3, 2],
    ]);
    for (const partition of [0, 1]) {
      const copied = (await h.call<Fetched>('GET', `/v1/topics/dst/partitions/${partition}/records`)).body.records;
      expect(copied.map((r) => [r.key, r.value, r.timestamp, r.headers])).toEqual(
        [1, 2].map((batch) => [`k${batch}`, { batch, partition }, 1_000 + batch, { h: `${batch}`, 'freshet-replay-source': `src/${partition}/${batch}` }]),
      );
    }
    // Running again copies nothing more.
    await runMaintenance(maintenance);
    expect((await h.call<Fetched>('GET', '/v1/topics/dst/partitions/0/records')).body.records).toHaveLength(2);
  });

  it('re-delivers a window to a subscription, signed, without moving its live cursor', async () => {
    const clock = new ManualClock(Date.now());
    const h = await createHarness({ clock });
    const maintenance = h.stack.maintenance;
    const receiver = await new Receiver().start();
    try {
      await h.topic('events', 1);
      const from = clock.now();
      await h.produce('events', [{ value: 'a' }, { value: 'b' }]);
      clock.advance(MINUTE);
      await h.produce('events', [{ value: 'c' }]);
      const sub = await subscribe(h, { topic: 'events', url: receiver.url, startAt: 'earliest' });
      receiver.secret = sub.secret;
      await dispatchOnce(h.ctx);
      expect(receiver.requests.flatMap((r) => parseDelivery(r).records.map((x) => x.value))).toEqual(['a', 'b', 'c']);
      const cursorBefore = (await h.call<{ partitions: { cursor: number }[] }>('GET', `/v1/subscriptions/${sub.id}`)).body.partitions;

      const replay = await h.call<ReplayView>('POST', '/v1/replays', { topic: 'events', from: { timestamp: from }, to: { timestamp: from + MINUTE }, target: { subscription: sub.id } });
      expect(replay.status).toBe(202);
      await runMaintenance(maintenance);
      const replayed = receiver.requests.slice(1);
      expect(replayed).toHaveLength(1);
      expect(replayed[0]!.verified).toBe(true);
      expect(parseDelivery(replayed[0]!).records.map((x) => x.value)).toEqual(['a', 'b']);
      expect((await h.call<ReplayView>('GET', `/v1/replays/${replay.body.id}`)).body.status).toBe('done');
      expect((await h.call<{ partitions: { cursor: number }[] }>('GET', `/v1/subscriptions/${sub.id}`)).body.partitions).toEqual(cursorBefore);
    } finally {
      await receiver.stop();
    }
  });

  it('can be cancelled while pending, and then does nothing', async () => {
    const h = await createHarness();
    const maintenance = h.stack.maintenance;
    await h.topic('c-src', 1);
    await h.topic('c-dst', 1);
    await h.produce('c-src', [{ value: 1 }]);
    const replay = await h.call<ReplayView>('POST', '/v1/replays', { topic: 'c-src', from: { timestamp: 0 }, target: { topic: 'c-dst' } });
    expect((await h.call('DELETE', `/v1/replays/${replay.body.id}`)).status).toBe(204);
    await runMaintenance(maintenance);
    expect((await h.call<ReplayView>('GET', `/v1/replays/${replay.body.id}`)).body.status).toBe('cancelled');
    expect((await h.call<Fetched>('GET', '/v1/topics/c-dst/partitions/0/records')).body.records).toEqual([]);
    expect((await h.call<{ code: string }>('DELETE', `/v1/replays/${replay.body.id}`)).body.code).toBe('REPLAY_FINISHED');
  });
});
