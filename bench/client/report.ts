import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PricedUsage } from '../cost.js';
import type { CutCalibration } from './calibrate.js';

export interface ClientBenchRow {
  scenario: string;
  /** Callers that wait for each ack (the latency-bound case: one record per request) rather than the producer's defaults batching for them. */
  awaitEach?: boolean;
  records: number;
  recordsPerSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  requests: number;
  meanRequestKiB: number;
  /** HTTP API; Lambda from the server time measured during the scenario (contended). */
  usdPerGiB: number;
  /** The same without API Gateway (the Function URL option). */
  usdPerGiBFunctionUrl?: number;
  usdPerMillionRecords: number;
  /** Per GiB, by service: where the money goes. */
  perGiB: { apiGateway: number; lambda: number; s3: number; dynamodb: number };
  /** Server time per request during the scenario: up to 12 requests share one Node process on a shared 2-core machine. */
  serverMsPerRequest: number;
  recordsPerRequest: number;
  usage: PricedUsage;
  loadAverageAfter?: number;
  /**
   * Lambda priced as AWS runs it: each request alone on an instance, for the server time the
   * same requests took here one at a time (calibration). Null when this row's requests are
   * not of the calibrated size.
   */
  perInstance: { serverMsPerRequest: number; lambdaPerGiB: number; lambdaDurationPerGiB?: number; usdPerGiBHttpApi: number; usdPerGiBFunctionUrl: number } | null;
}

export interface ClientBenchResults {
  at: string;
  durationMs: number;
  keys?: number;
  loadAverage: number;
  /** The highest 1-minute load average seen at the end of a scenario. */
  loadAverageMax?: number;
  lambdaMemoryGb?: number;
  rows: ClientBenchRow[];
  calibration?: CutCalibration[];
}

export const CLIENT_RESULTS_FILE = join(process.cwd(), 'bench', 'client-results.json');
const START = '<!-- client section: written by npm run bench:client -->';
const END = '<!-- end of client section -->';

