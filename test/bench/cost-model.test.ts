import { describe, expect, it } from 'vitest';
import { compareCosts } from '../../bench/cost-comparison.js';
import { type PricedUsage, phaseCost } from '../../bench/cost.js';
import { idleConsumerPolicies, RECOMMENDED_POLICY } from '../../bench/idle-consumers.js';
import { loadPrices, unitPrice } from '../../bench/prices.js';
import type { IdleConsumerResult, ProduceScenarioResult } from '../../bench/results.js';

const prices = loadPrices();
const GiB = 1024 ** 3;

/** A produce scenario as the bench records it, with only what the cost model reads filled in. */
function produceScenario(records: number, usage: PricedUsage): ProduceScenarioResult {
  const payloadBytes = records * 1024 * 1000;
  return { id: `produce ${records} rec × 1 client × 1 partition`, records, clients: 1, partitions: 1, valueBytes: 1024, cost: phaseCost(usage, prices, { records: records * 1000, payloadBytes }) } as ProduceScenarioResult;
}

const perRequest = (requests: number): PricedUsage => ({
  apiGatewayRequests: requests,
  lambdaInvocations: requests,
  lambdaGbSeconds: requests * 0.03,
  s3PutRequests: requests,
  s3GetRequests: 0,
  writeRequestUnits: requests * 6,
  readRequestUnits: requests,
});

describe('the cost model: the Function URL option', () => {
  it('prices the same usage without API Gateway requests, and nothing else changes', () => {
    const produce = [produceScenario(100, perRequest(1000)), produceScenario(1000, perRequest(1000))];
    const cmp = compareCosts(prices, produce, undefined);
    const write = produce[0]!.cost;
    const gib = write.payloadBytes / GiB;
    expect(cmp.functionUrl?.writeUsdPerGiB).toBeCloseTo((write.usd.total - write.usd.apiGateway) / gib, 4);
    expect(cmp.functionUrl!.writeUsdPerGiB).toBeLessThan(cmp.freshet!.writeUsdPerGiB);
    // Per request the fit loses exactly API Gateway's price.
    expect((cmp.breakEven!.usdPerRequest - cmp.functionUrl!.breakEven!.usdPerRequest) / unitPrice(prices, 'httpApiRequest')).toBeCloseTo(1, 1);
  });
});

describe('the cost model: idle consumers', () => {
  const measured: IdleConsumerResult = {
    waitMs: 3000,
    elapsedMs: 3010,
    callsPerPoll: { GetItem: 14 },
    serverMsPerPoll: 3010,
    usdPerMonth: 37.6,
    breakdownPerMonth: { apiGateway: 0.873, lambda: 35.2, s3: 0, dynamodb: 1.53, total: 37.6 },
  };
  const policies = idleConsumerPolicies(prices, measured, 40);
  const named = (prefix: string) => policies.find((p) => p.policy.startsWith(prefix))!;

  it('bills a long-poll for its whole wait, so its month costs about what the measured poll says', () => {
    const longPoll = named('long-poll, waitMs 20000');
    expect(longPoll.billedMsPerPoll).toBe(20_010);
    expect(longPoll.readUnitsPerPoll).toBe(2 + 80);
    expect(longPoll.usdPerMonthHttpApi).toBeGreaterThan(30);
    expect(longPoll.usdPerMonthHttpApi).toBeLessThan(measured.usdPerMonth * 1.05);
  });

  it('makes the recommended backoff far cheaper while keeping its promise for flowing records', () => {
    const recommended = named(RECOMMENDED_POLICY);
    expect(recommended.usdPerMonthHttpApi).toBeLessThan(named('long-poll, waitMs 20000').usdPerMonthHttpApi / 20);
    expect(recommended.idleGapMs).toBe(5_000);
    const active = named('the same, in its 750 ms phase');
    expect(active.firstRecordAfterIdleMs.worst).toBeLessThan(1_000);
    expect(active.usdPerMonthHttpApi).toBeLessThan(named('long-poll, waitMs 20000').usdPerMonthHttpApi / 5);
  });

  it('saves exactly one API Gateway request per poll behind a Function URL', () => {
    for (const p of policies) expect(p.usdPerMonthHttpApi - p.usdPerMonthFunctionUrl).toBeCloseTo(p.pollsPerMonth * unitPrice(prices, 'httpApiRequest'), 1);
  });
});
