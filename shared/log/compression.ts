/**
 * The server's compressors for the record batch codec, by Kafka codec (docs/log.md,
 * "Compression"; figures in docs/benchmarks.md):
 * - gzip: node:zlib at GZIP_LEVEL.
 * - zstd: node:zlib's zstd where the runtime has it (Node ≥ 22.15, which is what Lambda's
 *   nodejs22.x runs), else @bokuweb/zstd-wasm (Node 20: local mode and the tests). The
 *   WASM module is instantiated asynchronously, so a producer calls `compressionReady`
 *   before encoding; decoding never waits: until the WASM is there, fzstd (pure JS) reads.
 * - lz4: lz4js (pure JS) block compression inside the LZ4 frame Kafka writes (64 KiB
 *   independent blocks, no checksums but the descriptor's), see lz4-frame.ts.
 */
import { createRequire } from 'node:module';
import zlib from 'node:zlib';
import { decompress as fzstdDecompress } from 'fzstd';
import { compressLz4Frame, decompressLz4Frame } from './lz4-frame.js';
import { type CompressionType, MAX_DECOMPRESSED_BYTES } from './record-batch-decode.js';

/** Measured (docs/benchmarks.md): level 1 encodes+decodes 1.6× as fast as Kafka's default 6 for 8 % more bytes. */
export const GZIP_LEVEL = 1;
/** zstd's level 1: ~1.4× the throughput of level 3 here, and already smaller than gzip at any level (docs/benchmarks.md). */
export const ZSTD_LEVEL = 1;

type Codec = Exclude<CompressionType, 'none'>;

interface ZstdImplementation {
  compress(data: Uint8Array): Uint8Array;
  decompress(data: Uint8Array): Uint8Array;
}

/** node:zlib's zstd, typed here because @types/node for Node 20 does not declare it. */
interface ZlibWithZstd {
  zstdCompressSync(data: Uint8Array, options: { params: Record<number, number> }): Buffer;
  zstdDecompressSync(data: Uint8Array, options: { maxOutputLength: number }): Buffer;
  constants: { ZSTD_c_compressionLevel: number };
}

function nativeZstd(): ZstdImplementation | null {
  const z = zlib as unknown as Partial<ZlibWithZstd>;
  if (typeof z.zstdCompressSync !== 'function' || typeof z.zstdDecompressSync !== 'function' || z.constants?.ZSTD_c_compressionLevel === undefined) return null;
  const params = { [z.constants.ZSTD_c_compressionLevel]: ZSTD_LEVEL };
  return {
    compress: (data) => z.zstdCompressSync!(data, { params }),
    decompress: (data) => z.zstdDecompressSync!(data, { maxOutputLength: MAX_DECOMPRESSED_BYTES }),
  };
}

let zstd: ZstdImplementation | null = nativeZstd();
let zstdLoading: Promise<void> | null = null;

/** Loads what compressing with `compression` needs (only zstd on a Node without it in zlib needs anything). */
export function compressionReady(compression: CompressionType): Promise<void> {
  if (compression !== 'zstd' || zstd) return Promise.resolve();
  zstdLoading ??= loadWasmZstd().catch((err: unknown) => {
    zstdLoading = null; // a later produce tries again
    throw err;
  });
  return zstdLoading;
}

async function loadWasmZstd(): Promise<void> {
  // Loaded on first use only: neither Lambda (native zstd) nor a topic without zstd pays for it.
  const require = createRequire(import.meta.url);
  const wasm = require('@bokuweb/zstd-wasm') as {
    init(): Promise<void>;
    compress(data: Uint8Array, level: number): Uint8Array;
    decompress(data: Uint8Array): Uint8Array;
  };
  await wasm.init();
  zstd = {
    compress: (data) => wasm.compress(data, ZSTD_LEVEL),
    decompress: (data) => {
      // The WASM decoder sizes its output from the frame header; refuse a claim past the cap first.
      const size = zstdFrameContentSize(data);
      if (size === undefined || size > MAX_DECOMPRESSED_BYTES) return fzstdDecompress(data, new Uint8Array(MAX_DECOMPRESSED_BYTES)).slice();
      return wasm.decompress(data);
    },
  };
}

export function compress(compression: Codec, plain: Uint8Array): Uint8Array {
  switch (compression) {
    case 'gzip':
      return zlib.gzipSync(plain, { level: GZIP_LEVEL });
    case 'zstd':
      if (!zstd) throw new Error("zstd is not loaded yet: await compressionReady('zstd') before encoding");
      return zstd.compress(plain);
    case 'lz4':
      return compressLz4Frame(plain);
  }
}

export function decompress(compression: Codec, section: Uint8Array): Uint8Array {
  switch (compression) {
    case 'gzip':
      return zlib.gunzipSync(section, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    case 'zstd':
      return zstd ? zstd.decompress(section) : fzstdDecompress(section);
    case 'lz4':
      return decompressLz4Frame(section, MAX_DECOMPRESSED_BYTES);
  }
}

/** The Frame_Content_Size a zstd frame header declares, or undefined when it declares none. */
export function zstdFrameContentSize(frame: Uint8Array): number | undefined {
  if (frame.length < 6 || frame[0] !== 0x28 || frame[1] !== 0xb5 || frame[2] !== 0x2f || frame[3] !== 0xfd) return undefined;
  const descriptor = frame[4]!;
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const dictIdFlag = descriptor & 3;
  const fcsSize = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  if (fcsSize === 0) return undefined;
  let p = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][dictIdFlag]!;
  if (p + fcsSize > frame.length) return undefined;
  let size = 0;
  for (let i = 0, scale = 1; i < fcsSize; i++, scale *= 256) size += frame[p++]! * scale;
  return fcsSize === 2 ? size + 256 : size;
}
