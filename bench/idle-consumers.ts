import { IDLE_BACKOFF_DEFAULTS as CLIENT } from '../client/src/idle-backoff.js';
import { HOURS_PER_MONTH } from './anchors.js';
import { type PriceTable, unitPrice } from './prices.js';
import type { IdleConsumerPolicy, IdleConsumerResult } from './results.js';
import { round } from './stats.js';

/**
 * How a consumer waits on a partition that has nothing new, priced per month from the one
 * measured idle long-poll (bench/scenarios/end-to-end.ts): its DynamoDB reads per poll
 * (a fixed part plus a head re-read every 250 ms of the wait) and the server time a poll
 * takes beyond its wait. Lambda bills the whole wait at the api function's memory.
 */
interface Policy {
  name: string;
  /** How long each poll waits on the server (waitMs). */
  waitMs: number;
  /** Pause between an empty answer and the next poll, once the backoff has reached its cap. */
  idleGapMs: number;
  /** The longest a record that arrives while the consumer waits stays unseen. */
  worstDelayMs: number;
  whileFlowing: string;
}

const HEAD_REREAD_MS = 250;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
/** The client consumer's default (client/src/idle-backoff.ts): see docs/client.md, "Idle consumers". */
export const RECOMMENDED_POLICY = `backoff ${CLIENT.initialMs} ms → ${CLIENT.flowingMaxMs} ms while records flowed in the last ${CLIENT.flowingWindowMs === 60_000 ? 'minute' : `${CLIENT.flowingWindowMs / 1000} s`}, → ${CLIENT.idleMaxMs / 1000} s after`;

const POLICIES: Policy[] = [
  { name: 'long-poll, waitMs 20000 (the route\'s maximum)', waitMs: 20_000, idleGapMs: 0, worstDelayMs: HEAD_REREAD_MS, whileFlowing: 'the poll returns as soon as the head moves' },
  { name: 'long-poll, waitMs 5000', waitMs: 5_000, idleGapMs: 0, worstDelayMs: HEAD_REREAD_MS, whileFlowing: 'the poll returns as soon as the head moves' },
  { name: 'poll every 1 s (waitMs 0)', waitMs: 0, idleGapMs: 1_000, worstDelayMs: 1_000, whileFlowing: 'up to 1 s' },
  { name: 'backoff 250 ms → 5 s (doubling per empty answer, reset by records)', waitMs: 0, idleGapMs: 5_000, worstDelayMs: 5_000, whileFlowing: 'under 1 s only while records come at least every ~0.75 s; a gap of a few seconds lets the pause grow to 5 s' },
  { name: RECOMMENDED_POLICY, waitMs: 0, idleGapMs: CLIENT.idleMaxMs, worstDelayMs: CLIENT.idleMaxMs, whileFlowing: `at most ${CLIENT.flowingMaxMs} ms + the round trip while the partition had records within the last minute` },
  // What the recommended policy costs while it stays in its short-pause phase: records keep coming, but rarely.
  { name: `the same, in its ${CLIENT.flowingMaxMs} ms phase all month (records every minute or so)`, waitMs: 0, idleGapMs: CLIENT.flowingMaxMs, worstDelayMs: CLIENT.flowingMaxMs, whileFlowing: `at most ${CLIENT.flowingMaxMs} ms + the round trip` },
];

export function idleConsumerPolicies(prices: PriceTable, measured: IdleConsumerResult, roundTripMs: number): IdleConsumerPolicy[] {
  const reads = measured.callsPerPoll.GetItem ?? 0;
  // The measured poll re-read the head every 250 ms of its wait; what is left is the fixed part (topic and first head read).
  const fixedReads = Math.max(0, reads - Math.floor(measured.waitMs / HEAD_REREAD_MS));
  const overheadMs = Math.max(1, measured.serverMsPerPoll - measured.waitMs);
  return POLICIES.map((p) => {
    const pollMs = p.waitMs + overheadMs;
    const pollsPerMonth = (SECONDS_PER_MONTH * 1000) / (pollMs + p.idleGapMs);
    const readUnits = fixedReads + Math.floor(p.waitMs / HEAD_REREAD_MS);
    const lambda = unitPrice(prices, 'lambdaRequest') + (Math.ceil(pollMs) / 1000) * unitPrice(prices, 'lambdaArmGbSecond');
    const dynamodb = readUnits * unitPrice(prices, 'dynamodbReadRequestUnit');
    const functionUrlPerPoll = lambda + dynamodb;
    const httpApiPerPoll = functionUrlPerPoll + unitPrice(prices, 'httpApiRequest');
    return {
      policy: p.name,
      waitMs: p.waitMs,
      idleGapMs: p.idleGapMs,
      pollsPerMonth: round(pollsPerMonth),
      readUnitsPerPoll: readUnits,
      billedMsPerPoll: Math.ceil(pollMs),
      usdPerMonthHttpApi: round(pollsPerMonth * httpApiPerPoll),
      usdPerMonthFunctionUrl: round(pollsPerMonth * functionUrlPerPoll),
      firstRecordAfterIdleMs: { typical: round(p.worstDelayMs / 2 + roundTripMs), worst: round(p.worstDelayMs + roundTripMs) },
      whileFlowing: p.whileFlowing,
    };
  });
}
