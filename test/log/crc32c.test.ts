import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../shared/log/crc32c.js';

describe('crc32c', () => {
  it('matches the CRC-32C check value for "123456789"', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });

  it('returns 0 for empty input', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('matches RFC 3720 (iSCSI) vectors, short inputs on the byte loop', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
  });

  it('returns an unsigned 32-bit number', () => {
    const crc = crc32c(new Uint8Array(32)); // 0x8a9136aa: the top bit is set
    expect(crc).toBeGreaterThan(0x7fffffff);
    expect(Number.isInteger(crc)).toBe(true);
  });

  it('continues from `initial`, so chunks hash like the whole', () => {
    const data = randomBytes(1000);
    const whole = crc32c(data);
    for (const cut of [0, 1, 7, 8, 9, 500, 999, 1000]) {
      expect(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut)))).toBe(whole);
    }
  });

  it('agrees with a bitwise reference at every length 0–200 and any alignment (the word-load path starts at 64)', () => {
    const reference = (data: Uint8Array): number => {
      let crc = 0xffffffff;
      for (const b of data) {
        crc ^= b;
        for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
      }
      return (crc ^ 0xffffffff) >>> 0;
    };
    const data = randomBytes(220);
    for (let start = 0; start < 8; start++) {
      for (let length = 0; length <= 200; length++) {
        const slice = data.subarray(start, start + length);
        expect(crc32c(slice)).toBe(reference(slice));
      }
    }
  });
});
