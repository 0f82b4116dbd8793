import type { Freshet, RecordMetadata } from '../../client/src/index.js';

/** What one producer load run sent and got back, for checking against a read-back. */
export interface LoadRun {
  /** `${caller}:${seq}` → its ack. */
  acks: Map<string, RecordMetadata>;
  keys: Set<string>;
  /** `${caller}:${seq}` → when `submit` was called and when its ack came (Date.now()). */
  times: Map<string, { calledAt: number; ackedAt: number }>;
}

const PAD = 'x'.repeat(1000);

/**
 * `callers` concurrent callers share one producer; each submits one 1 KiB message at a
 * time and goes on without waiting for its ack (only the producer's backpressure holds it
 * back), as a busy service does. `during(i)` runs after every message of caller 0.
 */
export async function runLoad(
  producer: ReturnType<Freshet['producer']>,
  topic: string,
  opts: { records: number; callers: number; keysPerCaller: number; during?: (sent: number) => Promise<void> | void },
): Promise<LoadRun> {
  const acks = new Map<string, RecordMetadata>();
  const keys = new Set<string>();
  const times = new Map<string, { calledAt: number; ackedAt: number }>();
  const perCaller = Math.ceil(opts.records / opts.callers);
  await Promise.all(
    Array.from({ length: opts.callers }, async (_, c) => {
      const pending: Promise<void>[] = [];
      for (let s = 0; s < perCaller && c * perCaller + s < opts.records; s++) {
        const key = `k${c}-${s % opts.keysPerCaller}`;
        keys.add(key);
        const id = `${c}:${s}`;
        const calledAt = Date.now();
        const { acked } = await producer.submit({ topic, messages: [{ key, value: { c, s, pad: PAD } }] });
        pending.push(
          acked.then(([m]) => {
            acks.set(id, m!);
            times.set(id, { calledAt, ackedAt: Date.now() });
          }),
        );
        if (c === 0) await opts.during?.(s);
      }
      await Promise.all(pending);
    }),
  );
  return { acks, keys, times };
}

/** Reads every partition to its high watermark and checks the run: each record once, per-key order, acks point at it. */
export async function verifyReadBack(freshet: Freshet, topic: string, partitions: number, run: LoadRun, records: number): Promise<string[]> {
  const problems: string[] = [];
  const seen = new Map<string, { partition: number; offset: number }>();
  await Promise.all(
    Array.from({ length: partitions }, async (_, partition) => {
      const lastSeqByKey = new Map<string, number>();
      for await (const m of freshet.readPartition({ topic, partition, fromOffset: 'earliest', follow: false, limit: 10_000, maxBytes: 4 * 1024 * 1024 })) {
        const v = m.value as { c: number; s: number };
        const id = `${v.c}:${v.s}`;
        if (seen.has(id)) problems.push(`duplicate ${id} at ${partition}/${m.offset}`);
        seen.set(id, { partition, offset: m.offset });
        const key = String(m.key);
        const last = lastSeqByKey.get(key) ?? -1;
        if (v.s <= last) problems.push(`key ${key}: seq ${v.s} after ${last} at ${partition}/${m.offset}`);
        lastSeqByKey.set(key, v.s);
      }
    }),
  );
  if (seen.size !== records) problems.push(`read back ${seen.size} distinct records, sent ${records}`);
  for (const [id, ack] of run.acks) {
    const at = seen.get(id);
    if (!at || at.partition !== ack.partition || at.offset !== ack.offset) problems.push(`ack of ${id} says ${ack.partition}/${ack.offset}, found ${JSON.stringify(at)}`);
  }
  if (run.acks.size !== records) problems.push(`${run.acks.size} acks for ${records} records`);
  return problems.slice(0, 20);
}
