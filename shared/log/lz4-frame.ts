/// <reference path="./lz4js.d.ts" />
/**
 * The LZ4 frame Kafka's lz4 codec (attributes 3) writes (KafkaLZ4BlockOutputStream):
 * frame format version 1, independent blocks of at most 64 KiB, no block or content
 * checksums, no content size. lz4js (pure JS, node-free) compresses and decompresses the
 * blocks; this file frames them, so the server and the client share it.
 */
import { compressBlock, compressBound, decompressBound, decompressFrame } from 'lz4js';
import { hash as xxh32 } from 'lz4js/xxh32.js';

const MAGIC = 0x184d2204;
/** FLG: version 01, block independence. */
const FLG = 0x60;
/** BD: block maximum size 64 KiB (code 4), Kafka's. */
const BD = 4 << 4;
const BLOCK_SIZE = 64 * 1024;
const UNCOMPRESSED = 0x8000_0000;

/** Reused, and cleared for every block: a stale entry at the current position would encode an offset of 0. */
const hashTable = new Uint32Array(1 << 16);
let scratch = new Uint8Array(compressBound(BLOCK_SIZE));

export function compressLz4Frame(plain: Uint8Array): Uint8Array {
  const blocks = Math.ceil(plain.length / BLOCK_SIZE);
  const out = new Uint8Array(7 + blocks * (4 + BLOCK_SIZE) + 4);
  writeU32(out, 0, MAGIC);
  out[4] = FLG;
  out[5] = BD;
  out[6] = (xxh32(0, out, 4, 2) >>> 8) & 0xff;
  let p = 7;
  for (let start = 0; start < plain.length; start += BLOCK_SIZE) {
    const block = plain.subarray(start, Math.min(start + BLOCK_SIZE, plain.length));
    if (scratch.length < compressBound(block.length)) scratch = new Uint8Array(compressBound(block.length));
    hashTable.fill(0); // independent blocks: no match may reach into an earlier block
    const size = compressBlock(block, scratch, 0, block.length, hashTable);
    if (size === 0 || size >= block.length) {
      writeU32(out, p, (UNCOMPRESSED | block.length) >>> 0);
      out.set(block, p + 4);
      p += 4 + block.length;
    } else {
      writeU32(out, p, size);
      out.set(scratch.subarray(0, size), p + 4);
      p += 4 + size;
    }
  }
  writeU32(out, p, 0); // EndMark
  return out.subarray(0, p + 4);
}

/** Any LZ4 frame (what Kafka and kafkajs's plugins write too); refuses to inflate past `maxBytes`. */
export function decompressLz4Frame(frame: Uint8Array, maxBytes: number): Uint8Array {
  const bound = decompressBound(frame);
  if (!(bound <= maxBytes)) throw new Error(`lz4 frame may inflate to ${bound} bytes, past the ${maxBytes}-byte limit`);
  const out = new Uint8Array(bound);
  return out.subarray(0, decompressFrame(frame, out));
}

function writeU32(b: Uint8Array, p: number, n: number): void {
  b[p] = n & 0xff;
  b[p + 1] = (n >>> 8) & 0xff;
  b[p + 2] = (n >>> 16) & 0xff;
  b[p + 3] = n >>> 24;
}
