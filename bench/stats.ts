/** Small statistics over repeated runs. */
export interface Spread {
  min: number;
  median: number;
  max: number;
  runs: number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function spread(values: readonly number[]): Spread {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values), runs: [...values] };
}

/** Rounds for reports: 3 significant digits, never scientific notation for ordinary magnitudes. */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const exponent = Math.floor(Math.log10(Math.abs(value))) - digits + 1;
  // Divide by an exact power of ten when it is ≥ 1 and multiply by one otherwise, so that
  // 1e6 stays 1000000 and 0.0123 stays 0.0123 (no 1000000.0000000001).
  if (exponent >= 0) return Math.round(value / 10 ** exponent) * 10 ** exponent;
  const factor = 10 ** -exponent;
  return Math.round(value * factor) / factor;
}

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
