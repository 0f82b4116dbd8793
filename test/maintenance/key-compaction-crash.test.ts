import { describe, expect, it } from 'vitest';
import { runMaintenance } from '../../shared/maintenance/run-maintenance.js';
import { type FaultMode, injectFaults } from '../support/fault-injector.js';
import { ManualClock } from '../support/manual-clock.js';
import { createTestStack, emulatorClients, type TestStack } from '../support/test-stack.js';

const MINUTE = 60_000;
type Fetched = { records: { offset: number; key: string; value: unknown }[]; highWatermark: number; logStartOffset: number };

/**
 * A compacted partition of 5 batches, 12 keys, keys k0..k2 deleted by a tombstone; the
 * clock then moves past deleteRetentionMs, so one cleaning removes superseded records and
 * tombstones alike. Segment merging is off (compactAfterMs far away): every call of the
 * pass is the log cleaner's, the object sweep's, or the pass's own bookkeeping.
 */
async function compactedStack(faulty: boolean) {
  const clients = emulatorClients();
  const faults = faulty ? injectFaults(clients) : undefined;
  const clock = new ManualClock(Date.now());
  const stack = await createTestStack({ clients, clock, maintenance: { compactAfterMs: 365 * 24 * 60 * MINUTE } });
  await stack.request('POST', '/v1/topics', { name: 'cdc', partitions: 1, cleanupPolicy: 'compact', compaction: { deleteRetentionMs: 30 * MINUTE } });
  let n = 0;
  for (const size of [30, 30, 30, 30, 1]) {
    const records = Array.from({ length: size }, () => {
      n++;
      const k = size === 1 ? 11 : (n * 7) % 12;
      // Each deleted key's last record before the final batch is its tombstone.
      return { key: `k${k}`, value: k < 3 && n > 100 ? null : { k, n } };
    });
    expect((await stack.request('POST', '/v1/topics/cdc/records', { records })).status).toBe(200);
    clock.advance(1_000);
  }
  clock.advance(60 * MINUTE);
  return { stack, clock, faults };
}

/** What a reader sees, without the append-time timestamps that differ from stack to stack. */
async function read(stack: TestStack) {
  const body = (await (await stack.request('GET', '/v1/topics/cdc/partitions/0/records?limit=1000')).json()) as Fetched;
  return { ...body, records: body.records.map((r) => ({ offset: r.offset, key: r.key, value: r.value })) };
}

/** Every object an index entry names still exists (invariant 9), and listed objects are what is referenced once orphans are ripe. */
async function referencedObjects(stack: TestStack) {
  const { topicId } = (await stack.log.topics.get('cdc'))!;
  const referenced = new Set((await stack.maintenance.entries.entries(topicId, 0)).map((e) => e.objectKey));
  const listed = new Set((await stack.maintenance.objects.listObjects('')).map((o) => o.key));
  return { referenced, listed, missing: [...referenced].filter((k) => !listed.has(k)) };
}

describe('crash injection: every storage call of a key compaction pass fails in turn', () => {
  it('each re-run finishes with the same records, and no referenced object is ever deleted', async () => {
    const reference = await compactedStack(false);
    const before = await read(reference.stack);
    await runMaintenance(reference.stack.maintenance);
    const expected = await read(reference.stack);
    // The cleaning did its work: 12 keys less 3 deleted, the last batch's record included.
    expect(expected.records.map((r) => r.key).sort()).toEqual(['k10', 'k11', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
    expect(expected.highWatermark).toBe(before.highWatermark);

    let failedRuns = 0;
    for (let n = 1; n < 200; n++) {
      const mode: FaultMode = n % 2 === 0 ? 'after' : 'before';
      const { stack, clock, faults } = await compactedStack(true);
      faults!.arm(n, mode);
      const crashed = await runMaintenance(stack.maintenance).then(
        () => false,
        () => true,
      );
      faults!.disarm();
      const afterCrash = await read(stack);
      // One swap: the crashed pass left the log either as it was or as cleaned.
      expect([before, expected]).toContainEqual(afterCrash);
      expect((await referencedObjects(stack)).missing).toEqual([]);
      if (!crashed) {
        console.log(`calls of one pass: ${faults!.calls.join(" ")}`);
        break; // n is past the last call of a pass: every call has failed once
      }
      failedRuns++;

      clock.advance(5 * MINUTE); // past any lease the crashed run could not release
      await runMaintenance(stack.maintenance);
      expect(await read(stack)).toEqual(expected);
      expect((await referencedObjects(stack)).missing).toEqual([]);

      clock.advance(2 * 60 * MINUTE); // orphans (a segment written before the crash) ripen
      await runMaintenance(stack.maintenance);
      expect(await read(stack)).toEqual(expected);
      const { referenced, listed } = await referencedObjects(stack);
      expect([...listed].sort()).toEqual([...referenced].sort());
    }
    console.log(`key compaction crash injection: ${failedRuns} runs crashed at successive calls, all recovered`);
    expect(failedRuns).toBeGreaterThan(10);
  }, 300_000);
});
