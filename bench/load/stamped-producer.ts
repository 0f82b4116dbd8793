import { setTimeout as sleep } from 'node:timers/promises';
import type { Histogram } from 'hdr-histogram-js';
import { recordMs } from '../latency.js';
import type { HttpClient } from './http-client.js';

/** Wall-clock milliseconds with sub-ms precision: what a value is stamped with and compared against on arrival. */
export const now = (): number => performance.timeOrigin + performance.now();
/** The producer's last record: not measured, it tells the other side the run is over. */
export const END = 'end';

/**
 * The end-to-end scenarios' producer: one record per request to partition 0 for
 * `durationMs`, each value starting with its send time, then one END record. Answers how
 * many records were measured.
 */
export async function produceStamped(
  producer: HttpClient,
  topic: string,
  options: { durationMs: number; valueBytes: number; pauseMs: number },
  produceLatency: Histogram,
): Promise<number> {
  const padding = 'x'.repeat(options.valueBytes);
  const deadline = performance.now() + options.durationMs;
  const post = (value: string) => producer.post(`/v1/topics/${topic}/records`, JSON.stringify({ encoding: 'string', records: [{ value, partition: 0 }] }));
  let produced = 0;
  while (performance.now() < deadline) {
    const value = `${now().toFixed(3)}|${padding}`.slice(0, options.valueBytes);
    const t0 = performance.now();
    await post(value);
    recordMs(produceLatency, performance.now() - t0);
    produced++;
    await sleep(options.pauseMs);
  }
  await post(END);
  return produced;
}
