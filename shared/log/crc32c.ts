/**
 * CRC-32C (Castagnoli), the checksum Kafka's RecordBatch v2 stores over everything from
 * `attributes` to the end of the batch. Node has no built-in CRC-32C (zlib.crc32 is the
 * IEEE polynomial). This is slice-by-16 in plain JS over little-endian 32-bit word loads:
 * measured on this machine (docs/benchmarks.md, "CRC-32C") it runs 1.3–2.1 GB/s, against
 * 0.6–1.9 GB/s for the slice-by-8 byte loop it replaces, 0.05–0.12 GB/s for
 * @aws-crypto/crc32c and 0.1–2.4 GB/s for hash-wasm's WASM CRC. Node-free: the client
 * imports it to check the CRC of batches it reads straight from S3, in Node and browsers.
 *
 * The server is faster: its composition root hands `accelerateCrc32c` the native
 * @node-rs/crc32 (SSE 4.2 / ARMv8 CRC instructions, ~7.7 GB/s here; crc32c-native.ts),
 * and every caller of `crc32c` in that process then runs it.
 */

const POLY = 0x82f63b78; // 0x1EDC6F41 bit-reversed, because the CRC is computed LSB-first
const SLICES = 16;

/**
 * TABLES[k * 256 + b] is the CRC of byte b followed by k zero bytes, which lets the loop
 * fold sixteen input bytes per iteration with sixteen independent lookups. One flat
 * Int32Array keeps every entry a small integer (no heap numbers).
 */
const TABLES = buildTables();
/** Word loads read the host's byte order; every platform Node and browsers run on is little-endian, checked once. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function buildTables(): Int32Array {
  const tables = new Int32Array(SLICES * 256);
  for (let b = 0; b < 256; b++) {
    let crc = b;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLY : crc >>> 1;
    tables[b] = crc;
  }
  for (let b = 0; b < 256; b++) {
    let crc = tables[b]!;
    for (let k = 1; k < SLICES; k++) {
      crc = tables[crc & 0xff]! ^ (crc >>> 8);
      tables[k * 256 + b] = crc;
    }
  }
  return tables;
}

type Crc32c = (data: Uint8Array, initial?: number) => number;

let accelerated: Crc32c | undefined;

/**
 * From now on `crc32c` runs `candidate`, if it computes the same function: checked here
 * against this file's own code on every length up to 80 bytes (each alignment and tail),
 * a chained initial value and 4 KiB — little enough to run at a cold start. Returns
 * whether it was taken.
 */
export function accelerateCrc32c(candidate: Crc32c): boolean {
  const data = new Uint8Array(4_096 + 3);
  for (let i = 0, x = 0x9e3779b9; i < data.length; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    data[i] = x >>> 24;
  }
  const same = (d: Uint8Array, initial: number) => candidate(d, initial) >>> 0 === portableCrc32c(d, initial);
  for (let length = 0; length <= 80; length++) {
    if (!same(data.subarray(length % 3, (length % 3) + length), 0)) return false;
  }
  if (!same(data.subarray(3), 0) || !same(data.subarray(1, 200), portableCrc32c(data.subarray(0, 1)))) return false;
  accelerated = candidate;
  return true;
}

/**
 * CRC-32C of `data` as an unsigned 32-bit number. `initial` is the CRC of the bytes
 * before `data`, so `crc32c(b, crc32c(a))` equals the CRC of `a` followed by `b`.
 */
export function crc32c(data: Uint8Array, initial = 0): number {
  return accelerated ? accelerated(data, initial) >>> 0 : portableCrc32c(data, initial);
}

/** Slice-by-16 in plain JS: what `crc32c` runs unless a faster equal one was given. */
function portableCrc32c(data: Uint8Array, initial = 0): number {
  const t = TABLES;
  let crc = ~initial;
  const length = data.length;
  let i = 0;
  if (LITTLE_ENDIAN && length >= 64) {
    // Bytes up to the first 4-byte boundary, then whole 16-byte blocks as four aligned words.
    const head = (4 - (data.byteOffset & 3)) & 3;
    for (; i < head; i++) crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
    const words = new Uint32Array(data.buffer, data.byteOffset + i, (length - i) >>> 2);
    const blocks = words.length - (words.length & 3);
    for (let w = 0; w < blocks; w += 4) {
      const a = crc ^ words[w]!;
      const b = words[w + 1]!;
      const c = words[w + 2]!;
      const d = words[w + 3]!;
      crc =
        t[3840 + (a & 0xff)]! ^
        t[3584 + ((a >>> 8) & 0xff)]! ^
        t[3328 + ((a >>> 16) & 0xff)]! ^
        t[3072 + (a >>> 24)]! ^
        t[2816 + (b & 0xff)]! ^
        t[2560 + ((b >>> 8) & 0xff)]! ^
        t[2304 + ((b >>> 16) & 0xff)]! ^
        t[2048 + (b >>> 24)]! ^
        t[1792 + (c & 0xff)]! ^
        t[1536 + ((c >>> 8) & 0xff)]! ^
        t[1280 + ((c >>> 16) & 0xff)]! ^
        t[1024 + (c >>> 24)]! ^
        t[768 + (d & 0xff)]! ^
        t[512 + ((d >>> 8) & 0xff)]! ^
        t[256 + ((d >>> 16) & 0xff)]! ^
        t[d >>> 24]!;
    }
    i += blocks * 4;
  }
  for (; i < length; i++) crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
