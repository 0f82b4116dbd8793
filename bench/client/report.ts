import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ClientBenchRow {
  scenario: string;
  records: number;
  recordsPerSecond: number;
  ackP50Ms: number;
  ackP99Ms: number;
  requests: number;
  meanRequestKiB: number;
  usdPerGiB: number;
  usdPerMillionRecords: number;
  /** Per GiB, by service: where the money goes. */
  perGiB: { apiGateway: number; lambda: number; s3: number; dynamodb: number };
  /** Server time per request (the Lambda duration estimate). */
  serverMsPerRequest: number;
}

export interface ClientBenchResults {
  at: string;
  durationMs: number;
  keys?: number;
  loadAverage: number;
  rows: ClientBenchRow[];
}

export const CLIENT_RESULTS_FILE = join(process.cwd(), 'bench', 'client-results.json');
const START = '<!-- client section: written by npm run bench:client -->';
const END = '<!-- end of client section -->';

/** The section of docs/benchmarks.md for produce through @freshet/client, from bench/client-results.json. */
export function renderClientSection(r: ClientBenchResults | undefined = readClientResults()): string {
  if (!r) return '';
  const row = (x: ClientBenchRow) =>
    `| ${x.scenario} | ${x.records} | ${x.recordsPerSecond} | ${x.ackP50Ms} ms | ${x.ackP99Ms} ms | ${x.requests} | ${x.meanRequestKiB} KiB | ${x.serverMsPerRequest} | $${x.usdPerGiB.toFixed(4)} | ${[x.perGiB.apiGateway, x.perGiB.lambda, x.perGiB.s3, x.perGiB.dynamodb].map((v) => v.toFixed(4)).join(' / ')} |`;
  return [
    START,
    '## 7. Produce through the client',
    '',
    `_\`npm run bench:client\` on ${r.at}, ${r.durationMs / 1000} s per scenario, ${r.keys ?? 96} distinct keys, load average ${r.loadAverage.toFixed(1)} at the start. Raw figures: [bench/client-results.json](../bench/client-results.json)._`,
    '',
    '`@freshet/client` with its defaults (linger 5 ms, 1 MiB batches cut per partition, 32 MiB in flight), 1 KiB records keyed over 12 partitions, against the same metered stack as above. "Not awaiting" callers call `submit` again as soon as the producer accepts the message (backpressure only); "awaiting" callers wait for every ack (the latency-bound case). Ack latency is from the call to its acknowledgement, so for callers that do not wait it includes the time spent in the 32 MiB buffer. Cost per GiB of record bytes, from the counted calls at list prices; the Lambda part is the server time measured here × 1 GB, so it grows with the machine\'s load.',
    '',
    '| scenario | records | records/s | ack p50 | ack p99 | requests | mean request | server ms/request | $ per GiB | API GW / Lambda / S3 / DynamoDB per GiB |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...r.rows.map(row),
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
