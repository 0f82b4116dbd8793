import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

/** Latencies are recorded in microseconds: integers, with 3 significant digits kept. */
const MICROS_PER_MS = 1000;

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export function createLatencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
}

export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(Math.max(1, Math.round(ms * MICROS_PER_MS)));
}

/** Histograms cross the process boundary (load driver → bench) in HdrHistogram's compressed form. */
export const encodeHistogram = (histogram: Histogram): string => encodeIntoCompressedBase64(histogram);
export const decodeHistogram = (encoded: string): Histogram => decodeFromCompressedBase64(encoded);

export function mergeHistograms(histograms: readonly Histogram[]): Histogram {
  const merged = createLatencyHistogram();
  for (const h of histograms) merged.add(h);
  return merged;
}

export function summarize(histogram: Histogram): LatencySummary {
  const ms = (micros: number) => Math.round((micros / MICROS_PER_MS) * 100) / 100;
  return {
    count: histogram.totalCount,
    p50Ms: ms(histogram.getValueAtPercentile(50)),
    p99Ms: ms(histogram.getValueAtPercentile(99)),
    maxMs: ms(histogram.maxValue),
    meanMs: ms(histogram.mean),
  };
}
