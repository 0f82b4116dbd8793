import { usd } from '../cost.js';
import type { BenchResults } from '../results.js';
import { textTable } from './table.js';

/** The table `npm run bench` prints at the end. */
export function renderConsole(r: BenchResults): string {
  const parts: string[] = [];
  if (r.produce?.length) {
    parts.push(
      textTable(
        ['produce scenario', 'rec/s', 'MiB/s', 'p50 ms', 'p99 ms', 'floor rec/s', 'floorRatio', 'noise', 'PUT/req', 'tx/req', '$/GiB'],
        r.produce.map((p) => [
          p.id,
          p.recordsPerSecond,
          p.mibPerSecond,
          p.latencyMs.p50Ms,
          p.latencyMs.p99Ms,
          p.floor.recordsPerSecond,
          p.floorRatio,
          `${p.floorRatioNoise.min}–${p.floorRatioNoise.max}`,
          p.putsPerRequest,
          p.transactionsPerRequest,
          usd(p.cost.usdPerGiB),
        ]),
      ),
    );
  }
  if (r.schemas?.length) {
    parts.push(textTable(['schema scenario', 'rec/s without', 'rec/s with', 'ratio'], r.schemas.map((s) => [s.id, s.withoutSchema.recordsPerSecond, s.withSchema.recordsPerSecond, s.ratio])));
  }
  if (r.fetch?.length) {
    parts.push(textTable(['fetch scenario', 'rec/s', 'MiB/s', 'pages', 'page p50 ms', '$/GiB'], r.fetch.map((f) => [f.id, f.recordsPerSecond, f.mibPerSecond, f.pagesPerPass, f.pageLatencyMs.p50Ms, usd(f.cost.usdPerGiB)])));
  }
  if (r.endToEnd?.length) {
    const rows = r.endToEnd.map((e) => [e.id, e.latencyMs.p50Ms, e.latencyMs.p99Ms, e.consumed]);
    if (r.webhook) rows.push([r.webhook.id, r.webhook.latencyMs.p50Ms, r.webhook.latencyMs.p99Ms, r.webhook.delivered]);
    parts.push(textTable(['end to end', 'p50 ms', 'p99 ms', 'records'], rows));
  }
  if (r.codec?.length) {
    parts.push(
      textTable(
        ['codec scenario', 'ours MiB/s', 'kafkajs MiB/s', 'codecRatio', 'noise'],
        r.codec.map((c) => [c.id, c.ours.mibPerSecond, c.kafkajs.mibPerSecond, c.codecRatio, `${c.codecRatioNoise.min}–${c.codecRatioNoise.max}`]),
      ),
    );
  }
  if (r.directRead) {
    const d = r.directRead;
    parts.push(textTable(['direct read', 'client MiB/s', 'floor MiB/s', 'directRatio', 'noise'], [[d.id, d.client.mibPerSecond, d.floor.mibPerSecond, d.directRatio, `${d.directRatioNoise.min}–${d.directRatioNoise.max}`]]));
  }
  parts.push(textTable(['goal', 'verdict', 'measured'], r.goals.map((g) => [g.goal, g.met === null ? 'not run' : g.met ? 'met' : 'MISSED', g.measured])));
  return parts.join('\n\n');
}
