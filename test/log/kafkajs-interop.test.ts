import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { crc32c } from '../../shared/log/crc32c.js';
import { type CompressionType, compressionReady, decodeRecordBatch, encodeRecordBatch, type LogRecord } from '../../shared/log/record-batch-codec.js';
import { registerKafkajsCodecPlugins } from '../support/kafkajs-codec-plugins.js';
import { decodeBatchesWithKafkajs, decodeWithKafkajs } from './kafkajs-decoder.js';

registerKafkajsCodecPlugins();

const require = createRequire(import.meta.url);
interface KafkajsLong {
  value: bigint;
}
interface KafkajsEncoder {
  buffer: Buffer;
}
interface KafkajsRecordInput {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer | Buffer[]>;
}
const Long = require('kafkajs/src/utils/long') as { fromNumber(n: number): KafkajsLong };
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch(options: { compression: number; firstOffset: KafkajsLong; firstTimestamp: number; maxTimestamp: number; lastOffsetDelta: number; records: KafkajsEncoder[] }): Promise<KafkajsEncoder>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: KafkajsRecordInput) => KafkajsEncoder;
const { Types } = require('kafkajs/src/protocol/message/compression') as { Types: { None: number; GZIP: number } };

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
/** Our decoder returns plain Uint8Array views; compare their bytes with kafkajs's Buffers. */
const asBuffer = (b: Uint8Array | null): Buffer | null => (b === null ? null : Buffer.from(b));
const T0 = 1_700_000_000_000;

const records: LogRecord[] = [
  { key: utf8('user-1'), value: utf8('{"clicked":true}'), headers: [{ key: 'trace', value: utf8('t1') }], timestamp: T0 },
  { key: null, value: utf8('no key'), headers: [], timestamp: T0 + 250 },
  { key: utf8('tombstone'), value: null, headers: [], timestamp: T0 - 1000 },
  { key: utf8('empty'), value: new Uint8Array(0), headers: [{ key: 'absent', value: null }], timestamp: T0 + 2 ** 33 },
  {
    key: utf8('ключ'),
    value: utf8('🚀 значение'),
    headers: [
      { key: 'dup', value: utf8('a') },
      { key: 'dup', value: utf8('b') },
      { key: 'ヘッダー', value: utf8('ü') },
    ],
    timestamp: T0 + 3,
  },
];

describe('kafkajs decodes batches we encoded', () => {
  beforeAll(() => compressionReady('zstd'));

  it.each<CompressionType>(['none', 'gzip', 'lz4', 'zstd'])('agrees on offsets, keys, values, headers and timestamps (%s)', async (compression) => {
    const bytes = encodeRecordBatch(records, { baseOffset: 4_294_967_296, compression });
    const decoded = await decodeWithKafkajs(bytes);
    expect(decoded.map((r) => r.offset)).toEqual(['4294967296', '4294967297', '4294967298', '4294967299', '4294967300']);
    expect(decoded.map((r) => r.timestamp)).toEqual(records.map((r) => String(r.timestamp)));
    expect(decoded.map((r) => r.key)).toEqual(records.map((r) => (r.key === null ? null : Buffer.from(r.key))));
    expect(decoded.map((r) => r.value)).toEqual(records.map((r) => (r.value === null ? null : Buffer.from(r.value))));
    expect(decoded.map((r) => r.headers)).toEqual([{ trace: utf8('t1') }, {}, {}, { absent: null }, { dup: [utf8('a'), utf8('b')], ヘッダー: utf8('ü') }]);
  });

  it.each<CompressionType>(['none', 'gzip', 'lz4', 'zstd'])('agrees on the batch header fields (%s)', async (compression) => {
    const bytes = encodeRecordBatch(records, { baseOffset: 42, compression });
    const [batch, ...rest] = await decodeBatchesWithKafkajs(bytes);
    expect(rest).toEqual([]);
    expect(batch).toMatchObject({
      firstOffset: '42',
      lastOffsetDelta: 4,
      firstTimestamp: String(T0),
      maxTimestamp: String(T0 + 2 ** 33),
      partitionLeaderEpoch: -1,
      producerId: '-1',
    });
  });

  it('reads a concatenation of our batches as consecutive offsets', async () => {
    const segment = Buffer.concat([
      encodeRecordBatch(records.slice(0, 2), { baseOffset: 10, compression: 'none' }),
      encodeRecordBatch(records.slice(2), { baseOffset: 12, compression: 'gzip' }),
    ]);
    expect((await decodeWithKafkajs(segment)).map((r) => r.offset)).toEqual(['10', '11', '12', '13', '14']);
  });
});

describe('we decode batches kafkajs encoded', () => {
  async function encodeWithKafkajs(compression: number): Promise<Buffer> {
    // kafkajs cannot encode null header values, so the fixture keeps them non-null.
    const kafkajsRecords = [
      Record({ offsetDelta: 0, timestampDelta: 0, key: utf8('a'), value: utf8('first'), headers: { trace: utf8('t1'), dup: [utf8('x'), utf8('y')] } }),
      Record({ offsetDelta: 1, timestampDelta: 2 ** 33, key: null, value: utf8('second'), headers: {} }),
      Record({ offsetDelta: 2, timestampDelta: -7, key: utf8('c'), value: null, headers: { 'ключ': utf8('значение') } }),
    ];
    const batch = await RecordBatch({
      compression,
      firstOffset: Long.fromNumber(77),
      firstTimestamp: T0,
      maxTimestamp: T0 + 2 ** 33,
      lastOffsetDelta: 2,
      records: kafkajsRecords,
    });
    return batch.buffer;
  }

  it.each([
    ['none', Types.None],
    ['gzip', Types.GZIP],
  ] as const)('reads records, headers and timestamps (%s)', async (compression, type) => {
    const batch = decodeRecordBatch(await encodeWithKafkajs(type));
    expect(batch).toMatchObject({ baseOffset: 77, lastOffsetDelta: 2, firstTimestamp: T0, maxTimestamp: T0 + 2 ** 33, compression });
    expect(batch.records.map((r) => r.offset)).toEqual([77, 78, 79]);
    expect(batch.records.map((r) => r.timestamp)).toEqual([T0, T0 + 2 ** 33, T0 - 7]);
    expect(batch.records.map((r) => asBuffer(r.key))).toEqual([utf8('a'), null, utf8('c')]);
    expect(batch.records.map((r) => asBuffer(r.value))).toEqual([utf8('first'), utf8('second'), null]);
    expect(batch.records.map((r) => r.headers.map((h) => ({ key: h.key, value: asBuffer(h.value) })))).toEqual([
      [
        { key: 'trace', value: utf8('t1') },
        { key: 'dup', value: utf8('x') },
        { key: 'dup', value: utf8('y') },
      ],
      [],
      [{ key: 'ключ', value: utf8('значение') }],
    ]);
  });

  it('verifies the CRC kafkajs wrote, which kafkajs itself never checks', async () => {
    const bytes = await encodeWithKafkajs(Types.None);
    expect(bytes.readUInt32BE(17)).toBe(crc32c(bytes.subarray(21)));
    // The same flip that kafkajs would happily decode is caught by ours.
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1]! ^= 0x01;
    await expect(decodeWithKafkajs(flipped)).resolves.toHaveLength(3);
    expect(() => decodeRecordBatch(flipped)).toThrow(/CRC-32C mismatch/);
  });
});
