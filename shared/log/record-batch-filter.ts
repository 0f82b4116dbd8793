import { crc32c } from './crc32c.js';
import { type DecodedRecord, encodeRecordBatch, type RecordBatch } from './record-batch-codec.js';

/*
 * RecordBatch v2 header positions (Kafka's DefaultRecordBatch): the one field rewritten
 * here, lastOffsetDelta, and the CRC-32C that covers attributes..end.
 */
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;
const LAST_OFFSET_DELTA_OFFSET = 23;

/**
 * Kafka's MemoryRecords.filterTo for one batch (the log cleaner's rewrite): the `kept`
 * records of `batch` (real offsets, in order), keeping their offsets, compression and
 * timestamps. Answers no batch when nothing is kept, as Kafka drops an emptied batch.
 *
 * Each run of consecutive offsets becomes one batch (the codec's encoder writes dense
 * offset deltas), and the last one's lastOffsetDelta is stretched to the original batch's
 * last offset, as Kafka keeps it (`overrideLastOffset`), so a reader of the batches alone
 * still sees where the original batch ended. The decoder accepts both: a batch's records
 * may number fewer than lastOffsetDelta + 1.
 */
export function filterRecordBatch(batch: RecordBatch, kept: readonly DecodedRecord[]): Buffer[] {
  if (kept.length === 0) return [];
  const lastOffset = batch.baseOffset + batch.lastOffsetDelta;
  const runs: DecodedRecord[][] = [];
  for (const r of kept) {
    const run = runs.at(-1);
    if (run && run.at(-1)!.offset + 1 === r.offset) run.push(r);
    else runs.push([r]);
  }
  return runs.map((run, i) => {
    const bytes = encodeRecordBatch(run, { baseOffset: run[0]!.offset, compression: batch.compression });
    if (i === runs.length - 1 && run.at(-1)!.offset < lastOffset) {
      bytes.writeInt32BE(lastOffset - run[0]!.offset, LAST_OFFSET_DELTA_OFFSET);
      bytes.writeUInt32BE(crc32c(bytes.subarray(ATTRIBUTES_OFFSET)), CRC_OFFSET);
    }
    return bytes;
  });
}
