import { describe, expect, it } from 'vitest';
import { type CompressionType, decodeRecordBatch, decodeRecordBatches, encodeRecordBatch } from '../../shared/log/record-batch-codec.js';
import { filterRecordBatch } from '../../shared/log/record-batch-filter.js';
import { decodeBatchesWithKafkajs } from './kafkajs-decoder.js';

const text = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString());

describe('filterRecordBatch (the log cleaner’s rewrite of one batch)', () => {
  it.each(['none', 'gzip'] as CompressionType[])('keeps the chosen records with their offsets, timestamps and headers, and the batch’s last offset (%s)', async (compression) => {
    const records = Array.from({ length: 10 }, (_, i) => ({
      key: Buffer.from(`k${i % 4}`),
      value: i === 7 ? null : Buffer.from(`v${i}`),
      headers: [{ key: 'n', value: Buffer.from(String(i)) }],
      timestamp: 1_700_000_000_000 + i * 1000,
    }));
    const original = decodeRecordBatch(encodeRecordBatch(records, { baseOffset: 500, compression }));
    const kept = original.records.filter((r) => [1, 2, 3, 7].includes(r.offset - 500));

    const rewritten = filterRecordBatch(original, kept);
    // One batch with offset deltas 0, 1, 2, 6 (the gaps), ending at 509, the original batch's last offset, as Kafka keeps it.
    expect(rewritten).toHaveLength(1);
    const ours = decodeRecordBatches(Buffer.concat(rewritten)); // CRC-checked
    expect(ours.map((b) => [b.baseOffset, b.lastOffsetDelta, b.compression, b.records.length])).toEqual([[501, 8, compression, 4]]);
    expect(ours.flatMap((b) => b.records)).toEqual(kept);

    const theirs = await decodeBatchesWithKafkajs(Buffer.concat(rewritten));
    expect(theirs.at(-1)!.lastOffsetDelta + Number(theirs.at(-1)!.firstOffset)).toBe(509);
    expect(theirs.flatMap((b) => b.records).map((r) => [Number(r.offset), text(r.key), text(r.value), r.timestamp])).toEqual(
      kept.map((r) => [r.offset, text(r.key), text(r.value), String(r.timestamp)]),
    );
  });

  it('answers no batch when nothing is kept, and the batch untouched (bar its base) when all is', () => {
    const original = decodeRecordBatch(encodeRecordBatch([{ key: Buffer.from('a'), value: Buffer.from('1'), headers: [], timestamp: 1 }], { baseOffset: 9, compression: 'none' }));
    expect(filterRecordBatch(original, [])).toEqual([]);
    expect(decodeRecordBatches(Buffer.concat(filterRecordBatch(original, original.records)))[0]).toMatchObject({ baseOffset: 9, lastOffsetDelta: 0, records: original.records });
  });
});

describe('encodeRecordBatch with offset deltas', () => {
  const record = { key: null, value: Buffer.from('x'), headers: [], timestamp: 1 };
  it('refuses deltas that do not increase strictly, and a last offset delta below the last record', () => {
    expect(() => encodeRecordBatch([record, record], { compression: 'none', offsetDeltas: [0, 0] })).toThrow(RangeError);
    expect(() => encodeRecordBatch([record, record], { compression: 'none', offsetDeltas: [0] })).toThrow(RangeError);
    expect(() => encodeRecordBatch([record, record], { compression: 'none', offsetDeltas: [0, 5], lastOffsetDelta: 4 })).toThrow(RangeError);
    const batch = decodeRecordBatch(encodeRecordBatch([record, record], { baseOffset: 10, compression: 'none', offsetDeltas: [0, 5], lastOffsetDelta: 9 }));
    expect([batch.lastOffsetDelta, batch.records.map((r) => r.offset)]).toEqual([9, [10, 15]]);
  });
});