/** The section of docs/benchmarks.md for produce through @freshet/client, from bench/client-results.json. */
export function renderClientSection(r: ClientBenchResults | undefined = readClientResults()): string {
  if (!r) return '';
  const $ = (v: number | undefined) => (v === undefined ? 'n/a' : `$${v.toFixed(4)}`);
  const row = (x: ClientBenchRow) =>
    `| ${x.scenario} | ${x.records} | ${x.recordsPerSecond} | ${x.ackP50Ms} ms | ${x.ackP99Ms} ms | ${x.requests} | ${x.meanRequestKiB} KiB | ${x.serverMsPerRequest} | ${$(x.usdPerGiB)} | ${$(x.usdPerGiBFunctionUrl)} | ${[x.perGiB.apiGateway, x.perGiB.lambda, x.perGiB.s3, x.perGiB.dynamodb].map((v) => v.toFixed(4)).join(' / ')} |`;
  const perInstance = r.rows.filter((x) => x.perInstance);
  const cal = r.calibration ?? [];
  const memory = `${(r.lambdaMemoryGb ?? 1) * 1024} MB`;
  return [
    START,
    '## 7. Produce through the client',
    '',
    `_\`npm run bench:client\` on ${r.at}, ${r.durationMs / 1000} s per scenario, ${r.keys ?? 96} distinct keys, load average ${r.loadAverage.toFixed(1)} at the start${r.loadAverageMax !== undefined ? ` and up to ${r.loadAverageMax.toFixed(1)} at the end of a scenario` : ''}. Raw figures: [bench/client-results.json](../bench/client-results.json)._`,
    '',
    `\`@freshet/client\` with its defaults (linger 5 ms, 1 MiB batches cut per partition, 32 MiB in flight), 1 KiB records keyed over 12 partitions, against the same metered stack as above. "Not awaiting" callers call \`submit\` again as soon as the producer accepts the message (backpressure only); "awaiting" callers wait for every ack (the latency-bound case). Ack latency is from the call to its acknowledgement, so for callers that do not wait it includes the time spent in the 32 MiB buffer. Cost per GiB of record bytes, from the counted calls at list prices (bench/prices.json); API Gateway is the HTTP API, metered per 512 KiB of request + response; "Function URL" is the same without API Gateway. In this table Lambda is the server time measured during the scenario × ${memory}: up to twelve requests share one Node process and two shared cores with the emulators, so it counts time spent queueing behind the other requests.`,
    '',
    '| scenario | records | records/s | ack p50 | ack p99 | requests | mean request | server ms/request | $ per GiB (HTTP API) | $ per GiB (Function URL) | API GW / Lambda / S3 / DynamoDB per GiB |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.rows.map(row),
    ...(perInstance.length > 0
      ? [
          '',
          `**Lambda per instance.** On AWS each concurrent request runs alone on its own instance. The same requests (the 8-caller row's records per request, one partition each) sent one at a time took the server the time below; with that as the Lambda duration at ${memory} (arm64), the counted calls of each scenario cost:`,
          '',
          '| scenario | mean request | server ms/request, alone | Lambda per GiB | $ per GiB (HTTP API) | $ per GiB (Function URL) |',
          '|---|---|---|---|---|---|',
          ...perInstance.map(
            (x) =>
              `| ${x.scenario} | ${x.meanRequestKiB} KiB | ${x.perInstance!.serverMsPerRequest} | ${$(x.perInstance!.lambdaPerGiB)} | **${$(x.perInstance!.usdPerGiBHttpApi)}** | **${$(x.perInstance!.usdPerGiBFunctionUrl)}** |`,
          ),
          '',
          `A ${memory} function has about ${(((r.lambdaMemoryGb ?? 1) * 1024) / 1769).toFixed(2)} of a vCPU (Lambda allocates one vCPU at 1,769 MB) while the calibration ran on a whole core, and AWS storage answers over the network instead of from emulators on the same machine: the per-instance figure is an estimate from this machine. If every millisecond of it were CPU and ran ${(1769 / ((r.lambdaMemoryGb ?? 1) * 1024)).toFixed(2)}× slower: ${perInstance
            .map((x) => {
              const extra = (x.perInstance!.lambdaDurationPerGiB ?? x.perInstance!.lambdaPerGiB) * (1769 / ((r.lambdaMemoryGb ?? 1) * 1024) - 1);
              return `${x.scenario} ${$(x.perInstance!.usdPerGiBHttpApi + extra)} (HTTP API) / ${$(x.perInstance!.usdPerGiBFunctionUrl + extra)} (Function URL)`;
            })
            .join('; ')}. The contended figures of the first table are the upper bound.`,
        ]
      : []),
    ...(cal.length > 0
      ? [
          '',
          `**How batches are cut** (issue 13: the cost model decides). The same records sent one request at a time in both shapes the producer could cut: each request to one partition, or each request spread over all 12 partitions.`,
          '',
          '| cut | requests | records/request | mean request | server ms, alone | DynamoDB WRU/request | S3 PUT/request | API GW units/request | $ per GiB (HTTP API) | $ per GiB (Function URL) |',
          '|---|---|---|---|---|---|---|---|---|---|',
          ...cal.map(
            (c) =>
              `| ${c.shape} | ${c.requests} | ${c.recordsPerRequest} | ${c.meanRequestKiB} KiB | ${c.serverMsPerRequest} | ${c.writeUnitsPerRequest} | ${c.s3PutsPerRequest} | ${c.apiGatewayUnitsPerRequest} | ${$(c.usdPerGiBHttpApi)} | ${$(c.usdPerGiBFunctionUrl)} |`,
          ),
        ]
      : []),
    END,
  ].join('\n');
}

export function readClientResults(): ClientBenchResults | undefined {
  return existsSync(CLIENT_RESULTS_FILE) ? (JSON.parse(readFileSync(CLIENT_RESULTS_FILE, 'utf8')) as ClientBenchResults) : undefined;
}

/** Puts the section into an existing report: replaces the old one, else goes before the price table. */
export function spliceClientSection(markdown: string, section: string): string {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start >= 0 && end > start) return markdown.slice(0, start) + section + markdown.slice(end + END.length);
  const at = markdown.indexOf('## Price table');
  return at >= 0 ? `${markdown.slice(0, at)}${section}\n\n${markdown.slice(at)}` : `${markdown.trimEnd()}\n\n${section}\n`;
}
