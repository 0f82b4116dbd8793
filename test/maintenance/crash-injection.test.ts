import { describe, expect, it } from 'vitest';
import { runMaintenance } from '../../shared/maintenance/run-maintenance.js';
import { type FaultMode, injectFaults } from '../support/fault-injector.js';
import { ManualClock } from '../support/manual-clock.js';
import { createTestStack, emulatorClients } from '../support/test-stack.js';

const MINUTE = 60_000;

async function freshStack() {
  const clients = emulatorClients();
  const faults = injectFaults(clients);
  const clock = new ManualClock(Date.now());
  const stack = await createTestStack({ clients, clock });
  return { stack, faults, clock };
}

type Fetched = { records: { offset: number; value: unknown; key: string | null; headers: Record<string, string> }[]; highWatermark: number; logStartOffset: number };

describe('crash injection: every SDK call of a produce fails in turn', () => {
  it.each(['before', 'after'] as FaultMode[])('with the fault %s the call, a retried produce loses and duplicates nothing', async (mode) => {
    const { stack, faults } = await freshStack();
    await stack.request('POST', '/v1/topics', { name: 'crashy', partitions: 2 });
    const acked = new Map<string, { partition: number; offset: number }>();
    for (let n = 1; n <= 8; n++) {
      const body = { records: [{ key: 'a', value: `a${n}` }, { key: 'b', value: `b${n}` }, { partition: 1, value: `p${n}` }] };
      faults.arm(n, mode);
      let res = await stack.request('POST', '/v1/topics/crashy/records', body, { 'idempotency-key': `req-${n}` });
      faults.disarm();
      // Not acknowledged: the client retries with the same Idempotency-Key until it is.
      for (let retry = 0; res.status !== 200 && retry < 3; retry++) res = await stack.request('POST', '/v1/topics/crashy/records', body, { 'idempotency-key': `req-${n}` });
      expect(res.status).toBe(200);
      const { offsets } = (await res.json()) as { offsets: { partition: number; offset: number }[] };
      for (const [i, r] of body.records.entries()) acked.set(r.value, offsets[i]!);
    }
    const seen = new Map<string, { partition: number; offset: number }>();
    for (const partition of [0, 1]) {
      const read = (await (await stack.request('GET', `/v1/topics/crashy/partitions/${partition}/records?limit=1000`)).json()) as Fetched;
      expect(read.records.map((r) => r.offset)).toEqual(Array.from({ length: read.highWatermark }, (_, i) => i));
      for (const r of read.records) {
        expect(seen.has(r.value as string), `duplicate ${r.value}`).toBe(false);
        seen.set(r.value as string, { partition, offset: r.offset });
      }
    }
    expect(seen).toEqual(acked);
  });
});

describe('crash injection: every SDK call of a maintenance run fails in turn', () => {
  it('re-running finishes the work; records stay identical and orphans are collected after the grace period', async () => {
    let failedRuns = 0;
    for (let n = 1; n < 200; n++) {
      const mode: FaultMode = n % 2 === 0 ? 'after' : 'before';
      const { stack, faults, clock } = await freshStack();
      const maintenance = stack.maintenance;
      await stack.request('POST', '/v1/topics', { name: 'm', partitions: 2, retention: { hotMs: 5 * MINUTE } });
      for (let i = 0; i < 3; i++) await stack.request('POST', '/v1/topics/m/records', { records: [{ partition: 0, value: i }, { partition: 1, value: -i }] });
      const read = async () =>
        Promise.all([0, 1].map(async (p) => (await (await stack.request('GET', `/v1/topics/m/partitions/${p}/records?limit=100`)).json()) as Fetched));
      const reference = await read();
      clock.advance(11 * MINUTE);

      faults.arm(n, mode);
      const crashed = await runMaintenance(maintenance).then(
        () => false,
        () => true,
      );
      faults.disarm();
      expect(await read()).toEqual(reference);
      if (!crashed) break; // n is past the last call of a run: every call has failed once
      failedRuns++;

      clock.advance(5 * MINUTE); // past any lease the crashed run could not release
      await runMaintenance(maintenance);
      expect(await read()).toEqual(reference);
      clock.advance(2 * 60 * MINUTE); // past the orphan grace period (and S3's real LastModified)
      await runMaintenance(maintenance);
      expect(await read()).toEqual(reference);

      // Everything left is referenced: one segment per partition and nothing else.
      const { topicId } = (await stack.log.topics.get('m'))!;
      const objects = (await maintenance.objects.listObjects('')).map((o) => o.key).sort();
      const referenced = new Set<string>();
      for (const p of [0, 1]) for (const e of await maintenance.entries.entries(topicId, p)) referenced.add(e.objectKey);
      expect(objects).toEqual([...referenced].sort());
      expect(objects.every((k) => k.startsWith('segments/'))).toBe(true);
    }
    console.log(`maintenance crash injection: ${failedRuns} runs crashed at successive calls, all recovered`);
    expect(failedRuns).toBeGreaterThan(15);
  }, 300_000);
});
