/**
 * `npm run bench:client`: produce through @freshet/client against the local stack (the
 * same metered stack as `npm run bench`), 1 KiB records keyed over 12 partitions, default
 * linger: 1, 8 and 64 callers that do not wait for acks, and 8 callers awaiting each send.
 * Prints a markdown table and writes bench/client-results.json (rendered into
 * docs/benchmarks.md by the bench report when present).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { LAMBDA_MEMORY_GB, phaseCost, pricedUsage } from '../cost.js';
import { evaluateGoals } from '../goals.js';
import { loadPrices, unitPrice } from '../prices.js';
import { renderMarkdown } from '../report/markdown.js';
import type { BenchResults } from '../results.js';
import { startBenchStack } from '../stack.js';
import { type CutCalibration, calibrateCuts } from './calibrate.js';
import type { ClientScenario, ClientScenarioResult } from './driver.js';
import { CLIENT_RESULTS_FILE, type ClientBenchResults, type ClientBenchRow, renderClientSection, spliceClientSection } from './report.js';

const RECORD_BYTES = 1024;
const PARTITIONS = 12;
const DURATION_MS = Number(process.env.FRESHET_BENCH_CLIENT_MS ?? 30_000);
/**
 * Distinct keys: many, as customer or device ids are. With few keys the partitions' rates
 * differ (96 keys over 12 partitions: some get 4, some 12), and a partition with a lower rate
 * ships smaller batches (docs/client.md).
 */
const KEYS = Number(process.env.FRESHET_BENCH_CLIENT_KEYS ?? 10_000);
const SCENARIOS: { name: string; callers: number; awaitEach: boolean }[] = [
  { name: '1 caller, not awaiting acks', callers: 1, awaitEach: false },
  { name: '8 callers, not awaiting acks', callers: 8, awaitEach: false },
  { name: '64 callers, not awaiting acks', callers: 64, awaitEach: false },
  { name: '8 callers, awaiting each send', callers: 8, awaitEach: true },
];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const driver = fileURLToPath(new URL('./driver.ts', import.meta.url));

