import { createLatencyHistogram, encodeHistogram, recordMs } from '../latency.js';
import { HttpClient } from './http-client.js';
import type { ReadBackCommand, ReadBackOutcome } from './protocol.js';

interface FetchAnswer {
  records: { value: string | null }[];
  nextOffset: number;
}

/** A consumer catching up: pages through the partition as fast as answers come back. */
export async function runReadBack(command: ReadBackCommand): Promise<ReadBackOutcome> {
  const client = new HttpClient(command.target);
  const latency = createLatencyHistogram();
  const base = `/v1/topics/${encodeURIComponent(command.topic)}/partitions/${command.partition}/records`;
  let offset = command.fromOffset;
  let records = 0;
  let valueBytes = 0;
  let pages = 0;
  const start = performance.now();
  while (offset < command.toOffset) {
    const t0 = performance.now();
    const text = await client.get(`${base}?offset=${offset}&limit=${command.limit}&maxBytes=${command.maxBytes}&encoding=string`);
    const answer = JSON.parse(text) as FetchAnswer;
    recordMs(latency, performance.now() - t0);
    pages++;
    if (answer.records.length === 0) throw new Error(`fetch at offset ${offset} returned no records before ${command.toOffset}`);
    records += answer.records.length;
    for (const r of answer.records) valueBytes += r.value?.length ?? 0;
    offset = answer.nextOffset;
  }
  return { ...client.tally, records, valueBytes, pages, elapsedMs: performance.now() - start, latency: encodeHistogram(latency) };
}
