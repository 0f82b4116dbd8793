import { createTopic } from '../../shared/topics/topic-service.js';
import { phaseCost, priceUsage, pricedUsage, roundBreakdown, scaleUsage } from '../cost.js';
import { decodeHistogram, summarize } from '../latency.js';
import type { EndToEndResult, IdleConsumerResult, SectionResults } from '../results.js';
import { round } from '../stats.js';
import type { SectionContext } from './section.js';
import { runWebhookScenario } from './webhooks.js';

const VALUE_BYTES = 1024;
const WAIT_MS = 5_000;
/** The producer's pause between an answer and its next request: a steady trickle, not a flood. */
const PAUSE_MS = 10;
const SECONDS_PER_MONTH = 730 * 3600;

/**
 * Produce → long-polling consumer latency (the consumer loops GET …/records?offset=N&waitMs=5000,
 * the producer stamps its send time into each value), and what an idle long-polling consumer
 * costs; then produce → webhook receiver (bench/scenarios/webhooks.ts).
 */
export async function runEndToEndSection(ctx: SectionContext): Promise<SectionResults['end-to-end']> {
  const { stack, driver, options } = ctx;
  await createTopic(stack.log, { name: 'bench-e2e-warm-up', partitions: 1 });
  await driver.run({ kind: 'end-to-end', target: stack.api, topic: 'bench-e2e-warm-up', durationMs: 1_000, pauseMs: PAUSE_MS, valueBytes: VALUE_BYTES, waitMs: WAIT_MS });

  await createTopic(stack.log, { name: 'bench-e2e', partitions: 1 });
  stack.meter.reset();
  const o = await driver.run({ kind: 'end-to-end', target: stack.api, topic: 'bench-e2e', durationMs: options.endToEndMs, pauseMs: PAUSE_MS, valueBytes: VALUE_BYTES, waitMs: WAIT_MS });
  const usage = stack.meter.snapshot();
  const endToEnd: EndToEndResult = {
    id: 'produce → long-polling fetch (same process, 1 record per request, 1 partition)',
    mechanism: `GET …/records?offset=N&waitMs=${WAIT_MS}; producer pauses ${PAUSE_MS} ms between requests`,
    produced: o.produced,
    consumed: o.consumed,
    polls: o.polls,
    latencyMs: summarize(decodeHistogram(o.latency)),
    produceLatencyMs: summarize(decodeHistogram(o.produceLatency)),
    cost: phaseCost(pricedUsage(usage, o), ctx.prices, { records: o.produced, payloadBytes: o.produced * VALUE_BYTES }),
  };
  ctx.progress(`end to end: p50 ${endToEnd.latencyMs.p50Ms} ms, p99 ${endToEnd.latencyMs.p99Ms} ms over ${o.consumed} records, ${o.polls} polls`);

  const webhook = await runWebhookScenario(ctx);

  await createTopic(stack.log, { name: 'bench-idle', partitions: 1 });
  stack.meter.reset();
  const idle = await driver.run({ kind: 'idle-poll', target: stack.api, topic: 'bench-idle', partition: 0, waitMs: options.idlePollMs });
  const idleUsage = stack.meter.snapshot();
  const perPoll = pricedUsage(idleUsage, idle);
  // A consumer that always has a poll open: the measured poll, repeated back to back for a month.
  const scale = SECONDS_PER_MONTH / (idle.elapsedMs / 1000);
  const breakdown = priceUsage(scaleUsage(perPoll, scale), ctx.prices);
  const idleConsumer: IdleConsumerResult = {
    waitMs: options.idlePollMs,
    elapsedMs: round(idle.elapsedMs),
    callsPerPoll: Object.fromEntries(Object.entries(idleUsage.calls).map(([name, n]) => [name.replace(/Command$/, ''), n])),
    serverMsPerPoll: round(idleUsage.server.totalMs),
    usdPerMonth: round(breakdown.total),
    breakdownPerMonth: roundBreakdown(breakdown),
  };
  ctx.progress(`idle long-polling consumer: ${idleConsumer.usdPerMonth} $/month (${JSON.stringify(idleConsumer.callsPerPoll)} per ${options.idlePollMs} ms poll)`);
  return { endToEnd: [endToEnd], webhook, idleConsumer };
}
