import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { compress as lz4jsCompress } from 'lz4js';
import { beforeAll, describe, expect, it } from 'vitest';
import { CorruptRecordBatchError } from '../../shared/errors.js';
import { crc32c } from '../../shared/log/crc32c.js';
import { type CompressionType, compressionReady, decodeRecordBatch, decodeRecordBatches, encodeRecordBatch, type LogRecord } from '../../shared/log/record-batch-codec.js';
import { frameRecordBatch, RecordCursor } from '../../shared/log/record-batch-decode.js';

beforeAll(() => compressionReady('zstd'));

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const T0 = 1_700_000_000_000;

/** Compares as plain bytes so Buffer views and Uint8Arrays with equal contents match. */
function plain(records: readonly LogRecord[]): unknown[] {
  const bytes = (b: Uint8Array | null) => (b === null ? null : Array.from(b));
  return records.map((r) => ({
    key: bytes(r.key),
    value: bytes(r.value),
    headers: r.headers.map((h) => ({ key: h.key, value: bytes(h.value) })),
    timestamp: r.timestamp,
  }));
}

const variety: LogRecord[] = [
  { key: null, value: utf8('null key'), headers: [], timestamp: T0 },
  { key: utf8('k'), value: null, headers: [], timestamp: T0 + 1 },
  { key: utf8('k'), value: new Uint8Array(0), headers: [], timestamp: T0 - 5 },
  {
    key: utf8('headers'),
    value: utf8('v'),
    headers: [
      { key: 'trace', value: utf8('abc') },
      { key: 'trace', value: utf8('def') },
      { key: 'nothing', value: null },
      { key: '', value: new Uint8Array(0) },
    ],
    timestamp: T0 + 2,
  },
  { key: utf8('ключ 🔑'), value: utf8('značka — 値 — 🚀'), headers: [{ key: 'ヘッダー', value: utf8('ü') }], timestamp: T0 + 3 },
];

