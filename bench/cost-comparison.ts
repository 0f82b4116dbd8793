import { readFileSync } from 'node:fs';
import { anchorCosts, freshetIdleMonthly, HOURS_PER_MONTH } from './anchors.js';
import { type PhaseCost, type PricedUsage, phaseCost } from './cost.js';

import { idleConsumerPolicies, RECOMMENDED_POLICY } from './idle-consumers.js';
import { type PriceTable, unitPrice } from './prices.js';
import type { BreakEven, CostComparison, ProduceScenarioResult, SectionResults } from './results.js';
import { round } from './stats.js';

/** The issue's yardstick: 100 KiB requests, i.e. 100 records of 1 KiB. */
const COMPARISON_RECORDS_PER_REQUEST = 100;
const ANCHOR_PARTITIONS = 12;

/**
 * Freshet's measured dollars per GiB at 100 KiB requests (one client, one partition: the
 * Lambda duration is that of an uncontended request, as each Lambda instance serves one
 * request at a time) next to the anchors' list prices, and the monthly cost of idling.
 */
export function compareCosts(
  prices: PriceTable,
  produce: ProduceScenarioResult[] | undefined,
  fetch: SectionResults['fetch'] | undefined,
  endToEnd?: SectionResults['end-to-end'],
): CostComparison {
  const write = produce?.find((p) => p.records === COMPARISON_RECORDS_PER_REQUEST && p.clients === 1 && p.partitions === 1);
  // A consumer reading soon after the write: before compaction.
  const read = fetch?.scenarios.find((f) => f.writtenInRequestsOf === COMPARISON_RECORDS_PER_REQUEST && f.compaction === 'before compaction');
  const spread = produce?.find((p) => p.records === COMPARISON_RECORDS_PER_REQUEST && p.clients === 1 && p.partitions > 1);
  const idlePass = fetch?.maintenance.idlePass;
  const idleLines = freshetIdleMonthly(prices, idlePass?.ok ? { usd: idlePass.cost.usd.total, over: idlePass.over } : undefined);
  const anchors = anchorCosts(prices, ANCHOR_PARTITIONS);
  const viaUrl = (c: PhaseCost) => viaFunctionUrl(c, prices);
  const roundTripMs = endToEnd?.endToEnd[0]?.latencyMs.p50Ms;
  return {
    basis: `${COMPARISON_RECORDS_PER_REQUEST} records of 1 KiB per produce request (100 KiB); read back once by paging the fetch API; list prices, no free tiers`,
    freshet: write
      ? {
          scenario: write.id,
          writeUsdPerGiB: round(write.cost.usdPerGiB),
          readScenario: read?.id ?? null,
          readUsdPerGiB: read ? round(read.cost.usdPerGiB) : null,
        }
      : null,
    freshetSpread: spread ? { scenario: spread.id, writeUsdPerGiB: round(spread.cost.usdPerGiB), partitionsPerRequest: spread.partitionsPerRequest } : null,
    breakEven: breakEven(produce, anchors),
    breakEvenBefore: breakEvenBefore(prices, anchors),
    functionUrl: write
      ? {
          writeUsdPerGiB: round(viaUrl(write.cost).usdPerGiB),
          readUsdPerGiB: read ? round(viaUrl(read.cost).usdPerGiB) : null,
          spreadWriteUsdPerGiB: spread ? round(viaUrl(spread.cost).usdPerGiB) : null,
          breakEven: breakEven(
            produce?.map((p) => ({ ...p, cost: viaUrl(p.cost) })),
            anchors,
          ),
        }
      : null,
    idleConsumers:
      endToEnd && roundTripMs !== undefined
        ? {
            basedOn: `one measured idle long-poll of ${endToEnd.idleConsumer.waitMs} ms (${Object.entries(endToEnd.idleConsumer.callsPerPoll)
              .map(([n, v]) => `${n} ${v}`)
              .join(', ')}, ${endToEnd.idleConsumer.serverMsPerPoll} ms of server time) and the end-to-end p50 as the round trip`,
            roundTripMs,
            recommended: RECOMMENDED_POLICY,
            policies: idleConsumerPolicies(prices, endToEnd.idleConsumer, roundTripMs),
          }
        : null,
    anchors: anchors.map((a) => ({
      ...a,
      writeUsdPerGiB: round(a.writeUsdPerGiB),
      readUsdPerGiB: round(a.readUsdPerGiB),
      fixedUsdPerMonth: round(a.fixedUsdPerMonth),
    })),
    idleMonthly: { lines: idleLines.map((l) => ({ ...l, usdPerMonth: round(l.usdPerMonth) })), totalUsd: round(idleLines.reduce((n, l) => n + l.usdPerMonth, 0)) },
    anchorsIdleMonthly: [
      { name: 'Kinesis Data Streams (on-demand)', usdPerMonth: round(unitPrice(prices, 'kinesisOnDemandStreamHour') * HOURS_PER_MONTH), basis: 'one stream' },
      {
        name: 'MSK Serverless',
        usdPerMonth: round((unitPrice(prices, 'mskServerlessClusterHour') + ANCHOR_PARTITIONS * unitPrice(prices, 'mskServerlessPartitionHour')) * HOURS_PER_MONTH),
        basis: `one cluster, ${ANCHOR_PARTITIONS} partitions`,
      },
      { name: 'Google Cloud Pub/Sub', usdPerMonth: 0, basis: 'no traffic, no retained messages' },
    ],
  };
}

