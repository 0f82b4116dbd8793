import { decodeHistogram, summarize } from '../latency.js';
import type { SchemaValidationResult } from '../results.js';
import { median, round } from '../stats.js';
import { WORKLOAD_SCHEMA, type ProduceShape } from '../workload.js';
import { createTopic } from '../../shared/topics/topic-service.js';
import { registerSchema } from '../../shared/topics/topic-schemas.js';
import type { SectionContext } from './section.js';

const SCENARIOS: { records: number; clients: number }[] = [
  { records: 100, clients: 8 },
  { records: 1000, clients: 2 },
];

/**
 * What validating against a topic schema costs: the same JSON workload produced to a
 * topic without a schema and to one with WORKLOAD_SCHEMA, phases alternating, each after
 * its own warm-up. The ratio of the medians is the figure; the absolute rates are the
 * emulators' on this machine.
 */
export async function runSchemasSection(ctx: SectionContext): Promise<SchemaValidationResult[]> {
  const { stack, driver, options } = ctx;
  const results: SchemaValidationResult[] = [];
  for (const { records, clients } of SCENARIOS) {
    const shape: ProduceShape = { records, partitions: 1, valueBytes: 1024, json: true };
    const id = `json-r${records}-c${clients}-p1`;
    const plain = `bench-schema-off-r${records}`;
    const validated = `bench-schema-on-r${records}`;
    await createTopic(stack.log, { name: plain, partitions: 1 });
    await createTopic(stack.log, { name: validated, partitions: 1 });
    await registerSchema(stack.log, validated, { schema: WORKLOAD_SCHEMA, compatibility: 'backward' });

    const runs = { off: [] as number[], on: [] as number[], offP50: [] as number[], onP50: [] as number[] };
    let failures = 0;
    const phase = async (topic: string) => {
      await driver.run({ kind: 'produce', target: stack.api, topic, shape, clients, durationMs: options.warmupMs });
      const o = await driver.run({ kind: 'produce', target: stack.api, topic, shape, clients, durationMs: options.measureMs });
      failures += o.failures;
      if (o.firstError !== undefined) ctx.progress(`warning: ${topic} had ${o.failures} failed requests; first: ${o.firstError}`);
      return { recordsPerSecond: (o.records / o.elapsedMs) * 1000, p50: summarize(decodeHistogram(o.latency)).p50Ms };
    };
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      const order = repeat % 2 === 0 ? [plain, validated] : [validated, plain];
      for (const topic of order) {
        const r = await phase(topic);
        if (topic === plain) {
          runs.off.push(r.recordsPerSecond);
          runs.offP50.push(r.p50);
        } else {
          runs.on.push(r.recordsPerSecond);
          runs.onP50.push(r.p50);
        }
      }
    }
    const result: SchemaValidationResult = {
      id,
      recordsPerRequest: records,
      clients,
      partitions: 1,
      valueBytes: shape.valueBytes,
      withoutSchema: { recordsPerSecond: Math.round(median(runs.off)), p50Ms: round(median(runs.offP50), 1), runs: runs.off.map(Math.round) },
      withSchema: { recordsPerSecond: Math.round(median(runs.on)), p50Ms: round(median(runs.onP50), 1), runs: runs.on.map(Math.round) },
      ratio: round(median(runs.on) / median(runs.off)),
      failures,
    };
    ctx.progress(`${id}: ${result.withoutSchema.recordsPerSecond} rec/s without a schema, ${result.withSchema.recordsPerSecond} with (ratio ${result.ratio})`);
    results.push(result);
  }
  return results;
}
