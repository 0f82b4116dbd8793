import type { Histogram } from 'hdr-histogram-js';
import { createTopic } from '../../shared/topics/topic-service.js';
import { phaseCost, pricedUsage } from '../cost.js';
import { StorageFloor } from '../floor.js';
import { type ProcessCpu, ProcessCpuMeter } from '../instrument/process-cpu.js';
import { addUsage, EMPTY_USAGE, type UsageSnapshot } from '../instrument/usage-meter.js';
import { decodeHistogram, mergeHistograms, summarize } from '../latency.js';
import type { HttpTally } from '../load/protocol.js';
import type { ProduceScenarioResult, ThroughputFigures } from '../results.js';
import { MiB, median, round, spread } from '../stats.js';
import { type ProduceShape, produceBody, recordBatchesBody, workloadRecords } from '../workload.js';
import type { SectionContext } from './section.js';

const VALUE_BYTES = 1024;
const RECORDS_PER_REQUEST = [1, 100, 1000];
const CLIENTS = [1, 8];
const PARTITIONS = [1, 12];

interface PhaseRun {
  records: number;
  requests: number;
  failures: number;
  elapsedMs: number;
  latency: Histogram;
  usage: UsageSnapshot;
  http?: HttpTally;
  /** CPU ms per request of each process of the stack during the phase. */
  cpu: ProcessCpu;
  firstError?: string;
}

/**
 * Produce over HTTP against the storage floor, scenario by scenario. Each repeat is a
 * produce phase and a floor phase back to back (their order alternating), each after its
 * own warm-up; a repeat yields one floorRatio, and the spread of those is the noise.
 */
export async function runProduceSection(ctx: SectionContext): Promise<ProduceScenarioResult[]> {
  const { stack, driver, options } = ctx;
  const floor = new StorageFloor(stack.clients, stack.table, stack.bucket);
  const cpuMeter = new ProcessCpuMeter([
    { name: 'load driver', pid: driver.pid },
    { name: 'DynamoDB Local', pid: stack.emulatorPids.dynamodbLocal },
    { name: 's3rver', pid: stack.emulatorPids.s3rver },
  ]);
  await warmUpStack(ctx, floor);

  const results: ProduceScenarioResult[] = [];
  for (const partitions of PARTITIONS) {
    for (const records of RECORDS_PER_REQUEST) {
      for (const clients of CLIENTS) {
        const shape: ProduceShape = { records, partitions, valueBytes: VALUE_BYTES, wire: 'record-batches' };
        const jsonShape: ProduceShape = { ...shape, wire: 'json' };
        const name = `bench-produce-r${records}-c${clients}-p${partitions}`;
        await createTopic(stack.log, { name, partitions });
        const floorRequests = floor.prepare(shape);
        const produceRuns: PhaseRun[] = [];
        const jsonRuns: PhaseRun[] = [];
        const floorRuns: PhaseRun[] = [];

        const produceWith = (wireShape: ProduceShape) => async (durationMs: number): Promise<PhaseRun> => {
          const o = await driver.run({ kind: 'produce', target: stack.api, topic: name, shape: wireShape, clients, durationMs });
          const run: PhaseRun = { records: o.records, requests: o.operations, failures: o.failures, elapsedMs: o.elapsedMs, latency: decodeHistogram(o.latency), usage: EMPTY_USAGE, http: o, cpu: {} };
          return o.firstError !== undefined ? { ...run, firstError: o.firstError } : run;
        };
        const storageFloor = async (durationMs: number): Promise<PhaseRun> => {
          const o = await floor.run({ logId: `FLOOR-${name}`, requests: floorRequests, clients, durationMs });
          const run: PhaseRun = { records: (o.operations - o.failures) * records, requests: o.operations, failures: o.failures, elapsedMs: o.elapsedMs, latency: o.latency, usage: EMPTY_USAGE, cpu: {} };
          return o.firstError !== undefined ? { ...run, firstError: o.firstError } : run;
        };
        const measured = async (phase: (ms: number) => Promise<PhaseRun>): Promise<PhaseRun> => {
          await phase(options.warmupMs);
          stack.meter.reset();
          const cpuBefore = cpuMeter.snapshot();
          const run = await phase(options.measureMs);
          return { ...run, usage: stack.meter.snapshot(), cpu: ProcessCpuMeter.perOperation(cpuBefore, cpuMeter.snapshot(), run.requests) };
        };

        // Each repeat runs the three phases back to back, the order turning one step per repeat,
        // so that neither body nor the floor always runs first (or right after the other).
        const phases = [
          { runs: produceRuns, phase: produceWith(shape) },
          { runs: jsonRuns, phase: produceWith(jsonShape) },
          { runs: floorRuns, phase: storageFloor },
        ];
        for (let repeat = 0; repeat < options.repeats; repeat++) {
          for (let k = 0; k < phases.length; k++) {
            const { runs, phase } = phases[(repeat + k) % phases.length]!;
            runs.push(await measured(phase));
          }
        }
        const partitionsPerRequest = floorRequests.reduce((n, r) => n + r.sections.length, 0) / floorRequests.length;
        const bodies = { requestBodyBytes: recordBatchesBody(shape, 0).byteLength, jsonBodyBytes: Buffer.byteLength(produceBody(workloadRecords(shape, 0))) };
        const result = summarizeScenario(ctx, { shape, clients, partitionsPerRequest, ...bodies }, produceRuns, jsonRuns, floorRuns);
        const failed = [...produceRuns, ...jsonRuns, ...floorRuns].find((r) => r.firstError !== undefined);
        if (failed) ctx.progress(`warning: ${name} had failed requests (${result.failures} produce, ${result.json!.failures} JSON, ${result.floor.failures} floor); first: ${failed.firstError}`);
        ctx.progress(
          `${result.id}: ${result.recordsPerSecond} rec/s (${result.mibPerSecond} MiB/s), p50 ${result.latencyMs.p50Ms} ms, p99 ${result.latencyMs.p99Ms} ms; floor ${result.floor.recordsPerSecond} rec/s; floorRatio ${result.floorRatio} [${result.floorRatioNoise.min}–${result.floorRatioNoise.max}]; JSON body ${result.json!.recordsPerSecond} rec/s, ratio ${result.json!.floorRatio}`,
        );
        results.push(result);
      }
    }
  }
  return results;
}

