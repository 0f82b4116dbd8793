import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, type MetricName, type MetricsSink } from '../../shared/metrics.js';

/** A MetricsSink that the handler flushes as CloudWatch EMF lines at the end of each invocation. */
export interface FlushableMetricsSink extends MetricsSink {
  /** Writes what was added since the last flush (nothing when nothing was added). */
  flush(): void;
}

const UNITS = { Count: MetricUnit.Count, Bytes: MetricUnit.Bytes } as const;

/**
 * Backs the domain's MetricsSink with Powertools. Values are summed per metric and
 * dimension set first, so a fetch loop or a dispatch pass writes one EMF line per
 * dimension set rather than one per call; each line carries the `service` dimension.
 */
export function powertoolsMetricsSink(serviceName: string): FlushableMetricsSink {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });
  // dimension set (as JSON) → metric name → unit and running total
  const pending = new Map<string, Map<MetricName, { unit: 'Count' | 'Bytes'; value: number }>>();
  return {
    add(name, unit, value, dimensions = {}) {
      const key = JSON.stringify(Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b)));
      const set = pending.get(key) ?? new Map();
      pending.set(key, set);
      const entry = set.get(name) ?? { unit, value: 0 };
      entry.value += value;
      set.set(name, entry);
    },
    flush() {
      for (const [key, set] of pending) {
        for (const [name, value] of JSON.parse(key) as [string, string][]) metrics.addDimension(name, value);
        for (const [name, { unit, value }] of set) metrics.addMetric(name, UNITS[unit], value);
        // Clears the dimensions just added, so the next set starts from `service` alone.
        metrics.publishStoredMetrics();
      }
      pending.clear();
    },
  };
}
