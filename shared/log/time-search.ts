import type { IndexEntry } from '../model/log-index.js';

/**
 * Up to `limit` consecutive index entries of a partition, in offset order, from the one
 * holding `offset` (the first whose last offset is ≥ it). One Query with a Limit.
 */
export type EntryProbe = (offset: number, limit: number) => Promise<IndexEntry[]>;

/** Entries per probe: ~300 B each, so a probe stays within one 4 KB read unit. */
export const ENTRIES_PER_PROBE = 10;

/**
 * Kafka's offsetsForTimes over the offset-ordered index entries: the first entry whose
 * (last) append time is ≥ `timestamp`, or undefined.
 *
 * It relies on what the commit guarantees: append times never go backwards within a
 * partition (an entry's append time is at least its predecessor's; a compacted segment
 * carries the last of the times it merges), so "appended at or after" is a prefix/suffix
 * split of the offsets and a binary search finds it — no index on time is needed. A probe
 * reads ENTRIES_PER_PROBE entries, so the search ends as soon as one probe straddles the
 * split. Cost: at most 1 + log2(highWatermark) probes of one read unit each; the common
 * cases (a time after the last append, or at or before the first entry still kept) take
 * none or one.
 *
 * `lastAppendTime` is the head's: the last entry's append time, so nothing qualifies past it.
 */
export async function firstEntryAppendedAtOrAfter(
  probe: EntryProbe,
  timestamp: number,
  highWatermark: number,
  lastAppendTime: number | null,
): Promise<IndexEntry | undefined> {
  if (lastAppendTime === null || timestamp > lastAppendTime) return undefined;
  // Every entry whose last offset is below `lo` was appended before `timestamp`; the answer
  // is `best`, or an entry whose last offset is in [lo, hi).
  let lo = 0;
  let hi = highWatermark;
  let best: IndexEntry | undefined;
  let next = lo;
  while (lo < hi) {
    const entries = await probe(next, ENTRIES_PER_PROBE);
    const at = entries.findIndex((e) => e.appendTime >= timestamp);
    if (entries.length === 0) {
      hi = next;
    } else if (at > 0) {
      // Its predecessor was appended before: no earlier entry can qualify.
      return entries[at];
    } else if (at === 0) {
      best = entries[0];
      hi = Math.min(next, entries[0]!.baseOffset);
    } else {
      lo = entries.at(-1)!.lastOffset + 1;
    }
    next = lo + Math.floor((hi - lo) / 2);
  }
  return best;
}
