import { setTimeout as sleep } from 'node:timers/promises';
import { createLatencyHistogram, encodeHistogram, recordMs } from '../latency.js';
import { HttpClient } from './http-client.js';
import type { EndToEndCommand, EndToEndOutcome, IdlePollCommand, IdlePollOutcome } from './protocol.js';

interface FetchAnswer {
  records: { value: string | null }[];
  nextOffset: number;
  highWatermark: number;
}

const now = () => performance.timeOrigin + performance.now();
/** The producer's last record: not measured, it tells the consumer to stop. */
const END = 'end';

/**
 * Producer and consumer share this process, so the send time stamped into a value and
 * the receive time come from one clock.
 */
export async function runEndToEnd(command: EndToEndCommand): Promise<EndToEndOutcome> {
  const producer = new HttpClient(command.target);
  const consumer = new HttpClient(command.target);
  const latency = createLatencyHistogram();
  const produceLatency = createLatencyHistogram();
  const topic = encodeURIComponent(command.topic);
  const fetchPath = `/v1/topics/${topic}/partitions/0/records`;

  // The topic is fresh: the consumer starts at offset 0, which is also the end of the log.
  let offset = 0;
  let produced = 0;
  let consumed = 0;
  let polls = 0;
  let ended = false;
  const padding = 'x'.repeat(command.valueBytes);

  const start = performance.now();
  const produce = async () => {
    const deadline = start + command.durationMs;
    while (performance.now() < deadline) {
      const stamp = now().toFixed(3);
      const value = `${stamp}|${padding}`.slice(0, command.valueBytes);
      const t0 = performance.now();
      await producer.post(`/v1/topics/${topic}/records`, JSON.stringify({ encoding: 'string', records: [{ value, partition: 0 }] }));
      recordMs(produceLatency, performance.now() - t0);
      produced++;
      await sleep(command.pauseMs);
    }
    // Ends the consumer's loop at once, rather than leaving its last poll waiting waitMs for nothing.
    await producer.post(`/v1/topics/${topic}/records`, JSON.stringify({ encoding: 'string', records: [{ value: END, partition: 0 }] }));
  };
  const consume = async () => {
    while (!ended) {
      const text = await consumer.get(`${fetchPath}?offset=${offset}&limit=1000&waitMs=${command.waitMs}&encoding=string`);
      polls++;
      const received = now();
      const answer = JSON.parse(text) as FetchAnswer;
      for (const r of answer.records) {
        if (r.value === END) {
          ended = true;
          continue;
        }
        recordMs(latency, received - Number(r.value?.slice(0, r.value.indexOf('|'))));
        consumed++;
      }
      offset = answer.nextOffset;
    }
  };
  await Promise.all([produce(), consume()]);

  const tally = { ...producer.tally };
  for (const key of Object.keys(tally) as (keyof typeof tally)[]) tally[key] += consumer.tally[key];
  return {
    ...tally,
    produced,
    consumed,
    polls,
    elapsedMs: performance.now() - start,
    latency: encodeHistogram(latency),
    produceLatency: encodeHistogram(produceLatency),
  };
}

export async function runIdlePoll(command: IdlePollCommand): Promise<IdlePollOutcome> {
  const client = new HttpClient(command.target);
  const path = `/v1/topics/${encodeURIComponent(command.topic)}/partitions/${command.partition}/records`;
  const start = performance.now();
  // The topic is fresh and nobody writes to it: offset 0 is the end of the log.
  const answer = JSON.parse(await client.get(`${path}?offset=0&waitMs=${command.waitMs}`)) as FetchAnswer;
  return { ...client.tally, elapsedMs: performance.now() - start, records: answer.records.length };
}