const loadAverage = loadavg()[0]!;
const stack = await startBenchStack();
const prices = loadPrices();
const rows: ClientBenchRow[] = [];
async function createTopic(topic: string): Promise<void> {
  const created = await fetch(`${stack.api.baseUrl}/v1/topics`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.api.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: topic, partitions: PARTITIONS }),
  });
  if (created.status !== 201) throw new Error(`could not create ${topic}: ${created.status}`);
}
const calibration: CutCalibration[] = [];
/** Requests of each shape in the one-at-a-time calibration (four per partition). */
const CALIBRATION_REQUESTS = Number(process.env.FRESHET_BENCH_CLIENT_CALIBRATION ?? 4 * PARTITIONS);
let loadDuringScenarios = loadAverage;
try {
  const only = process.env.FRESHET_BENCH_CLIENT_ONLY?.split(',').map(Number);
  for (const [i, s] of SCENARIOS.entries()) {
    if (only && !only.includes(i)) continue;
    const topic = `client-${i}`;
    await createTopic(topic);
    stack.meter.reset();
    const scenario: ClientScenario = { ...stack.api, topic, callers: s.callers, awaitEach: s.awaitEach, durationMs: DURATION_MS, recordBytes: RECORD_BYTES, keys: KEYS };
    const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, driver, JSON.stringify(scenario)], { maxBuffer: 256 * 1024 * 1024 });
    const r = JSON.parse(stdout) as ClientScenarioResult;
    const usage = stack.meter.snapshot();
    const cost = phaseCost(pricedUsage(usage, r.tally), prices, { records: r.records, payloadBytes: r.records * RECORD_BYTES });
    const loadAfter = loadavg()[0]!;
    const gib = (r.records * RECORD_BYTES) / 1024 ** 3;
    const acks = r.ackMs.sort((a, b) => a - b);
    rows.push({
      scenario: s.name,
      awaitEach: s.awaitEach,
      records: r.records,
      recordsPerSecond: Math.round(r.records / (r.elapsedMs / 1000)),
      ackP50Ms: Math.round(percentile(acks, 50)),
      ackP99Ms: Math.round(percentile(acks, 99)),
      requests: r.requests,
      meanRequestKiB: Math.round(r.requestBytes / r.requests / 1024),
      usdPerGiB: cost.usdPerGiB,
      usdPerMillionRecords: cost.usdPerMillionRecords,
      usdPerGiBFunctionUrl: (cost.usd.total - cost.usd.apiGateway) / gib,
      perGiB: { apiGateway: cost.usd.apiGateway / gib, lambda: cost.usd.lambda / gib, s3: cost.usd.s3 / gib, dynamodb: cost.usd.dynamodb / gib },
      serverMsPerRequest: Math.round(usage.server.totalMs / Math.max(1, usage.server.requests)),
      recordsPerRequest: Math.round(r.records / Math.max(1, r.requests)),
      usage: cost.usage,
      loadAverageAfter: loadAfter,
      perInstance: null,
    });
    loadDuringScenarios = Math.max(loadDuringScenarios, loadAfter);
    console.error(`${s.name}: ${JSON.stringify(rows.at(-1))}`);
  }
  // The 8-caller row's requests again, one at a time, in both cuts (docs/client.md).
  const reference = rows.find((x) => x.scenario.startsWith('8 callers, not awaiting')) ?? rows.find((x) => x.meanRequestKiB >= 256);
  if (reference) {
    const topic = 'client-calibration';
    await createTopic(topic);
    calibration.push(...(await calibrateCuts(stack, prices, { topic, requests: CALIBRATION_REQUESTS, recordsPerRequest: reference.recordsPerRequest, recordBytes: RECORD_BYTES, partitions: PARTITIONS })));
    for (const c of calibration) console.error(`calibration ${c.shape}: ${JSON.stringify(c, (k, v) => (k === 'cost' ? undefined : v))}`);
    // Lambda as AWS runs it: each request alone on its instance, for as long as it took here alone.
    const alone = calibration.find((c) => c.shape === 'per-partition')!;
    for (const row of rows) {
      if (Math.abs(row.meanRequestKiB - alone.meanRequestKiB) > 0.25 * alone.meanRequestKiB) continue;
      const gib = (row.records * RECORD_BYTES) / 1024 ** 3;
      const duration = row.usage.lambdaInvocations * (alone.serverMsPerRequest / 1000) * LAMBDA_MEMORY_GB * unitPrice(prices, 'lambdaArmGbSecond');
      const lambda = row.usage.lambdaInvocations * unitPrice(prices, 'lambdaRequest') + duration;
      const rest = (row.perGiB.apiGateway + row.perGiB.s3 + row.perGiB.dynamodb) * gib;
      row.perInstance = {
        serverMsPerRequest: alone.serverMsPerRequest,
        lambdaPerGiB: lambda / gib,
        lambdaDurationPerGiB: duration / gib,
        usdPerGiBHttpApi: (rest + lambda) / gib,
        usdPerGiBFunctionUrl: (rest - row.perGiB.apiGateway * gib + lambda) / gib,
      };
    }
  }
} finally {
  await stack.stop();
}
const results: ClientBenchResults = { at: new Date().toISOString(), durationMs: DURATION_MS, keys: KEYS, loadAverage, loadAverageMax: loadDuringScenarios, lambdaMemoryGb: LAMBDA_MEMORY_GB, rows, calibration };
await writeFile(CLIENT_RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
const report = join(process.cwd(), 'docs', 'benchmarks.md');
const benchResults = join(process.cwd(), 'bench', 'results.json');
if (existsSync(benchResults)) {
  // The goals table judges the client's cost from these figures: render the whole report again.
  const { goals: _stale, ...measured } = JSON.parse(await readFile(benchResults, 'utf8')) as BenchResults;
  const updated: BenchResults = { ...measured, goals: evaluateGoals(measured, results) };
  await writeFile(benchResults, `${JSON.stringify(updated, null, 2)}\n`);
  await writeFile(report, renderMarkdown(updated));
} else {
  await writeFile(report, spliceClientSection(await readFile(report, 'utf8'), renderClientSection(results)));
}
process.stdout.write(`${renderClientSection(results)}\n`);
