import type { PricedUsage } from '../cost.js';
import { meteredMaintenanceRun } from './maintenance-pass.js';
import type { SectionContext } from './section.js';

const TOPIC = 'bench-changelog';
const RECORDS = 100_000;
const KEYS = 1_000;
const PER_REQUEST = 10_000;
const VALUE_BYTES = 100;

export type KeyCompactionPass =
  | {
      ok: true;
      durationMs: number;
      reason: string | null;
      recordsRemoved: number;
      calls: Record<string, number>;
      writeUnits: number;
      readUnits: number;
      priced: PricedUsage;
    }
  | { ok: false; error: string };

export interface KeyCompactionBench {
  records: number;
  keys: number;
  valueBytes: number;
  requests: number;
  partitionBytesBefore: number;
  partitionBytesAfter: number;
  /** The pass that cleans 100,000 records down to 1,000, then one with nothing due. */
  cleaning: KeyCompactionPass;
  idle: KeyCompactionPass;
}

/**
 * The cost of key compaction: 100,000 records of 100 B over 1,000 keys into one partition
 * of a compacted topic (10 produce requests and a last one-record request, which is never
 * cleaned), then one maintenance pass — the log cleaner keeps 1,000 records — and a
 * second pass with nothing due. Calls, write and read units as metered on the stack; the
 * pass also merges what is left into a segment (compaction into segments) and sweeps the
 * replaced objects, as a scheduled pass would.
 */
export async function runKeyCompactionSection(ctx: SectionContext): Promise<KeyCompactionBench> {
  const { stack } = ctx;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${stack.api.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.api.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  await call('POST', '/v1/topics', { name: TOPIC, partitions: 1, cleanupPolicy: 'compact' });
  const value = 'v'.repeat(VALUE_BYTES);
  let requests = 0;
  for (let i = 0; i < RECORDS - 1; i += PER_REQUEST) {
    const records = Array.from({ length: Math.min(PER_REQUEST, RECORDS - 1 - i) }, (_, j) => ({ key: `key-${(i + j) % KEYS}`, value, partition: 0 }));
    await call('POST', `/v1/topics/${TOPIC}/records`, { records, encoding: 'string' });
    requests++;
  }
  await call('POST', `/v1/topics/${TOPIC}/records`, { records: [{ key: `key-${(RECORDS - 1) % KEYS}`, value, partition: 0 }], encoding: 'string' });
  requests++;
  const bytes = async () => ((await call('GET', `/v1/topics/${TOPIC}/partitions`)) as { partitions: { bytes: number }[] }).partitions[0]!.bytes;
  const partitionBytesBefore = await bytes();
  ctx.progress(`key compaction: ${RECORDS} records over ${KEYS} keys in ${requests} requests, ${partitionBytesBefore} bytes`);

  const cleaning = await meteredPass(ctx);
  const partitionBytesAfter = await bytes();
  const idle = await meteredPass(ctx);
  for (const [name, pass] of [['cleaning', cleaning], ['idle', idle]] as const) {
    ctx.progress(pass.ok ? `key compaction ${name} pass: ${pass.durationMs} ms, removed ${pass.recordsRemoved}, ${JSON.stringify(pass.calls)}, ${pass.writeUnits} WRU` : `key compaction ${name} pass failed: ${pass.error}`);
  }
  return { records: RECORDS, keys: KEYS, valueBytes: VALUE_BYTES, requests, partitionBytesBefore, partitionBytesAfter, cleaning, idle };
}

async function meteredPass(ctx: SectionContext): Promise<KeyCompactionPass> {
  const pass = await meteredMaintenanceRun<{ complete: boolean; skipped?: string; partitions: { topic: string; keyCompaction?: { reason: string; recordsRemoved: number } }[] }>(ctx);
  if (!pass.ok) return pass;
  const line = pass.report.partitions.find((p) => p.topic === TOPIC)?.keyCompaction;
  return {
    ok: true,
    durationMs: pass.durationMs,
    reason: line?.reason ?? null,
    recordsRemoved: line?.recordsRemoved ?? 0,
    calls: pass.calls,
    writeUnits: pass.priced.writeRequestUnits,
    readUnits: pass.priced.readRequestUnits,
    priced: pass.priced,
  };
}
