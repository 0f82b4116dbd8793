/**
 * The binary produce body, `Content-Type: application/vnd.freshet.record-batches`: what a
 * producer sends when it encodes its own RecordBatches, as Kafka's producers do. Per
 * partition the request writes to, in any order and each partition at most once:
 *
 *     partition  int32, big-endian
 *     batch      one Kafka RecordBatch v2 (magic 2), exactly as it will be stored:
 *                baseOffset 0, partitionLeaderEpoch -1, CreateTime, no producer id,
 *                epoch or sequence (-1), offset deltas 0, 1, 2, …; its batchLength
 *                says where it ends
 *
 * (Kafka's ProduceRequest carries a partition index beside each partition's records the
 * same way.) The server checks every batch — lengths, CRC-32C, each record — and, when the
 * topic has no schema and the batch's codec is the topic's, stores the bytes as they came:
 * no JSON to parse, nothing to encode. Node-free: the client frames its batches with it.
 */
export const RECORD_BATCHES_MEDIA_TYPE = 'application/vnd.freshet.record-batches';

/** Bytes before each batch: its partition. */
export const PARTITION_PREFIX_BYTES = 4;

/** One body from each partition's encoded batch. */
export function frameRecordBatches(batches: readonly { partition: number; batch: Uint8Array }[]): Uint8Array {
  let size = 0;
  for (const b of batches) size += PARTITION_PREFIX_BYTES + b.batch.length;
  const body = new Uint8Array(size);
  const view = new DataView(body.buffer);
  let position = 0;
  for (const { partition, batch } of batches) {
    if (!Number.isInteger(partition) || partition < 0 || partition > 0x7fff_ffff) throw new RangeError(`partition must be an int32 ≥ 0, got ${partition}`);
    view.setInt32(position, partition);
    body.set(batch, position + PARTITION_PREFIX_BYTES);
    position += PARTITION_PREFIX_BYTES + batch.length;
  }
  return body;
}
