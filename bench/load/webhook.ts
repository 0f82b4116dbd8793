import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { signature } from '../../shared/subscriptions/signing.js';
import { createLatencyHistogram, encodeHistogram, recordMs } from '../latency.js';
import { HttpClient } from './http-client.js';
import { END, now, produceStamped } from './stamped-producer.js';
import type { WebhookCommand, WebhookOutcome } from './protocol.js';

interface DeliveryBody {
  records: { offset: number; value: string | null }[];
}


/** True when one of the space-separated `v1,…` signatures is the HMAC of this request with the secret. */
function verifies(req: IncomingMessage, body: string, secret: string): boolean {
  const id = req.headers['webhook-id'];
  const timestamp = req.headers['webhook-timestamp'];
  const signatures = req.headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  const expected = signature(secret, id, Number(timestamp), body);
  return signatures.split(' ').includes(expected);
}

/**
 * Producer and webhook receiver share this process (the load driver, not the server's), so
 * the send time stamped into a value and the arrival time come from one clock. The
 * receiver answers 204 as soon as a request's body has arrived; that moment is the arrival.
 */
export async function runWebhookEndToEnd(command: WebhookCommand): Promise<WebhookOutcome> {
  const producer = new HttpClient(command.target);
  const latency = createLatencyHistogram();
  const produceLatency = createLatencyHistogram();
  const topic = encodeURIComponent(command.topic);
  const seen = new Set<number>();
  let produced = 0;
  let delivered = 0;
  let deliveries = 0;
  let duplicates = 0;
  let signed = 0;
  let badRequest: string | undefined;
  let markEnded: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });

  const receive = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const arrived = now();
      res.writeHead(204).end();
      const body = Buffer.concat(chunks).toString('utf8');
      deliveries++;
      if (verifies(req, body, command.secret)) signed++;
      let parsed: DeliveryBody;
      try {
        parsed = JSON.parse(body) as DeliveryBody;
      } catch {
        badRequest ??= `not JSON: ${body.slice(0, 200)}`;
        return;
      }
      for (const r of parsed.records) {
        if (seen.has(r.offset)) {
          duplicates++;
          continue;
        }
        seen.add(r.offset);
        if (r.value === END) {
          markEnded();
          continue;
        }
        recordMs(latency, arrived - Number(r.value?.slice(0, r.value.indexOf('|'))));
        delivered++;
      }
    });
  };
  const server = createServer(receive);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(command.port, '127.0.0.1', () => resolve());
  });

  const start = performance.now();
  try {
    produced = await produceStamped(producer, topic, command, produceLatency);
    const timedOut = Symbol('timed out');
    const outcome = await Promise.race([ended, sleep(command.drainTimeoutMs, timedOut)]);
    if (outcome === timedOut) {
      throw new Error(`the last record did not reach the webhook receiver within ${command.drainTimeoutMs} ms: ${delivered} of ${produced} records in ${deliveries} requests${badRequest ? `; ${badRequest}` : ''}`);
    }
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
  return {
    ...producer.tally,
    produced,
    delivered,
    deliveries,
    duplicates,
    signed,
    elapsedMs: performance.now() - start,
    latency: encodeHistogram(latency),
    produceLatency: encodeHistogram(produceLatency),
  };
}
