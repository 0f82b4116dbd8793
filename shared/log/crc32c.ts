/**
 * CRC-32C (Castagnoli), the checksum Kafka's RecordBatch v2 stores over everything from
 * `attributes` to the end of the batch. Node has no built-in CRC-32C (zlib.crc32 is the
 * IEEE polynomial), so this is a slice-by-8 table implementation: the batch CRC runs on
 * every produce and every read, so it must not be the bottleneck next to gzip or S3.
 */

const POLY = 0x82f63b78; // 0x1EDC6F41 bit-reversed, because the CRC is computed LSB-first

/**
 * TABLES[k * 256 + b] is the CRC of byte b followed by k zero bytes, which lets the loop
 * fold eight input bytes per iteration with eight independent lookups. One flat
 * Int32Array keeps every entry a small integer (no heap numbers) and in one cache block.
 */
const TABLES = buildTables();

function buildTables(): Int32Array {
  const tables = new Int32Array(8 * 256);
  for (let b = 0; b < 256; b++) {
    let crc = b;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLY : crc >>> 1;
    tables[b] = crc;
  }
  for (let b = 0; b < 256; b++) {
    let crc = tables[b]!;
    for (let k = 1; k < 8; k++) {
      crc = tables[crc & 0xff]! ^ (crc >>> 8);
      tables[k * 256 + b] = crc;
    }
  }
  return tables;
}

/**
 * CRC-32C of `data` as an unsigned 32-bit number. `initial` is the CRC of the bytes
 * before `data`, so `crc32c(b, crc32c(a))` equals the CRC of `a` followed by `b`.
 */
export function crc32c(data: Uint8Array, initial = 0): number {
  const t = TABLES;
  let crc = ~initial;
  let i = 0;
  const length = data.length;
  const end8 = length - (length & 7);
  while (i < end8) {
    const lo = crc ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    crc =
      t[1792 + (lo & 0xff)]! ^
      t[1536 + ((lo >>> 8) & 0xff)]! ^
      t[1280 + ((lo >>> 16) & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^
      t[768 + data[i + 4]!]! ^
      t[512 + data[i + 5]!]! ^
      t[256 + data[i + 6]!]! ^
      t[data[i + 7]!]!;
    i += 8;
  }
  while (i < length) {
    crc = t[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
    i++;
  }
  return ~crc >>> 0;
}
