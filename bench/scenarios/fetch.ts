import { mapWithConcurrency } from '../../shared/concurrency.js';
import { produce, type ProduceRecord } from '../../shared/log/produce.js';
import { createTopic } from '../../shared/topics/topic-service.js';
import { phaseCost, pricedUsage } from '../cost.js';
import { addUsage, EMPTY_USAGE } from '../instrument/usage-meter.js';
import { decodeHistogram, mergeHistograms, summarize } from '../latency.js';
import type { HttpTally } from '../load/protocol.js';
import type { FetchScenarioResult, SectionResults } from '../results.js';
import { GiB, MiB, median, round } from '../stats.js';
import { workloadRecords } from '../workload.js';
import { type MaintenancePass, runMaintenancePass } from './maintenance-pass.js';
import type { SectionContext } from './section.js';

const RECORDS = 100_000;
const VALUE_BYTES = 1024;
/** The fetch API's maxima: a consumer catching up asks for as much as it may. */
const LIMIT = 10_000;
const MAX_BYTES = 4 * MiB;
/** How the records were written decides how many index entries and ranged GETs a read-back needs. */
const WRITTEN_IN_REQUESTS_OF = [1000, 100];

/**
 * Reading back 100,000 records of 1 KiB from one partition by paging the fetch API, before
 * and after compaction: first as produce left them (each request's batch its own index
 * entry and ranged GET), then after one maintenance pass has rewritten them into segments.
 * This section runs before the produce scenarios, so the pass only sees these topics.
 */
export async function runFetchSection(ctx: SectionContext): Promise<SectionResults['fetch']> {
  const topics = WRITTEN_IN_REQUESTS_OF.map((perRequest) => ({ perRequest, name: `bench-fetch-written-by-${perRequest}` }));
  // One partition each, so the two fills do not contend for a partition's commits.
  await Promise.all(topics.map((t) => fill(ctx, t.name, t.perRequest)));

  const scenarios: FetchScenarioResult[] = [];
  for (const t of topics) scenarios.push(await readBack(ctx, t.name, t.perRequest, 'before compaction', RECORDS / t.perRequest));

  const compactionPass = await runMaintenancePass(ctx);
  const compaction: SectionResults['fetch']['maintenance']['compaction'] = compactionPass.ok
    ? {
        ok: true,
        durationMs: compactionPass.durationMs,
        partitions: compactionPass.partitions,
        compactedGiB: round((topics.length * RECORDS * VALUE_BYTES) / GiB),
        cost: phaseCost(compactionPass.priced, ctx.prices, { records: topics.length * RECORDS, payloadBytes: topics.length * RECORDS * VALUE_BYTES }),
      }
    : compactionPass;
  ctx.progress(compactionPass.ok ? `compaction pass: ${compactionPass.durationMs} ms, ${JSON.stringify(compactionPass.partitions)}` : `compaction pass failed: ${compactionPass.error}`);

  if (compactionPass.ok) {
    for (const t of topics) {
      const entries = compactionPass.partitions.find((p) => p.topic === t.name)?.entriesAfter;
      if (entries !== undefined) scenarios.push(await readBack(ctx, t.name, t.perRequest, 'after compaction', entries));
    }
  }

  // Nothing is left to compact: this is what every scheduled pass costs while nobody writes.
  const idle: MaintenancePass = await runMaintenancePass(ctx);
  const idlePass: SectionResults['fetch']['maintenance']['idlePass'] = idle.ok
    ? { ok: true, over: `${topics.length} one-partition topics`, durationMs: idle.durationMs, calls: idle.calls, cost: phaseCost(idle.priced, ctx.prices, { records: 0, payloadBytes: 0 }) }
    : idle;
  ctx.progress(idle.ok ? `idle maintenance pass: ${idle.durationMs} ms, ${JSON.stringify(idle.calls)}` : `idle maintenance pass failed: ${idle.error}`);
  return { scenarios, maintenance: { compaction, idlePass } };
}

