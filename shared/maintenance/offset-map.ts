import type { RecordBatch } from '../log/record-batch-codec.js';
import type { IndexEntry } from '../model/log-index.js';
import { readEntryBatches } from './entry-batches.js';
import type { MaintenanceContext } from './maintenance-context.js';

/**
 * Kafka bounds its offset map (log.cleaner.dedupe.buffer.size) and cleans only as much of
 * the dirty section as fits; so do we, in keys: the rest waits for the next cleaning.
 */
export const MAX_OFFSET_MAP_KEYS = 1_000_000;
/** Entries read at once while building the offset map. */
const MAP_READ_WINDOW = 64;
/**
 * Stored bytes whose decoded batches the offset map keeps for the rewrite: decoded
 * records weigh several times their bytes, and the maintenance Lambda's memory is finite.
 */
const BATCH_CACHE_BYTES = 32 * 1024 * 1024;

/** A record key as a map key: one char per byte, exact. */
export const keyOf = (key: Uint8Array): string => Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');

/**
 * Key → its latest offset over `mapped` (from the checkpoint to the head). When the map
 * fills up, the cleaning ends where the mapping stopped (`end`), as Kafka's does.
 */
export async function buildOffsetMap(ctx: MaintenanceContext, mapped: readonly IndexEntry[], cleanableEnd: number, cache: BatchCache): Promise<{ latest: Map<string, number>; end: number }> {
  const latest = new Map<string, number>();
  for (let i = 0; i < mapped.length; i += MAP_READ_WINDOW) {
    const window = mapped.slice(i, i + MAP_READ_WINDOW);
    const batches = await readEntryBatches(ctx, window);
    for (const [j, entryBatches] of batches.entries()) {
      cache.keep(window[j]!, entryBatches);
      for (const b of entryBatches) for (const r of b.records) if (r.key !== null) latest.set(keyOf(r.key), r.offset);
      if (latest.size >= MAX_OFFSET_MAP_KEYS) return { latest, end: Math.min(cleanableEnd, window[j]!.lastOffset + 1) };
    }
  }
  return { latest, end: cleanableEnd };
}

/**
 * The batches the offset map read, kept (up to a memory bound) for the rewrite that
 * follows, so a dirty entry costs one GET per cleaning rather than two.
 */
export class BatchCache {
  private readonly batches = new Map<string, RecordBatch[]>();
  private bytes = 0;

  keep(entry: IndexEntry, batches: RecordBatch[]): void {
    if (this.bytes + entry.byteLength > BATCH_CACHE_BYTES) return;
    this.batches.set(BatchCache.key(entry), batches);
    this.bytes += entry.byteLength;
  }

  async read(ctx: MaintenanceContext, entries: readonly IndexEntry[]): Promise<RecordBatch[][]> {
    const missing = entries.filter((e) => !this.batches.has(BatchCache.key(e)));
    const read = missing.length > 0 ? await readEntryBatches(ctx, missing) : [];
    for (const [i, e] of missing.entries()) this.batches.set(BatchCache.key(e), read[i]!);
    return entries.map((e) => {
      const batches = this.batches.get(BatchCache.key(e))!;
      this.batches.delete(BatchCache.key(e));
      return batches;
    });
  }

  private static key = (e: IndexEntry) => `${e.objectKey}@${e.byteOffset}`;
}