/** A phase's cost with the API behind a Function URL: the same usage without API Gateway requests. */
function viaFunctionUrl(c: PhaseCost, prices: PriceTable): PhaseCost {
  return phaseCost({ ...c.usage, apiGatewayRequests: 0 }, prices, { records: c.records, payloadBytes: c.payloadBytes });
}

/** What a produce scenario must say for the break-even fit. */
type MeasuredProduce = Pick<ProduceScenarioResult, 'id' | 'records' | 'clients' | 'partitions' | 'valueBytes'> & { cost: Pick<PhaseCost, 'usdPerGiB'> };

/** The same two scenarios as measured before issue 14 (bench/baseline/before-issue-14.json), priced with today's table. */
interface Baseline {
  measuredAt: string;
  source: string;
  note: string;
  produce: (Omit<MeasuredProduce, 'cost'> & { cost: { records: number; payloadBytes: number; usage: PricedUsage } })[];
}

const BASELINE_FILE = new URL('./baseline/before-issue-14.json', import.meta.url);

function breakEvenBefore(prices: PriceTable, anchors: { name: string; writeUsdPerGiB: number }[]): CostComparison['breakEvenBefore'] {
  const baseline = JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline;
  const produce = baseline.produce.map((p) => ({ ...p, cost: phaseCost(p.cost.usage, prices, { records: p.cost.records, payloadBytes: p.cost.payloadBytes }) }));
  const fit = breakEven(produce, anchors);
  return fit ? { ...fit, measuredAt: baseline.measuredAt, source: baseline.source, note: baseline.note } : null;
}

/**
 * Every request costs the same S3 PUT, transaction and invocation whatever its size, so the
 * cost per GiB falls with the request size. Fitted through the 100- and 1000-record
 * scenarios (one client, one partition).
 */
function breakEven(produce: readonly MeasuredProduce[] | undefined, anchors: { name: string; writeUsdPerGiB: number }[]): BreakEven | null {
  const at = (records: number) => produce?.find((p) => p.records === records && p.clients === 1 && p.partitions === 1);
  const small = at(100);
  const large = at(1000);
  if (!small || !large) return null;
  const gib = (p: MeasuredProduce) => (p.records * p.valueBytes) / 1024 ** 3;
  const usdPerRequest = (small.cost.usdPerGiB - large.cost.usdPerGiB) / (1 / gib(small) - 1 / gib(large));
  const usdPerGiBMarginal = small.cost.usdPerGiB - usdPerRequest / gib(small);
  return {
    fittedFrom: [small.id, large.id],
    usdPerRequest: round(usdPerRequest),
    usdPerGiBMarginal: round(usdPerGiBMarginal),
    requestKiBToMatch: anchors.map((a) => ({
      name: a.name,
      writeUsdPerGiB: round(a.writeUsdPerGiB),
      requestKiB: a.writeUsdPerGiB > usdPerGiBMarginal ? round((usdPerRequest / (a.writeUsdPerGiB - usdPerGiBMarginal)) * 1024 * 1024) : null,
    })),
  };
}
