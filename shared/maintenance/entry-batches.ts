import { mapWithConcurrency } from '../concurrency.js';
import { decodeRecordBatches, type RecordBatch } from '../log/record-batch-codec.js';
import type { IndexEntry } from '../model/log-index.js';
import type { MaintenanceContext } from './maintenance-context.js';

/** Ranged GETs in flight at once while the log cleaner reads. */
const GET_CONCURRENCY = 16;

/**
 * The record batches of each entry, with their real offsets (objects under batches/ store
 * base offset 0, segments the real one: the shift from the first stored batch to the
 * entry's base offset covers both, as in fetch). Adjacent entries of one object are read
 * with one ranged GET. A batch that fails its CRC throws: the cleaner never rewrites what
 * it cannot read.
 */
export async function readEntryBatches(ctx: MaintenanceContext, entries: readonly IndexEntry[]): Promise<RecordBatch[][]> {
  const ranges: { objectKey: string; byteOffset: number; entries: IndexEntry[]; byteLength: number }[] = [];
  for (const e of entries) {
    const last = ranges.at(-1);
    if (last && last.objectKey === e.objectKey && last.byteOffset + last.byteLength === e.byteOffset) {
      last.entries.push(e);
      last.byteLength += e.byteLength;
    } else ranges.push({ objectKey: e.objectKey, byteOffset: e.byteOffset, entries: [e], byteLength: e.byteLength });
  }
  const perRange = await mapWithConcurrency(ranges, GET_CONCURRENCY, async (range) => {
    const bytes = Buffer.from(await ctx.log.store.getRange(range.objectKey, range.byteOffset, range.byteLength));
    let position = 0;
    return range.entries.map((e) => {
      const batches = decodeRecordBatches(bytes.subarray(position, position + e.byteLength));
      position += e.byteLength;
      const shift = e.baseOffset - (batches[0]?.baseOffset ?? 0);
      return batches.map((b) => ({ ...b, baseOffset: b.baseOffset + shift, records: b.records.map((r) => ({ ...r, offset: r.offset + shift })) }));
    });
  });
  return perRange.flat();
}

/** When the record at `offset` of `entry` was appended: its batch's time in a segment's time index, else the entry's. */
export function appendTimeOf(entry: IndexEntry, offset: number): number {
  const index = entry.timeIndex;
  if (!index) return entry.appendTime;
  let time = entry.appendTime;
  for (let i = 0; i < index.length && index[i]! <= offset; i += 2) time = index[i + 1]!;
  return time;
}
