import { DIRECT_DEFAULT_LIMIT, DIRECT_DEFAULT_MAX_BYTES } from '../../client/src/direct-read.js';
import { Freshet } from '../../client/src/index.js';
import { mapWithConcurrency } from '../../shared/concurrency.js';
import { produce, type ProduceRecord } from '../../shared/log/produce.js';
import { createTopic } from '../../shared/topics/topic-service.js';
import type { DirectReadResult } from '../results.js';
import { MiB, round, spread } from '../stats.js';
import { workloadRecords } from '../workload.js';
import type { SectionContext } from './section.js';

const TOPIC = 'bench-direct-read';
const RECORDS = 100_000;
const VALUE_BYTES = 1024;
const PER_REQUEST = 1000;
/**
 * A direct fetch's page, as the client asks for it at its defaults: the most a direct fetch
 * answers (100,000 records, 64 MiB of ranges; the bytes never pass the function).
 */
const LIMIT = DIRECT_DEFAULT_LIMIT;
const MAX_BYTES = DIRECT_DEFAULT_MAX_BYTES;
/** The floor's ranged GETs in flight; the best of these is the floor. */
const FLOOR_CONCURRENCY = [4, 8];

interface Range {
  url: string;
  headers: { range: string };
  byteLength: number;
}

/**
 * Direct reads through the client against the floor of raw ranged GETs of the same bytes.
 * The client (`readPartition({ direct: true, follow: false })` at its default pages, in this
 * process) asks the API for presigned ranges page by page, downloads them from s3rver, decodes every batch
 * and checks its CRC, and turns each record into a message (string encoding). The floor
 * GETs the very same byte ranges (collected beforehand from the same direct fetches) and
 * does nothing with them: no API call, no decode. Runs alternate; `directRatio` = client
 * ÷ floor throughput, median of the pairs.
 */
export async function runDirectReadSection(ctx: SectionContext): Promise<DirectReadResult> {
  await fill(ctx);
  const freshet = new Freshet({ url: ctx.stack.api.baseUrl, apiKey: ctx.stack.api.apiKey });
  const ranges = await collectRanges(ctx);
  const bytes = ranges.reduce((n, r) => n + r.byteLength, 0);

  const client = async () => {
    const start = performance.now();
    let count = 0;
    let valueBytes = 0;
    for await (const m of freshet.readPartition({ topic: TOPIC, partition: 0, direct: true, follow: false, encoding: 'string' })) {
      count++;
      valueBytes += (m.value as string).length;
    }
    if (count !== RECORDS || valueBytes !== RECORDS * VALUE_BYTES) throw new Error(`direct read returned ${count} records, ${valueBytes} value bytes`);
    return bytes / MiB / ((performance.now() - start) / 1000);
  };
  const floor = async (concurrency: number) => {
    const start = performance.now();
    // Fresh URLs each run would cost API calls the floor must not have; these stay valid for minutes.
    const got = await mapWithConcurrency(ranges, concurrency, async (r) => (await (await fetch(r.url, { headers: r.headers })).arrayBuffer()).byteLength);
    if (got.reduce((a, b) => a + b, 0) !== bytes) throw new Error('floor GETs returned other bytes');
    return bytes / MiB / ((performance.now() - start) / 1000);
  };

  await client(); // warm-up: JIT, connections
  await floor(FLOOR_CONCURRENCY[0]!);
  const clientRuns: number[] = [];
  const floorRuns: number[] = [];
  for (let i = 0; i < ctx.options.repeats; i++) {
    const floors: number[] = [];
    for (const c of FLOOR_CONCURRENCY) floors.push(await floor(c));
    floorRuns.push(Math.max(...floors));
    clientRuns.push(await client());
  }
  const ratios = clientRuns.map((c, i) => c / floorRuns[i]!);
  const s = spread(ratios);
  const result: DirectReadResult = {
    id: `direct read ${RECORDS.toLocaleString('en')} × ${VALUE_BYTES} B (written ${PER_REQUEST} per request)`,
    records: RECORDS,
    bytes,
    ranges: ranges.length,
    client: { mibPerSecond: round(spread(clientRuns).median), runs: clientRuns.map((r) => round(r)) },
    floor: { mibPerSecond: round(spread(floorRuns).median), runs: floorRuns.map((r) => round(r)), concurrency: FLOOR_CONCURRENCY },
    directRatio: round(s.median),
    directRatioNoise: { min: round(s.min), median: round(s.median), max: round(s.max), runs: s.runs.map((r) => round(r)) },
  };
  ctx.progress(`${result.id}: client ${result.client.mibPerSecond} MiB/s, floor ${result.floor.mibPerSecond} MiB/s, ratio ${result.directRatio}`);
  return result;
}

async function fill(ctx: SectionContext): Promise<void> {
  await createTopic(ctx.stack.log, { name: TOPIC, partitions: 1 });
  const requests = Array.from({ length: RECORDS / PER_REQUEST }, (_, i) => i);
  await mapWithConcurrency(requests, 4, async (i) => {
    const records: ProduceRecord[] = workloadRecords({ records: PER_REQUEST, partitions: 1, valueBytes: VALUE_BYTES }, i).map((r) => ({
      key: null,
      value: Buffer.from(r.value),
      headers: [],
      partition: 0,
    }));
    await produce(ctx.stack.log, { topic: TOPIC, records });
  });
}

/** The ranges the direct fetches hand out for the whole partition, in order. */
async function collectRanges(ctx: SectionContext): Promise<Range[]> {
  const ranges: Range[] = [];
  for (let offset = 0; offset < RECORDS; ) {
    const res = await fetch(`${ctx.stack.api.baseUrl}/v1/topics/${TOPIC}/partitions/0/records?direct=true&offset=${offset}&limit=${LIMIT}&maxBytes=${MAX_BYTES}`, {
      headers: { authorization: `Bearer ${ctx.stack.api.apiKey}` },
    });
    const answer = (await res.json()) as { ranges: Range[]; nextOffset: number };
    ranges.push(...answer.ranges);
    offset = answer.nextOffset;
  }
  return ranges;
}
