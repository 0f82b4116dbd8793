import type { Histogram } from 'hdr-histogram-js';
import { createLatencyHistogram, recordMs } from '../latency.js';

export interface ClosedLoopResult {
  /** Operations that completed (successfully or not) inside the phase. */
  operations: number;
  failures: number;
  /** From the start until the last operation in flight at the deadline completed. */
  elapsedMs: number;
  latency: Histogram;
  /** The first failure's message, to say why a phase went wrong. */
  firstError?: string;
}

/**
 * `workers` loops, each starting its next operation as soon as the previous one finished,
 * until `durationMs` has passed; operations in flight at the deadline are allowed to
 * finish and count, so that every SDK call observed in the phase belongs to a counted
 * operation. The same loop drives the HTTP clients and the storage floor.
 */
export async function runClosedLoop(options: {
  workers: number;
  durationMs: number;
  operation: (worker: number, iteration: number) => Promise<void>;
}): Promise<ClosedLoopResult> {
  const latency = createLatencyHistogram();
  let operations = 0;
  let failures = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + options.durationMs;
  const worker = async (index: number) => {
    for (let iteration = 0; performance.now() < deadline; iteration++) {
      const t0 = performance.now();
      try {
        await options.operation(index, iteration);
      } catch (err) {
        failures++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
      recordMs(latency, performance.now() - t0);
      operations++;
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, i) => worker(i)));
  return { operations, failures, elapsedMs: performance.now() - start, latency, ...(firstError !== undefined ? { firstError } : {}) };
}
