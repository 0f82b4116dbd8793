import { beforeAll, describe, expect, it } from 'vitest';
import { offsetForTimestamp } from '../../shared/log/list-offsets.js';
import { ENTRIES_PER_PROBE, firstEntryAppendedAtOrAfter } from '../../shared/log/time-search.js';
import { runMaintenance } from '../../shared/maintenance/run-maintenance.js';
import type { IndexEntry } from '../../shared/model/log-index.js';
import { countCalls } from '../support/call-counter.js';
import { ManualClock } from '../support/manual-clock.js';
import { createTestStack, emulatorClients, type TestStack } from '../support/test-stack.js';

/**
 * Offsets for times used to query a `byTime` LSI (sort key `{appendTime:015}#{baseOffset:020}`,
 * keys only, `timeKey >= {T:015}`, Limit 1), read that entry and read the head. It now
 * binary-searches the offset-ordered entries (log/time-search.ts). `previousAnswer` is the
 * old algorithm, kept here as the reference: the LSI's order is rebuilt from all entries.
 */
async function previousAnswer(stack: TestStack, topicId: string, partition: number, timestamp: number): Promise<{ offset: number; timestamp: number | null }> {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  const timeKey = (e: IndexEntry) => `${pad(e.appendTime, 15)}#${pad(e.baseOffset, 20)}`;
  const entries = await stack.maintenance.entries.entries(topicId, partition);
  const head = await stack.log.store.readHead(topicId, partition);
  const found = entries
    .filter((e) => timeKey(e) >= pad(Math.max(0, timestamp), 15))
    .sort((a, b) => (timeKey(a) < timeKey(b) ? -1 : 1))[0];
  if (!found || found.baseOffset >= head.nextOffset) return { offset: head.nextOffset, timestamp: null };
  let { baseOffset, appendTime } = found;
  const index = found.timeIndex ?? [];
  for (let i = 0; i < index.length; i += 2) {
    if (index[i + 1]! >= timestamp) {
      baseOffset = index[i]!;
      appendTime = index[i + 1]!;
      break;
    }
  }
  return { offset: Math.max(baseOffset, head.logStartOffset), timestamp: appendTime };
}

const clock = new ManualClock(1_700_000_000_000);
let stack: TestStack;
let calls: ReturnType<typeof countCalls>;

beforeAll(async () => {
  const clients = emulatorClients();
  calls = countCalls(clients);
  stack = await createTestStack({ clients, clock, maintenance: { compactAfterMs: 0 } });
});

/** Steps of the clock between produces: repeats (equal append times), jumps, and steps back (clamped by the commit). */
const STEPS = [0, 1, 0, 0, 7, -5, 3, 1_000, 0, -2_000, 2, 2, 0, 60_000, 1, -1, 0, 13];

async function produceSteps(topic: string, requests: number, recordsPer: (i: number) => number) {
  for (let i = 0; i < requests; i++) {
    clock.advance(STEPS[i % STEPS.length]!);
    const records = Array.from({ length: recordsPer(i) }, (_, j) => ({ value: `${i}-${j}`, partition: 0 }));
    expect((await stack.request('POST', `/v1/topics/${topic}/records`, { records })).status).toBe(200);
  }
}

/** Every append time (and time-index time) of the partition, one below and one above, and both ends. */
async function interestingTimes(topicId: string): Promise<number[]> {
  const times = new Set<number>([0, 1, Number.MAX_SAFE_INTEGER]);
  for (const e of await stack.maintenance.entries.entries(topicId, 0)) {
    const all = [e.appendTime, ...(e.timeIndex ?? []).filter((_, i) => i % 2 === 1)];
    for (const t of all) for (const d of [-1, 0, 1]) times.add(t + d);
  }
  return [...times].sort((a, b) => a - b);
}

async function expectSameAnswers(topic: string) {
  const { topicId } = (await stack.log.topics.get(topic))!;
  const times = await interestingTimes(topicId);
  for (const t of times) {
    const now = await offsetForTimestamp(stack.log, topic, 0, t);
    expect({ t, ...now }).toEqual({ t, ...(await previousAnswer(stack, topicId, 0, t)) });
  }
  return times.length;
}

describe('offsets for times without the byTime index', () => {
  it('answers exactly as the LSI did: batches with equal and clamped append times', async () => {
    await stack.request('POST', '/v1/topics', { name: 'times', partitions: 1 });
    await produceSteps('times', 60, (i) => 1 + (i % 4));
    expect(await expectSameAnswers('times')).toBeGreaterThan(30);
  });

  it('answers exactly as the LSI did after compaction (segments with a time index) and a moved log start', async () => {
    await stack.request('POST', '/v1/topics', { name: 'compacted', partitions: 1 });
    await produceSteps('compacted', 45, (i) => 1 + (i % 3));
    clock.advance(1_000);
    const report = await runMaintenance(stack.maintenance);
    const { topicId } = (await stack.log.topics.get('compacted'))!;
    const entries = await stack.maintenance.entries.entries(topicId, 0);
    expect(entries.some((e) => (e.timeIndex?.length ?? 0) > 2)).toBe(true);
    expect(report).toBeDefined();
    // An uncompacted tail after the segments.
    await produceSteps('compacted', 25, () => 2);
    await expectSameAnswers('compacted');
    // Retention drops the oldest entry and moves the log start past it.
    expect(await stack.maintenance.entries.removeOldestEntry(topicId, 0, entries[0]!)).toBe(true);
    await expectSameAnswers('compacted');
  });

  it('answers an empty partition with the high watermark, and reads only the head for a time after the last append', async () => {
    await stack.request('POST', '/v1/topics', { name: 'empty', partitions: 1 });
    expect(await offsetForTimestamp(stack.log, 'empty', 0, 0)).toEqual({ offset: 0, timestamp: null });
    calls.reset();
    expect(await offsetForTimestamp(stack.log, 'times', 0, clock.now() + 1)).toMatchObject({ timestamp: null });
    expect(calls.get('QueryCommand')).toBe(0);
  });
});

describe('firstEntryAppendedAtOrAfter (the search alone)', () => {
  /** A partition of `count` single-offset entries with the given append times, probed like the store does. */
  const partition = (times: readonly number[]) => {
    const entries: IndexEntry[] = times.map((appendTime, o) => ({
      baseOffset: o,
      lastOffset: o,
      recordCount: 1,
      objectKey: 'k',
      byteOffset: 0,
      byteLength: 1,
      appendTime,
      maxTimestamp: appendTime,
      tier: 'hot',
    }));
    let probes = 0;
    const probe = async (offset: number, limit: number) => {
      probes++;
      return entries.filter((e) => e.lastOffset >= offset).slice(0, limit);
    };
    return { entries, probe, probes: () => probes };
  };

  it('finds the first entry at or after every time, in a bounded number of probes, on a long partition', async () => {
    const times = Array.from({ length: 20_000 }, (_, i) => 1_000 + Math.floor(i / 3));
    const { entries, probe, probes } = partition(times);
    const bound = 2 + Math.ceil(Math.log2(times.length));
    for (const t of [0, 1_000, 1_001, 2_500, 4_000, 7_665, 7_666, 7_667, 9_999]) {
      const before = probes();
      const found = await firstEntryAppendedAtOrAfter(probe, t, times.length, times.at(-1)!);
      expect(found?.baseOffset).toBe(entries.find((e) => e.appendTime >= t)?.baseOffset);
      expect(probes() - before).toBeLessThanOrEqual(bound);
    }
    expect(ENTRIES_PER_PROBE).toBeGreaterThan(1);
  });
});
