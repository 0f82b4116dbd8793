import { DIRECT_DEFAULT_LIMIT, DIRECT_DEFAULT_MAX_BYTES } from '../../client/src/direct-read.js';
import { mapWithConcurrency } from '../../shared/concurrency.js';
import type { LogContext } from '../../shared/log/log-context.js';
import { produce, type ProduceRecord } from '../../shared/log/produce.js';
import { createTopic } from '../../shared/topics/topic-service.js';
import type { ApiTarget, DirectReadCommand } from '../load/protocol.js';
import type { DirectReadResult } from '../results.js';
import { median, round, spread } from '../stats.js';
import { workloadRecords } from '../workload.js';
import type { SectionContext } from './section.js';

const TOPIC = 'bench-direct-read';
/** The partition a direct read reads: 100,000 records of 1 KiB, written 1,000 per request (bench/profile-direct-read.ts reads the same). */
export const RECORDS = 100_000;
export const VALUE_BYTES = 1024;
const PER_REQUEST = 1000;
/**
 * A direct fetch's page, as the client asks for it at its defaults: the most a direct fetch
 * answers (100,000 records, 64 MiB of ranges; the bytes never pass the function).
 */
const LIMIT = DIRECT_DEFAULT_LIMIT;
const MAX_BYTES = DIRECT_DEFAULT_MAX_BYTES;
/** The floor's ranged GETs in flight; the best of these is the floor. */
const FLOOR_CONCURRENCY = [4, 8];
/** Runs of each in-flight count that choose the floor's. */
const FLOOR_TRIALS = 3;
const PAIRS_PER_REPEAT = 3;

type Range = DirectReadCommand['ranges'][number];

/**
 * Direct reads through the client against the floor of raw ranged GETs of the same bytes.
 * The client (`readPartition({ direct: true, follow: false })` at its default pages, in the
 * load driver process) asks the API for presigned ranges page by page, downloads them from s3rver, decodes every batch
 * and checks its CRC, and turns each record into a message (string encoding). The floor
 * GETs the very same byte ranges (collected beforehand from the same direct fetches) and
 * does nothing with them: no API call, no decode. Runs alternate; `directRatio` = client
 * ÷ floor throughput, median of the pairs.
 */
export async function runDirectReadSection(ctx: SectionContext): Promise<DirectReadResult> {
  await fillPartition(ctx.stack.log, TOPIC);
  const ranges = await collectRanges(ctx.stack.api, TOPIC);
  const bytes = ranges.reduce((n, r) => n + r.byteLength, 0);
  // Both readers run in the load driver, as the produce section's clients do: the API's
  // direct fetches are served by this process (a Lambda, deployed), not by the reader's.
  const pass = async (p: 'client' | 'floor', concurrency = 0) =>
    (
      await ctx.driver.run({
        kind: 'direct-read',
        target: ctx.stack.api,
        topic: TOPIC,
        partition: 0,
        records: RECORDS,
        valueBytes: VALUE_BYTES,
        ranges,
        pass: p,
        concurrency,
      })
    ).mibPerSecond;
  const client = () => pass('client');
  const floor = (concurrency: number) => pass('floor', concurrency);

  await client(); // warm-up: JIT, connections
  // The floor's in-flight count is chosen once, by the median of a few runs of each, and then
  // paired one to one with the client's runs: taking the better of two floor runs for every
  // pair would compare the client with the floor's luckier sample each time.
  const tried = new Map<number, number[]>(FLOOR_CONCURRENCY.map((c) => [c, []]));
  for (let i = 0; i < FLOOR_TRIALS; i++) for (const c of FLOOR_CONCURRENCY) tried.get(c)!.push(await floor(c));
  const best = [...tried].reduce((a, b) => (median(b[1]) > median(a[1]) ? b : a))[0];
  const clientRuns: number[] = [];
  const floorRuns: number[] = [];
  // More pairs than the produce section's repeats: a pass takes a fraction of a second, and
  // on two shared cores one pair's ratio moves by ±0.15.
  const pairs = ctx.options.repeats * PAIRS_PER_REPEAT;
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      floorRuns.push(await floor(best));
      clientRuns.push(await client());
    } else {
      clientRuns.push(await client());
      floorRuns.push(await floor(best));
    }
  }
  const ratios = clientRuns.map((c, i) => c / floorRuns[i]!);
  const s = spread(ratios);
  const result: DirectReadResult = {
    id: `direct read ${RECORDS.toLocaleString('en')} × ${VALUE_BYTES} B (written ${PER_REQUEST} per request)`,
    records: RECORDS,
    bytes,
    ranges: ranges.length,
    client: { mibPerSecond: round(spread(clientRuns).median), runs: clientRuns.map((r) => round(r)) },
    floor: { mibPerSecond: round(spread(floorRuns).median), runs: floorRuns.map((r) => round(r)), concurrency: FLOOR_CONCURRENCY, bestConcurrency: best },
    directRatio: round(s.median),
    directRatioNoise: { min: round(s.min), median: round(s.median), max: round(s.max), runs: s.runs.map((r) => round(r)) },
  };
  ctx.progress(`${result.id}: client ${result.client.mibPerSecond} MiB/s, floor ${result.floor.mibPerSecond} MiB/s, ratio ${result.directRatio}`);
  return result;
}

/** Writes the partition the direct reads read: RECORDS × VALUE_BYTES into partition 0 of a new `topic`. */
export async function fillPartition(log: LogContext, topic: string): Promise<void> {
  await createTopic(log, { name: topic, partitions: 1 });
  const requests = Array.from({ length: RECORDS / PER_REQUEST }, (_, i) => i);
  await mapWithConcurrency(requests, 4, async (i) => {
    const records: ProduceRecord[] = workloadRecords({ records: PER_REQUEST, partitions: 1, valueBytes: VALUE_BYTES }, i).map((r) => ({
      key: null,
      value: Buffer.from(r.value),
      headers: [],
      partition: 0,
    }));
    await produce(log, { topic, records });
  });
}

/** The ranges the direct fetches hand out for the whole partition, in order, at the client's default pages. */
export async function collectRanges(api: ApiTarget, topic: string): Promise<Range[]> {
  const ranges: Range[] = [];
  for (let offset = 0; offset < RECORDS; ) {
    const res = await fetch(`${api.baseUrl}/v1/topics/${topic}/partitions/0/records?direct=true&offset=${offset}&limit=${LIMIT}&maxBytes=${MAX_BYTES}`, {
      headers: { authorization: `Bearer ${api.apiKey}` },
    });
    const answer = (await res.json()) as { ranges: (Range & Record<string, unknown>)[]; nextOffset: number };
    ranges.push(...answer.ranges.map((r) => ({ url: r.url, headers: r.headers, byteLength: r.byteLength })));
    offset = answer.nextOffset;
  }
  return ranges;
}
