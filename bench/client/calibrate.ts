/**
 * The produce requests the client cuts, sent again one at a time, so the server's handler
 * time is that of one request with the process to itself — Lambda's model, where every
 * concurrent request has its own instance — and not the queueing of twelve requests in one
 * Node process on a shared 2-core machine. The same records are sent in both shapes the
 * accumulator could cut: one partition per request, and mixed over every partition,
 * alternating request by request.
 */
import type { PhaseCost } from '../cost.js';
import { phaseCost, pricedUsage } from '../cost.js';
import { addUsage, EMPTY_USAGE } from '../instrument/usage-meter.js';
import type { HttpTally } from '../load/protocol.js';
import { apiGatewayUnits } from '../load/protocol.js';
import type { PriceTable } from '../prices.js';
import type { BenchStack } from '../stack.js';

export type CutShape = 'per-partition' | 'mixed';

export interface CutCalibration {
  shape: CutShape;
  requests: number;
  recordsPerRequest: number;
  meanRequestKiB: number;
  /** Server (handler) time per request, sent one at a time. */
  serverMsPerRequest: number;
  writeUnitsPerRequest: number;
  s3PutsPerRequest: number;
  apiGatewayUnitsPerRequest: number;
  cost: PhaseCost;
  usdPerGiBHttpApi: number;
  usdPerGiBFunctionUrl: number;
  /** Where the money goes per GiB (HTTP API). */
  perGiB: { apiGateway: number; lambda: number; s3: number; dynamodb: number };
}

/**
 * Sends `requests` produce requests of each shape, alternating (so both see the same load
 * on the shared machine), each alone, and prices each shape from its own counted calls.
 */
export async function calibrateCuts(
  stack: BenchStack,
  prices: PriceTable,
  opts: { topic: string; requests: number; recordsPerRequest: number; recordBytes: number; partitions: number },
): Promise<CutCalibration[]> {
  const shapes: CutShape[] = ['per-partition', 'mixed'];
  const pad = 'x'.repeat(opts.recordBytes - 40);
  const measured = new Map(shapes.map((shape) => [shape, { usage: EMPTY_USAGE, tally: { requests: 0, requestBytes: 0, responseBytes: 0, apiGatewayUnits: 0 } as HttpTally }]));
  for (let r = 0; r < opts.requests; r++) {
    for (const shape of shapes) {
      const records = Array.from({ length: opts.recordsPerRequest }, (_, i) => ({
        key: `k${r}-${i}`,
        value: { c: r, s: i, pad },
        partition: shape === 'mixed' ? i % opts.partitions : r % opts.partitions,
      }));
      const body = JSON.stringify({ encoding: 'json', records });
      stack.meter.reset();
      const res = await fetch(`${stack.api.baseUrl}/v1/topics/${opts.topic}/records`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.api.apiKey}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body,
      });
      const answer = await res.text();
      if (res.status !== 200) throw new Error(`calibration produce answered ${res.status}: ${answer.slice(0, 200)}`);
      const m = measured.get(shape)!;
      m.usage = addUsage(m.usage, stack.meter.snapshot());
      const requestBytes = Buffer.byteLength(body);
      const responseBytes = Buffer.byteLength(answer);
      m.tally.requests++;
      m.tally.requestBytes += requestBytes;
      m.tally.responseBytes += responseBytes;
      m.tally.apiGatewayUnits += apiGatewayUnits(requestBytes, responseBytes);
    }
  }
  return shapes.map((shape) => {
    const { usage, tally } = measured.get(shape)!;
    const priced = pricedUsage(usage, tally);
    const records = opts.requests * opts.recordsPerRequest;
    const payloadBytes = records * opts.recordBytes;
    const cost = phaseCost(priced, prices, { records, payloadBytes });
    const gib = payloadBytes / 1024 ** 3;
    return {
      shape,
      requests: opts.requests,
      recordsPerRequest: opts.recordsPerRequest,
      meanRequestKiB: Math.round(tally.requestBytes / tally.requests / 1024),
      serverMsPerRequest: Math.round(usage.server.totalMs / Math.max(1, usage.server.requests)),
      writeUnitsPerRequest: Math.round((priced.writeRequestUnits / opts.requests) * 10) / 10,
      s3PutsPerRequest: Math.round((priced.s3PutRequests / opts.requests) * 10) / 10,
      apiGatewayUnitsPerRequest: Math.round((tally.apiGatewayUnits / opts.requests) * 10) / 10,
      cost,
      usdPerGiBHttpApi: cost.usdPerGiB,
      usdPerGiBFunctionUrl: (cost.usd.total - cost.usd.apiGateway) / gib,
      perGiB: { apiGateway: cost.usd.apiGateway / gib, lambda: cost.usd.lambda / gib, s3: cost.usd.s3 / gib, dynamodb: cost.usd.dynamodb / gib },
    };
  });
}
