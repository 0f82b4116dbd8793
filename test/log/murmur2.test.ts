import { describe, expect, it } from 'vitest';
import { murmur2, toPositive } from '../../shared/log/murmur2.js';
import { partitionForKey } from '../../shared/log/partitioner.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('murmur2', () => {
  // The vectors from Kafka's UtilsTest.testMurmur2, covering every tail length (0–3 bytes).
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('hashes %j to %i like Kafka', (input, expected) => {
    expect(murmur2(bytes(input))).toBe(expected);
  });

  it('treats bytes as unsigned, like Java`s `& 0xff`', () => {
    // 0xff bytes in both the 4-byte body and the tail exercise sign handling.
    expect(murmur2(new Uint8Array([0xff, 0xfe, 0x80, 0x81, 0xff]))).toBe(murmur2(Buffer.from([0xff, 0xfe, 0x80, 0x81, 0xff])));
    expect(murmur2(new Uint8Array([0x80]))).not.toBe(murmur2(new Uint8Array([0x00])));
  });
});

describe('toPositive', () => {
  it('clears the sign bit instead of negating', () => {
    expect(toPositive(-1)).toBe(0x7fffffff);
    expect(toPositive(-2147483648)).toBe(0);
    expect(toPositive(5)).toBe(5);
  });
});

describe('partitionForKey', () => {
  it.each([
    ['foobar', 3, 0],
    ['foobar', 6, 0],
    ['foobar', 12, 6],
    ['abc', 3, 0],
    ['abc', 6, 3],
    ['abc', 12, 3],
  ])('puts key %j on the partition Kafka picks among %i', (key, partitions, expected) => {
    expect(partitionForKey(bytes(key), partitions)).toBe(expected);
  });

  it('rejects a partition count below one', () => {
    expect(() => partitionForKey(bytes('abc'), 0)).toThrow(RangeError);
  });
});
