/** The parts of lz4js (0.2.0, untyped) that lz4-frame.ts and the tests use. */
declare module 'lz4js' {
  export function compressBound(n: number): number;
  /** Compresses src[sIndex, sIndex + sLength) into dst as one LZ4 block; returns its size (0: incompressible). */
  export function compressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, hashTable: Uint32Array): number;
  /** Decompresses one LZ4 frame into dst; returns the bytes written. */
  export function decompressFrame(src: Uint8Array, dst: Uint8Array): number;
  export function decompressBound(src: Uint8Array): number;
  /** lz4js's own frame writer (4 MiB dependent blocks): not what Kafka writes; tests read it back. */
  export function compress(src: Uint8Array): Uint8Array;
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
}
declare module 'lz4js/xxh32.js' {
  export function hash(seed: number, src: Uint8Array, index: number, length: number): number;
}
