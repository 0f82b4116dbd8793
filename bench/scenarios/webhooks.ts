import { freePort } from '../../shared/local/free-port.js';
import { startDispatcherLoop } from '../../shared/subscriptions/dispatcher-loop.js';
import { createTopic } from '../../shared/topics/topic-service.js';
import { decodeHistogram, summarize } from '../latency.js';
import type { WebhookOutcome } from '../load/protocol.js';
import type { WebhookEndToEndResult } from '../results.js';
import type { SectionContext } from './section.js';

const VALUE_BYTES = 1024;
/** As in the long-polling scenario: a steady trickle, one record per request. */
const PAUSE_MS = 10;
const BATCH_SIZE = 100;
/** How long the last record may take to arrive once producing stopped. */
const DRAIN_TIMEOUT_MS = 30_000;

/**
 * Produce → webhook receiver latency. The dispatcher runs as in local mode
 * (functions/local.ts): a loop woken by the append notifier after each commit, and every
 * second. The receiver and the producer are in the load driver (one clock); the subscription
 * is created through the API, pointed at the receiver on loopback.
 */
export async function runWebhookScenario(ctx: SectionContext): Promise<WebhookEndToEndResult> {
  const { stack, options } = ctx;
  const dispatcher = startDispatcherLoop(stack.subscriptions, { intervalMs: 1_000 });
  const stopWaking = stack.log.notifier.onAnyAppend(() => dispatcher.wake());
  try {
    await phase(ctx, 'bench-webhook-warm-up', 1_000);
    const o = await phase(ctx, 'bench-webhook', options.endToEndMs);
    const result: WebhookEndToEndResult = {
      id: "produce → webhook receiver (receiver in the producer's process, 1 record per request, 1 partition)",
      mechanism: `subscription (batchSize ${BATCH_SIZE}, format json, startAt latest) to a node:http receiver on loopback; dispatcher loop woken on every append (local mode); producer pauses ${PAUSE_MS} ms between requests`,
      produced: o.produced,
      delivered: o.delivered,
      deliveries: o.deliveries,
      recordsPerDelivery: o.deliveries > 0 ? Math.round((o.delivered / o.deliveries) * 100) / 100 : 0,
      duplicates: o.duplicates,
      signedDeliveries: o.signed,
      latencyMs: summarize(decodeHistogram(o.latency)),
      produceLatencyMs: summarize(decodeHistogram(o.produceLatency)),
    };
    if (result.signedDeliveries !== result.deliveries) {
      ctx.progress(`webhook: ${result.deliveries - result.signedDeliveries} of ${result.deliveries} deliveries without a valid signature`);
    }
    ctx.progress(
      `webhook end to end: p50 ${result.latencyMs.p50Ms} ms, p99 ${result.latencyMs.p99Ms} ms over ${result.delivered} records in ${result.deliveries} deliveries (${result.signedDeliveries} signed)`,
    );
    return result;
  } finally {
    stopWaking();
    await dispatcher.stop();
  }
}

/** A fresh topic with its own subscription, measured for `durationMs`; the subscription is deleted afterwards so later passes skip it. */
async function phase(ctx: SectionContext, topic: string, durationMs: number): Promise<WebhookOutcome> {
  const { stack, driver } = ctx;
  await createTopic(stack.log, { name: topic, partitions: 1 });
  const port = await freePort();
  const sub = await api<{ id: string; secret: string }>(ctx, 'POST', '/v1/subscriptions', {
    name: topic,
    topic,
    url: `http://127.0.0.1:${port}/hook`,
    startAt: 'latest',
    batchSize: BATCH_SIZE,
    format: 'json',
    encoding: 'string',
  });
  try {
    return await driver.run({
      kind: 'webhook',
      target: stack.api,
      topic,
      port,
      secret: sub.secret,
      durationMs,
      pauseMs: PAUSE_MS,
      valueBytes: VALUE_BYTES,
      drainTimeoutMs: DRAIN_TIMEOUT_MS,
    });
  } finally {
    await api(ctx, 'DELETE', `/v1/subscriptions/${sub.id}`);
  }
}

async function api<T>(ctx: SectionContext, method: string, path: string, body?: unknown): Promise<T> {
  const { baseUrl, apiKey } = ctx.stack.api;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
