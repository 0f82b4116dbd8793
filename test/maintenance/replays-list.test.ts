import { describe, expect, it } from 'vitest';
import { runMaintenance } from '../../shared/maintenance/run-maintenance.js';
import { ManualClock } from '../support/manual-clock.js';
import { createHarness } from '../subscriptions/harness.js';

interface ReplayList {
  replays: { id: string; status: string; topic: string }[];
  nextBefore: string | null;
}

describe('GET /v1/replays', () => {
  it('lists replays newest first, by status, page by page, and a lost id can be found again', async () => {
    const clock = new ManualClock(Date.now());
    const h = await createHarness({ clock });
    await h.topic('src', 1);
    await h.topic('dst', 1);
    await h.produce('src', [{ value: 1 }]);
    const created: string[] = [];
    const start = async () => {
      clock.advance(1_000);
      const res = await h.call<{ id: string }>('POST', '/v1/replays', { topic: 'src', from: { timestamp: 0 }, target: { topic: 'dst' } });
      expect(res.status).toBe(202);
      created.push(res.body.id);
    };
    for (let i = 0; i < 3; i++) await start();
    await runMaintenance(h.stack.maintenance); // the first three finish
    for (let i = 0; i < 2; i++) await start(); // two stay pending

    const all = await h.call<ReplayList>('GET', '/v1/replays');
    expect(all.status).toBe(200);
    expect(all.body.replays.map((r) => r.id)).toEqual([...created].reverse());
    expect(all.body.replays.map((r) => r.status)).toEqual(['pending', 'pending', 'done', 'done', 'done']);
    expect(all.body.nextBefore).toBeNull();

    const pending = await h.call<ReplayList>('GET', '/v1/replays?status=pending,running');
    expect(pending.body.replays.map((r) => r.id)).toEqual([created[4], created[3]]);
    const done = await h.call<ReplayList>('GET', '/v1/replays?status=done');
    expect(done.body.replays.map((r) => r.id)).toEqual([created[2], created[1], created[0]]);

    // Pages of two, merging the active and the finished lists, each replay exactly once.
    const paged: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const page: { body: ReplayList } = await h.call<ReplayList>('GET', `/v1/replays?limit=2${before ? `&before=${before}` : ''}`);
      expect(page.body.replays.length).toBeLessThanOrEqual(2);
      paged.push(...page.body.replays.map((r) => r.id));
      before = page.body.nextBefore;
      pages++;
    } while (before && pages < 10);
    expect(paged).toEqual([...created].reverse());
  });

  it('refuses a bad status, limit or cursor with a 400 naming it', async () => {
    const h = await createHarness();
    for (const [query, named] of [
      ['status=finished', 'status'],
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['before=not-an-id', 'before'],
    ]) {
      const res = await h.call<{ detail: string }>('GET', `/v1/replays?${query}`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(named);
    }
  });
});
