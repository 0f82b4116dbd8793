
import { createLatencyHistogram, encodeHistogram, recordMs } from '../latency.js';
import { HttpClient } from './http-client.js';
import { END, now, produceStamped } from './stamped-producer.js';
import type { EndToEndCommand, EndToEndOutcome, IdlePollCommand, IdlePollOutcome } from './protocol.js';

interface FetchAnswer {
  records: { value: string | null }[];
  nextOffset: number;
  highWatermark: number;
}


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

  const start = performance.now();
  // Its END record ends the consumer's loop at once, rather than leaving its last poll waiting waitMs for nothing.
  const produce = async () => {
    produced = await produceStamped(producer, topic, command, produceLatency);
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
