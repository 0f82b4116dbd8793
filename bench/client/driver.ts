/**
 * The client scenario's load, in its own process (like bench/load/driver.ts) so the
 * producer's work does not run on the measured server's event loop. Reads one scenario as
 * JSON from argv, writes one result as JSON to stdout.
 */
import { Freshet } from '../../client/src/index.js';
import { apiGatewayUnits, type HttpTally } from '../load/protocol.js';

export interface ClientScenario {
  baseUrl: string;
  apiKey: string;
  topic: string;
  callers: number;
  /** true: each caller awaits every send (latency-bound); false: sends without waiting for acks. */
  awaitEach: boolean;
  durationMs: number;
  recordBytes: number;
  keys: number;
}

export interface ClientScenarioResult {
  records: number;
  elapsedMs: number;
  ackMs: number[];
  requests: number;
  requestBytes: number;
  tally: HttpTally;
}

const scenario = JSON.parse(process.argv[2]!) as ClientScenario;
const tally: HttpTally = { requests: 0, requestBytes: 0, responseBytes: 0, apiGatewayUnits: 0 };
const counting: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const body = await response.clone().arrayBuffer();
  // The producer sends RecordBatches (bytes); other calls send JSON text.
  const sent = init?.body;
  const requestBytes = typeof sent === 'string' ? Buffer.byteLength(sent) : sent instanceof Uint8Array ? sent.byteLength : 0;
  tally.requests++;
  tally.requestBytes += requestBytes;
  tally.responseBytes += body.byteLength;
  tally.apiGatewayUnits += apiGatewayUnits(requestBytes, body.byteLength);
  return response;
};

const freshet = new Freshet({ url: scenario.baseUrl, apiKey: scenario.apiKey, fetch: counting });
const producer = freshet.producer();
const pad = 'x'.repeat(scenario.recordBytes - 40);
const ackMs: number[] = [];
const started = performance.now();
const stopAt = started + scenario.durationMs;
let records = 0;
await Promise.all(
  Array.from({ length: scenario.callers }, async (_, c) => {
    const pending: Promise<void>[] = [];
    for (let s = 0; performance.now() < stopAt; s++) {
      const t0 = performance.now();
      const message = { key: `k${(c * 7919 + s) % scenario.keys}`, value: { c, s, pad } };
      if (scenario.awaitEach) {
        await producer.send({ topic: scenario.topic, messages: [message] });
        ackMs.push(performance.now() - t0);
      } else {
        const { acked } = await producer.submit({ topic: scenario.topic, messages: [message] });
        pending.push(acked.then(() => void ackMs.push(performance.now() - t0)));
      }
      records++;
    }
    await Promise.all(pending);
  }),
);
await producer.disconnect();
const elapsedMs = performance.now() - started;
const stats = producer.stats();
const result: ClientScenarioResult = { records, elapsedMs, ackMs, requests: stats.requests, requestBytes: stats.bytes, tally };
process.stdout.write(JSON.stringify(result));