/** JIT, sockets, the SDK's connection pools and DynamoDB Local's own warm-up, before anything counts. */
async function warmUpStack(ctx: SectionContext, floor: StorageFloor): Promise<void> {
  const { stack, driver, options } = ctx;
  const shape: ProduceShape = { records: 100, partitions: 12, valueBytes: VALUE_BYTES };
  await createTopic(stack.log, { name: 'bench-warm-up', partitions: 12 });
  await driver.run({ kind: 'produce', target: stack.api, topic: 'bench-warm-up', shape, clients: 8, durationMs: options.stackWarmupMs });
  await floor.run({ logId: 'FLOOR-warm-up', requests: floor.prepare(shape), clients: 8, durationMs: options.stackWarmupMs / 2 });
}

function summarizeScenario(
  ctx: SectionContext,
  s: { shape: ProduceShape; clients: number; partitionsPerRequest: number; requestBodyBytes: number; jsonBodyBytes: number },
  produceRuns: PhaseRun[],
  jsonRuns: PhaseRun[],
  floorRuns: PhaseRun[],
): ProduceScenarioResult {
  const { shape, clients } = s;
  const produce = figures(produceRuns, shape.valueBytes);
  const floor = figures(floorRuns, shape.valueBytes);
  const ratios = produceRuns.map((p, i) => rate(p) / rate(floorRuns[i]!));
  const jsonSpread = spread(jsonRuns.map((p, i) => rate(p) / rate(floorRuns[i]!)));
  const usage = produceRuns.reduce((u, r) => addUsage(u, r.usage), EMPTY_USAGE);
  const floorUsage = floorRuns.reduce((u, r) => addUsage(u, r.usage), EMPTY_USAGE);
  const http = produceRuns.reduce<HttpTally>(
    (t, r) => ({
      requests: t.requests + (r.http?.requests ?? 0),
      requestBytes: t.requestBytes + (r.http?.requestBytes ?? 0),
      responseBytes: t.responseBytes + (r.http?.responseBytes ?? 0),
      apiGatewayUnits: t.apiGatewayUnits + (r.http?.apiGatewayUnits ?? 0),
    }),
    { requests: 0, requestBytes: 0, responseBytes: 0, apiGatewayUnits: 0 },
  );
  const priced = pricedUsage(usage, http);
  const floorPriced = pricedUsage(floorUsage, undefined);
  const perRequest = (n: number) => round(n / Math.max(1, produce.requests), 4);
  const records = produceRuns.reduce((n, r) => n + r.records, 0);
  const floorRecords = floorRuns.reduce((n, r) => n + r.records, 0);
  const ratioSpread = spread(ratios);
  return {
    id: `produce ${shape.records} rec × ${clients} client${clients > 1 ? 's' : ''} × ${shape.partitions} partition${shape.partitions > 1 ? 's' : ''}`,
    records: shape.records,
    clients,
    partitions: shape.partitions,
    valueBytes: shape.valueBytes,
    requestBodyBytes: s.requestBodyBytes,
    partitionsPerRequest: round(s.partitionsPerRequest),
    ...produce,
    floor: {
      ...floor,
      cpuMsPerRequest: medianCpu(floorRuns),
      callsPerRequest: perRequestCalls(floorUsage, floor.requests),
      cost: phaseCost(floorPriced, ctx.prices, { records: floorRecords, payloadBytes: floorRecords * shape.valueBytes }),
    },
    floorRatio: round(ratioSpread.median),
    floorRatioNoise: { min: round(ratioSpread.min), median: round(ratioSpread.median), max: round(ratioSpread.max), runs: ratios.map((r) => round(r)) },
    json: {
      ...figures(jsonRuns, shape.valueBytes),
      requestBodyBytes: s.jsonBodyBytes,
      floorRatio: round(jsonSpread.median),
      floorRatioNoise: { min: round(jsonSpread.min), median: round(jsonSpread.median), max: round(jsonSpread.max), runs: jsonSpread.runs.map((r) => round(r)) },
      cpuMsPerRequest: medianCpu(jsonRuns),
    },
    callsPerRequest: perRequestCalls(usage, produce.requests),
    putsPerRequest: perRequest(usage.calls['PutObjectCommand'] ?? 0),
    transactionsPerRequest: perRequest(usage.calls['TransactWriteItemsCommand'] ?? 0),
    writeUnitsPerRequest: perRequest(priced.writeRequestUnits),
    readUnitsPerRequest: perRequest(priced.readRequestUnits),
    serverMsPerRequest: round(usage.server.totalMs / Math.max(1, usage.server.requests)),
    cpuMsPerRequest: medianCpu(produceRuns),
    cost: phaseCost(priced, ctx.prices, { records, payloadBytes: records * shape.valueBytes }),
  };
}

/** Per process, the median over the repeats of its CPU ms per request. */
function medianCpu(runs: PhaseRun[]): Record<string, number> {
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.cpu)))];
  return Object.fromEntries(names.map((n) => [n, round(median(runs.flatMap((r) => (r.cpu[n] === undefined ? [] : [r.cpu[n]!]))), 3)]));
}

const rate = (run: PhaseRun) => run.records / (run.elapsedMs / 1000);

function figures(runs: PhaseRun[], valueBytes: number): ThroughputFigures {
  const rates = runs.map(rate);
  const recordsPerSecond = median(rates);
  return {
    recordsPerSecond: round(recordsPerSecond),
    mibPerSecond: round((recordsPerSecond * valueBytes) / MiB),
    runs: rates.map((r) => round(r)),
    latencyMs: summarize(mergeHistograms(runs.map((r) => r.latency))),
    requests: runs.reduce((n, r) => n + r.requests, 0),
    failures: runs.reduce((n, r) => n + r.failures, 0),
  };
}

function perRequestCalls(usage: UsageSnapshot, requests: number): Record<string, number> {
  return Object.fromEntries(Object.entries(usage.calls).map(([name, n]) => [name.replace(/Command$/, ''), round(n / Math.max(1, requests), 4)]));
}
