import { encodeHistogram } from '../latency.js';
import { RECORD_BATCHES_MEDIA_TYPE } from '../../shared/log/record-batches-body.js';
import { BODY_VARIANTS, produceBody, recordBatchesBody, workloadRecords } from '../workload.js';
import { runClosedLoop } from './closed-loop.js';
import { HttpClient } from './http-client.js';
import type { ProduceCommand, ProduceOutcome } from './protocol.js';

/**
 * Bodies are built and UTF-8-encoded before the clock starts: what is measured is the
 * request, not the client's JSON.stringify, nor its re-encoding and measuring of a 1 MB
 * string on every send (the floor, too, sends bytes encoded in advance).
 */
const bodyCache = new Map<string, Uint8Array[]>();

function bodiesFor(command: ProduceCommand): Uint8Array[] {
  const { records, partitions, valueBytes, json, wire } = command.shape;
  const cacheKey = `${records}/${partitions}/${valueBytes}/${json === true}/${wire}`;
  let bodies = bodyCache.get(cacheKey);
  if (!bodies) {
    bodies = Array.from({ length: BODY_VARIANTS }, (_, variant) =>
      wire === 'record-batches' ? recordBatchesBody(command.shape, variant) : Buffer.from(produceBody(workloadRecords(command.shape, variant), json)),
    );
    bodyCache.clear(); // one scenario at a time; the 1000-record bodies are 17 MB
    bodyCache.set(cacheKey, bodies);
  }
  return bodies;
}

export async function runProduceLoad(command: ProduceCommand): Promise<ProduceOutcome> {
  const bodies = bodiesFor(command);
  const client = new HttpClient(command.target);
  const path = `/v1/topics/${encodeURIComponent(command.topic)}/records`;
  const contentType = command.shape.wire === 'record-batches' ? RECORD_BATCHES_MEDIA_TYPE : 'application/json';
  const result = await runClosedLoop({
    workers: command.clients,
    durationMs: command.durationMs,
    operation: async (worker, iteration) => {
      await client.post(path, bodies[(worker * 5 + iteration) % bodies.length]!, contentType);
    },
  });
  const succeeded = result.operations - result.failures;
  return {
    ...client.tally,
    operations: result.operations,
    failures: result.failures,
    records: succeeded * command.shape.records,
    elapsedMs: result.elapsedMs,
    latency: encodeHistogram(result.latency),
    ...(result.firstError !== undefined ? { firstError: result.firstError } : {}),
  };
}