async function readBack(ctx: SectionContext, topic: string, perRequest: number, compaction: FetchScenarioResult['compaction'], indexEntries: number): Promise<FetchScenarioResult> {
  const passes: { elapsedMs: number; records: number; valueBytes: number; pages: number; latency: string; http: HttpTally }[] = [];
  let usage = EMPTY_USAGE;
  const started = performance.now();
  for (let pass = 0; pass < ctx.options.fetchPasses && (pass === 0 || performance.now() - started < ctx.options.fetchBudgetMs); pass++) {
    ctx.stack.meter.reset();
    const o = await ctx.driver.run({ kind: 'read-back', target: ctx.stack.api, topic, partition: 0, fromOffset: 0, toOffset: RECORDS, limit: LIMIT, maxBytes: MAX_BYTES });
    usage = addUsage(usage, ctx.stack.meter.snapshot());
    passes.push({ ...o, http: o });
  }
  const rates = passes.map((p) => p.records / (p.elapsedMs / 1000));
  const records = passes.reduce((n, p) => n + p.records, 0);
  const valueBytes = passes.reduce((n, p) => n + p.valueBytes, 0);
  const http = passes.reduce<HttpTally>(
    (t, p) => ({
      requests: t.requests + p.http.requests,
      requestBytes: t.requestBytes + p.http.requestBytes,
      responseBytes: t.responseBytes + p.http.responseBytes,
      apiGatewayUnits: t.apiGatewayUnits + p.http.apiGatewayUnits,
    }),
    { requests: 0, requestBytes: 0, responseBytes: 0, apiGatewayUnits: 0 },
  );
  const pages = passes.reduce((n, p) => n + p.pages, 0);
  const result: FetchScenarioResult = {
    id: `fetch 100k × 1 KiB, written by ${perRequest}-record requests, ${compaction}`,
    compaction,
    indexEntries,
    writtenInRequestsOf: perRequest,
    records: RECORDS,
    limit: LIMIT,
    maxBytes: MAX_BYTES,
    recordsPerSecond: round(median(rates)),
    mibPerSecond: round((median(rates) * VALUE_BYTES) / MiB),
    runs: rates.map((r) => round(r)),
    pagesPerPass: round(pages / passes.length),
    pageLatencyMs: summarize(mergeHistograms(passes.map((p) => decodeHistogram(p.latency)))),
    callsPerPass: Object.fromEntries(Object.entries(usage.calls).map(([name, n]) => [name.replace(/Command$/, ''), round(n / passes.length)])),
    serverMsPerPage: round(usage.server.totalMs / Math.max(1, usage.server.requests)),
    cost: phaseCost(pricedUsage(usage, http), ctx.prices, { records, payloadBytes: valueBytes }),
  };
  ctx.progress(`${result.id}: ${result.recordsPerSecond} rec/s (${result.mibPerSecond} MiB/s), ${result.pagesPerPass} pages, page p50 ${result.pageLatencyMs.p50Ms} ms`);
  return result;
}

/** Writes the records through the domain's produce (no HTTP: the setup is not what is measured). */
async function fill(ctx: SectionContext, topic: string, perRequest: number): Promise<void> {
  await createTopic(ctx.stack.log, { name: topic, partitions: 1 });
  const start = performance.now();
  const requests = Array.from({ length: RECORDS / perRequest }, (_, i) => i);
  await mapWithConcurrency(requests, 4, async (i) => {
    const records: ProduceRecord[] = workloadRecords({ records: perRequest, partitions: 1, valueBytes: VALUE_BYTES }, i).map((r) => ({
      key: null,
      value: Buffer.from(r.value),
      headers: [],
      partition: 0,
    }));
    await produce(ctx.stack.log, { topic, records });
  });
  ctx.progress(`filled ${topic}: ${RECORDS} records in ${requests.length} requests (${Math.round(performance.now() - start)} ms)`);
}
