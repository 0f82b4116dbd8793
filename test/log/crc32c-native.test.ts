import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { accelerateCrc32c, crc32c } from '../../shared/log/crc32c.js';
import { nativeCrc32Package, useNativeCrc32c } from '../../shared/log/crc32c-native.js';

/** Bit by bit, from the polynomial: independent of both implementations. */
function reference(data: Uint8Array, initial = 0): number {
  let crc = ~initial >>> 0;
  for (const b of data) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('the native CRC-32C', () => {
  it('names the binary package npm installs for Lambda and for this machine', () => {
    expect(nativeCrc32Package('linux', 'arm64')).toBe('@node-rs/crc32-linux-arm64-gnu');
    expect(nativeCrc32Package('linux', 'x64')).toBe('@node-rs/crc32-linux-x64-gnu');
    expect(nativeCrc32Package('darwin', 'arm64')).toBe('@node-rs/crc32-darwin-arm64');
    expect(nativeCrc32Package('win32', 'x64')).toBe('@node-rs/crc32-win32-x64-msvc');
  });

  it('refuses a function that is not CRC-32C, and crc32c stays what it was', () => {
    const ieee = (createRequire(import.meta.url)('@node-rs/crc32') as { crc32: (d: Uint8Array, i?: number) => number }).crc32;
    expect(accelerateCrc32c(ieee)).toBe(false);
    expect(accelerateCrc32c(() => 0)).toBe(false);
    // Right on short inputs only: caught by the 4 KiB check.
    expect(accelerateCrc32c((d, i) => (d.length > 1000 ? 1 : reference(d, i)))).toBe(false);
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });

  // This machine (linux x64, glibc) has the binary npm installed: the server runs it here, as on Lambda.
  it.runIf(process.platform === 'linux' && process.arch === 'x64')('loads on this machine and computes CRC-32C: check value, lengths, alignments, chaining', () => {
    expect(useNativeCrc32c()).toEqual({ native: true });
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    const data = randomBytes(5000);
    for (let start = 0; start < 8; start++) {
      for (const length of [0, 1, 3, 63, 64, 65, 255, 1024, 4000]) {
        const slice = data.subarray(start, start + length);
        expect(crc32c(slice)).toBe(reference(slice));
      }
    }
    const whole = reference(data);
    for (const cut of [0, 1, 7, 2500, 5000]) expect(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut)))).toBe(whole);
  });
});
