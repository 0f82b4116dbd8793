import { type DecodedRecord, encodeRecordBatch, type RecordBatch } from './record-batch-codec.js';

/**
 * Kafka's MemoryRecords.filterTo for one batch (the log cleaner's rewrite): the `kept`
 * records of `batch` (real offsets, in order) as one batch, keeping their offsets (offset
 * deltas with gaps, as Kafka writes them), compression and timestamps, and the original
 * batch's last offset (Kafka's `overrideLastOffset`), so a reader of the batches alone still
 * sees where the original batch ended. Answers no batch when nothing is kept, as Kafka drops
 * an emptied batch.
 *
 * One difference from Kafka: the base offset becomes the first kept record's (Kafka keeps
 * the original base offset), because Freshet's index entries name a batch by the offset of
 * its first record.
 */
export function filterRecordBatch(batch: RecordBatch, kept: readonly DecodedRecord[]): Buffer[] {
  if (kept.length === 0) return [];
  const baseOffset = kept[0]!.offset;
  return [
    encodeRecordBatch(kept, {
      baseOffset,
      compression: batch.compression,
      offsetDeltas: kept.map((r) => r.offset - baseOffset),
      lastOffsetDelta: batch.baseOffset + batch.lastOffsetDelta - baseOffset,
    }),
  ];
}
