import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { accelerateCrc32c } from '../../client/src/index.js';

const { crc32, crc32c } = createRequire(import.meta.url)('@node-rs/crc32') as Record<'crc32' | 'crc32c', (d: Uint8Array, i?: number) => number>;

describe('accelerateCrc32c, as docs/client.md plugs @node-rs/crc32 into the client', () => {
  it('takes a CRC-32C and refuses any other function', () => {
    expect(accelerateCrc32c(crc32)).toBe(false); // CRC-32 (IEEE): another polynomial
    expect(accelerateCrc32c((data) => data.length)).toBe(false);
    expect(accelerateCrc32c(crc32c)).toBe(true);
  });
});