describe('encodeRecordBatch / decodeRecordBatch', () => {
  it.each<CompressionType>(['none', 'gzip', 'lz4', 'zstd'])('round-trips null keys, null and empty values, duplicate and null headers, unicode (%s)', (compression) => {
    const bytes = encodeRecordBatch(variety, { baseOffset: 100, compression });
    const batch = decodeRecordBatch(bytes);
    expect(plain(batch.records)).toEqual(plain(variety));
    expect(batch.records.map((r) => r.offset)).toEqual([100, 101, 102, 103, 104]);
    expect(batch).toMatchObject({
      baseOffset: 100,
      lastOffsetDelta: 4,
      firstTimestamp: T0,
      maxTimestamp: T0 + 3,
      compression,
      sizeInBytes: bytes.length,
    });
  });

  it('keeps null and empty values apart', () => {
    const [nullValue, emptyValue] = decodeRecordBatch(encodeRecordBatch(variety.slice(1, 3), { compression: 'none' })).records;
    expect(nullValue!.value).toBeNull();
    expect(emptyValue!.value).toEqual(new Uint8Array(0));
  });

  it.each<CompressionType>(['none', 'gzip', 'lz4', 'zstd'])('round-trips a 1 MiB value (%s)', (compression) => {
    const value = randomBytes(1 << 20);
    const batch = decodeRecordBatch(encodeRecordBatch([{ key: utf8('big'), value, headers: [], timestamp: T0 }], { compression }));
    expect(Buffer.compare(batch.records[0]!.value!, value)).toBe(0);
  });

  it('round-trips timestamp deltas wider than 32 bits in both directions', () => {
    const records: LogRecord[] = [
      { key: null, value: null, headers: [], timestamp: 2 ** 40 },
      { key: null, value: null, headers: [], timestamp: 0 },
      { key: null, value: null, headers: [], timestamp: 2 ** 40 + 2 ** 33 + 7 },
      { key: null, value: null, headers: [], timestamp: 2 ** 50 },
    ];
    const batch = decodeRecordBatch(encodeRecordBatch(records, { compression: 'none' }));
    expect(batch.records.map((r) => r.timestamp)).toEqual(records.map((r) => r.timestamp));
    expect(batch.firstTimestamp).toBe(2 ** 40);
    expect(batch.maxTimestamp).toBe(2 ** 50);
  });

  it('compresses with gzip and marks codec 1 in attributes', () => {
    const records = Array.from({ length: 100 }, (_, i): LogRecord => ({ key: null, value: utf8('same text again '.repeat(8)), headers: [], timestamp: T0 + i }));
    const none = encodeRecordBatch(records, { compression: 'none' });
    const gzip = encodeRecordBatch(records, { compression: 'gzip' });
    expect(gzip.length).toBeLessThan(none.length / 4);
    expect(gzip.readInt16BE(21) & 0x07).toBe(1);
    expect(none.readInt16BE(21) & 0x07).toBe(0);
  });

  it('writes Kafka`s header fields: magic 2, CreateTime, no producer, a valid CRC-32C', () => {
    const bytes = encodeRecordBatch(variety, { baseOffset: 7, compression: 'none' });
    expect(bytes.readBigInt64BE(0)).toBe(7n);
    expect(bytes.readInt32BE(8)).toBe(bytes.length - 12);
    expect(bytes.readInt32BE(12)).toBe(-1); // partitionLeaderEpoch
    expect(bytes.readInt8(16)).toBe(2);
    expect(bytes.readUInt32BE(17)).toBe(crc32c(bytes.subarray(21)));
    expect(bytes.readInt16BE(21) & 0x08).toBe(0);
    expect(bytes.readInt32BE(23)).toBe(4); // lastOffsetDelta
    expect(bytes.readBigInt64BE(43)).toBe(-1n); // producerId
    expect(bytes.readInt16BE(51)).toBe(-1); // producerEpoch
    expect(bytes.readInt32BE(53)).toBe(-1); // baseSequence
    expect(bytes.readInt32BE(57)).toBe(5); // recordCount
  });

  it('lets the caller override the stored baseOffset', () => {
    const bytes = encodeRecordBatch(variety, { compression: 'gzip' });
    const batch = decodeRecordBatch(bytes, { baseOffset: 5_000_000_000 });
    expect(batch.baseOffset).toBe(5_000_000_000);
    expect(batch.records.map((r) => r.offset)).toEqual([5_000_000_000, 5_000_000_001, 5_000_000_002, 5_000_000_003, 5_000_000_004]);
    expect(decodeRecordBatch(bytes).baseOffset).toBe(0);
  });

  it('accepts a plain Uint8Array at a non-zero byteOffset and decodes only the first batch', () => {
    const one = encodeRecordBatch(variety, { baseOffset: 3, compression: 'none' });
    const backing = new Uint8Array(one.length + 20);
    backing.set(one, 10);
    const batch = decodeRecordBatch(backing.subarray(10));
    expect(batch.sizeInBytes).toBe(one.length);
    expect(plain(batch.records)).toEqual(plain(variety));
  });

  // Regression (issue 12): {timestamp 0, timestamp 8.64e15} was acknowledged, then every fetch of
  // its partition answered 500 "varlong timestampDelta does not fit a safe integer".
  it('round-trips timestamp deltas past ±2^52 exactly, in both directions (zigzag past 2^53)', () => {
    const far = 8_640_000_000_000_000;
    for (const timestamps of [
      [0, far],
      [far, 0],
      [far, 1, 0, far - 1],
    ]) {
      const records = timestamps.map((timestamp): LogRecord => ({ key: null, value: utf8('v'), headers: [], timestamp }));
      for (const compression of ['none', 'gzip'] as const) {
        const batch = decodeRecordBatch(encodeRecordBatch(records, { compression }));
        expect(batch.records.map((r) => r.timestamp)).toEqual(timestamps);
      }
    }
  });

  it('reads a timestamp that is no safe integer as NO_TIMESTAMP (-1) instead of failing the batch', () => {
    const bytes = encodeRecordBatch(
      [
        { key: null, value: utf8('a'), headers: [], timestamp: 0 },
        { key: null, value: utf8('b'), headers: [], timestamp: 8_640_000_000_000_000 },
      ],
      { compression: 'none' },
    );
    // A (CRC-valid) firstTimestamp of 9e15 puts the second record at 1.764e16: no safe integer.
    bytes.writeBigInt64BE(9_000_000_000_000_000n, 27);
    bytes.writeUInt32BE(crc32c(bytes.subarray(21)), 17);
    const batch = decodeRecordBatch(bytes);
    expect(batch.records.map((r) => r.timestamp)).toEqual([9_000_000_000_000_000, -1]);
    expect(batch.records.map((r) => new TextDecoder().decode(r.value!))).toEqual(['a', 'b']);
  });

  it('refuses to encode an empty batch or a negative timestamp', () => {
    expect(() => encodeRecordBatch([], { compression: 'none' })).toThrow(RangeError);
    expect(() => encodeRecordBatch([{ key: null, value: null, headers: [], timestamp: -2 }], { compression: 'none' })).toThrow(RangeError);
  });
});

describe('decodeRecordBatches', () => {
  it('decodes a concatenation of batches, mixing compression', () => {
    const a = encodeRecordBatch(variety.slice(0, 2), { baseOffset: 0, compression: 'none' });
    const b = encodeRecordBatch(variety.slice(2), { baseOffset: 2, compression: 'gzip' });
    const c = encodeRecordBatch(variety.slice(0, 1), { baseOffset: 5, compression: 'none' });
    const batches = decodeRecordBatches(Buffer.concat([a, b, c]));
    expect(batches.map((x) => x.baseOffset)).toEqual([0, 2, 5]);
    expect(batches.map((x) => x.sizeInBytes)).toEqual([a.length, b.length, c.length]);
    expect(batches.flatMap((x) => x.records.map((r) => r.offset))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('returns nothing for empty input', () => {
    expect(decodeRecordBatches(new Uint8Array(0))).toEqual([]);
  });

  it('throws on a truncated trailing batch', () => {
    const a = encodeRecordBatch(variety, { compression: 'none' });
    expect(() => decodeRecordBatches(Buffer.concat([a, a.subarray(0, 30)]))).toThrow(CorruptRecordBatchError);
  });
});

describe('RecordCursor', () => {
  it('walks the records in place: the same offsets, timestamps, keys, values and headers as decodeRecordBatch', () => {
    const bytes = encodeRecordBatch(variety, { baseOffset: 40, compression: 'none' });
    const frame = frameRecordBatch(bytes);
    const cursor = new RecordCursor(frame, frame.recordsSection);
    const walked: (LogRecord & { offset: number })[] = [];
    const slice = (start: number, length: number) => (length < 0 ? null : cursor.section.subarray(start, start + length));
    while (cursor.next()) walked.push({ offset: cursor.offset, timestamp: cursor.timestamp, key: slice(cursor.keyStart, cursor.keyLength), value: slice(cursor.valueStart, cursor.valueLength), headers: cursor.headers() });
    const decoded = decodeRecordBatch(bytes).records;
    expect(walked.map((r) => r.offset)).toEqual(decoded.map((r) => r.offset));
    expect(plain(walked)).toEqual(plain(decoded));
    expect(cursor.next()).toBe(false); // and stays done
  });

  it('gives keys, values and header values as plain Uint8Array views, even of a Buffer', () => {
    const [record] = decodeRecordBatch(Buffer.from(encodeRecordBatch(variety.slice(3, 4), { compression: 'none' }))).records;
    for (const view of [record!.key, record!.value, record!.headers[0]!.value]) {
      expect(view).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(view)).toBe(false);
    }
  });

  it('checks each record as it reaches it: a corrupt second record fails after the first was read', () => {
    const record: LogRecord = { key: utf8('abc'), value: utf8('xyz'), headers: [], timestamp: T0 };
    const bad = Buffer.from(encodeRecordBatch([record, record], { compression: 'none' }));
    bad[61 + 13 + 3] = 0; // the second record's offsetDelta: 0 again (CRC recomputed)
    bad.writeUInt32BE(crc32c(bad.subarray(21)), 17);
    const frame = frameRecordBatch(bad);
    const cursor = new RecordCursor(frame, frame.recordsSection);
    expect(cursor.next()).toBe(true);
    expect(() => cursor.next()).toThrow(/offsetDelta 0 out of order/);
  });
});

describe('decodeRecordBatch corruption', () => {
  it.each<CompressionType>(['none', 'gzip', 'lz4', 'zstd'])('rejects a flipped byte anywhere after the crc field (%s)', (compression) => {
    const good = encodeRecordBatch(variety, { baseOffset: 9, compression });
    for (let i = 21; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i]! ^= 0x01;
      expect(() => decodeRecordBatch(bad), `byte ${i}`).toThrow(CorruptRecordBatchError);
    }
  });

  it('rejects a changed crc, magic or batchLength', () => {
    const good = encodeRecordBatch(variety, { compression: 'none' });
    for (const [position, xor] of [
      [17, 0x80], // crc
      [16, 0x01], // magic
      [11, 0x01], // batchLength
      [8, 0x80], // batchLength sign
    ] as const) {
      const bad = Buffer.from(good);
      bad[position]! ^= xor;
      expect(() => decodeRecordBatch(bad), `byte ${position}`).toThrow(CorruptRecordBatchError);
    }
  });

  it.each<CompressionType>(['none', 'gzip', 'lz4', 'zstd'])('rejects every truncation (%s)', (compression) => {
    const good = encodeRecordBatch(variety, { compression });
    for (let length = 0; length < good.length; length++) {
      expect(() => decodeRecordBatch(good.subarray(0, length)), `length ${length}`).toThrow(CorruptRecordBatchError);
    }
  });

  it('rejects lengths that run past the record, even with a valid CRC', () => {
    // One record whose keyLength claims more bytes than the record holds; CRC recomputed so only the length check can catch it.
    const good = encodeRecordBatch([{ key: utf8('abc'), value: utf8('xyz'), headers: [], timestamp: T0 }], { compression: 'none' });
    const bad = Buffer.from(good);
    const keyLengthAt = 61 + 1 + 1 + 1 + 1; // record length, attributes, timestampDelta, offsetDelta
    expect(bad[keyLengthAt]).toBe(6); // zigzag(3)
    bad[keyLengthAt] = 40; // zigzag(20)
    bad.writeUInt32BE(crc32c(bad.subarray(21)), 17);
    expect(() => decodeRecordBatch(bad)).toThrow(CorruptRecordBatchError);
  });

  it('rejects a record whose length claims more bytes than its fields use, even with a valid CRC', () => {
    const good = encodeRecordBatch([{ key: utf8('abc'), value: utf8('xyz'), headers: [], timestamp: T0 }], { compression: 'none' });
    const bad = Buffer.concat([good, Buffer.from([0])]); // one byte of padding inside the only record
    expect(bad[61]).toBeLessThan(0x80); // a one-byte record length varint
    bad[61]! += 2; // zigzag: length + 1
    bad.writeInt32BE(bad.length - 12, 8);
    bad.writeUInt32BE(crc32c(bad.subarray(21)), 17);
    expect(() => decodeRecordBatch(bad)).toThrow(/its fields use/);
  });

  it('rejects offsetDeltas that do not increase, even with a valid CRC', () => {
    const record: LogRecord = { key: utf8('abc'), value: utf8('xyz'), headers: [], timestamp: T0 };
    const bad = Buffer.from(encodeRecordBatch([record, record], { compression: 'none' }));
    // Each record is 13 bytes: length, attributes, timestampDelta, then offsetDelta.
    const secondOffsetDeltaAt = 61 + 13 + 3;
    expect(bad[secondOffsetDeltaAt]).toBe(2); // zigzag(1)
    bad[secondOffsetDeltaAt] = 0; // offsetDelta 0 again
    bad.writeUInt32BE(crc32c(bad.subarray(21)), 17);
    expect(() => decodeRecordBatch(bad)).toThrow(/offsetDelta 0 out of order/);
  });

  it('rejects a null header key, even with a valid CRC', () => {
    const bad = Buffer.from(encodeRecordBatch([{ key: utf8('abc'), value: utf8('xyz'), headers: [{ key: 'h', value: null }], timestamp: T0 }], { compression: 'none' }));
    // length, attributes, timestampDelta, offsetDelta, key (1 + 3), value (1 + 3), headersCount, then the header key length.
    const headerKeyLengthAt = 61 + 4 + 4 + 4 + 1;
    expect(bad[headerKeyLengthAt]).toBe(2); // zigzag(1)
    bad[headerKeyLengthAt] = 1; // zigzag(-1)
    bad.writeUInt32BE(crc32c(bad.subarray(21)), 17);
    expect(() => decodeRecordBatch(bad)).toThrow(/header keys cannot be null/);
  });

  it('rejects a recordCount larger than the records present, even with a valid CRC', () => {
    const bad = Buffer.from(encodeRecordBatch(variety, { compression: 'none' }));
    bad.writeInt32BE(1_000_000, 57);
    bad.writeInt32BE(2_000_000, 23); // lastOffsetDelta, so only the count check can fail
    bad.writeUInt32BE(crc32c(bad.subarray(21)), 17);
    expect(() => decodeRecordBatch(bad)).toThrow(/recordCount/);
  });

  it('refuses to inflate a gzip section past 64 MiB, even with a valid CRC', () => {
    const bomb = gzipSync(Buffer.alloc(65 * 1024 * 1024));
    const bad = Buffer.concat([encodeRecordBatch(variety.slice(0, 1), { compression: 'gzip' }).subarray(0, 61), bomb]);
    bad.writeInt32BE(bad.length - 12, 8);
    bad.writeUInt32BE(crc32c(bad.subarray(21)), 17);
    expect(() => decodeRecordBatch(bad)).toThrow(/does not decompress/);
  });

  it('rejects a recordCount smaller than the records present, even with a valid CRC', () => {
    const bad = Buffer.from(encodeRecordBatch(variety, { compression: 'gzip' }));
    bad.writeInt32BE(3, 57);
    bad.writeUInt32BE(crc32c(bad.subarray(21)), 17);
    expect(() => decodeRecordBatch(bad)).toThrow(/bytes left/);
  });

  it.each([
    ['lz4', 3],
    ['zstd', 4],
  ] as const)('marks %s as codec %i in attributes and stores less than uncompressed', (compression, codec) => {
    const records = Array.from({ length: 200 }, (_, i) => ({ key: null, value: utf8(`{"event":"page_view","n":${i}}`.repeat(10)), headers: [], timestamp: T0 }));
    const bytes = encodeRecordBatch(records, { compression });
    expect(bytes.readInt16BE(21) & 0x07).toBe(codec);
    expect(bytes.length).toBeLessThan(encodeRecordBatch(records, { compression: 'none' }).length / 4);
    expect(plain(decodeRecordBatch(bytes).records)).toEqual(plain(records));
  });

  it('writes lz4 as Kafka does: 64 KiB independent blocks, and reads any LZ4 frame (lz4js\'s own 4 MiB dependent ones)', () => {
    const records = [{ key: null, value: randomBytes(200_000), headers: [], timestamp: T0 }];
    const bytes = encodeRecordBatch(records, { compression: 'lz4' });
    expect([...bytes.subarray(61, 67)]).toEqual([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40]); // magic, FLG (v1, independent), BD (64 KiB)
    expect(plain(decodeRecordBatch(bytes).records)).toEqual(plain(records));
    const section = encodeRecordBatch(records, { compression: 'none' }).subarray(61);
    const foreign = Buffer.concat([bytes.subarray(0, 61), lz4jsCompress(section)]);
    foreign.writeInt32BE(foreign.length - 12, 8);
    foreign.writeUInt32BE(crc32c(foreign.subarray(21)), 17);
    expect(plain(decodeRecordBatch(foreign).records)).toEqual(plain(records));
  });

  it('writes a string value as its UTF-8 bytes, the same batch as from a Uint8Array', () => {
    const texts = ['{"a":1}', '', 'ü 🚀 значение', 'x'.repeat(300)];
    const asText = texts.map((value, i) => ({ key: null, value, headers: [{ key: 'h', value: utf8('v') }], timestamp: T0 + i }));
    const asBytes = texts.map((value, i) => ({ key: null, value: utf8(value), headers: [{ key: 'h', value: utf8('v') }], timestamp: T0 + i }));
    for (const compression of ['none', 'zstd'] as const) {
      expect(Buffer.compare(encodeRecordBatch(asText, { compression }), encodeRecordBatch(asBytes, { compression }))).toBe(0);
    }
  });
});
