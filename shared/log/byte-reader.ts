/**
 * The reading half of the record batch codec's byte layer: big-endian integers and Kafka's
 * zigzag varints from a Uint8Array. Node-free (no Buffer), because the client decodes
 * batches it reads straight from S3 with the same code as the server. Every read is
 * bounds-checked: the input comes from storage, and a bad length must fail loudly rather
 * than read garbage.
 */
import { CorruptRecordBatchError } from '../errors.js';

const TWO_32 = 0x1_0000_0000;
/** Header keys are short; below this a JS loop beats TextDecoder's per-call overhead. */
const SHORT_STRING = 32;
// Above this the high word would push hi * 2^32 + lo past Number.MAX_SAFE_INTEGER.
const MAX_SAFE_HIGH_WORD = 0x1f_ffff;
const utf8 = new TextDecoder('utf-8');

/** Reads from `buffer[position, end)`; anything that would cross `end` is corruption. */
export class ByteReader {
  readonly buffer: Uint8Array;
  position: number;
  end: number;

  constructor(buffer: Uint8Array, position = 0, end = buffer.length) {
    this.buffer = buffer;
    this.position = position;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.position;
  }

  /** Throws unless `n` more bytes are available. */
  need(n: number, what: string): void {
    if (n < 0 || n > this.end - this.position) {
      throw new CorruptRecordBatchError(`truncated record batch: ${what} needs ${n} bytes at position ${this.position}, ${this.end - this.position} left`);
    }
  }

  int8(): number {
    this.need(1, 'int8');
    return (this.buffer[this.position++]! << 24) >> 24;
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.position += n;
  }

  int16(): number {
    this.need(2, 'int16');
    const b = this.buffer;
    const p = this.position;
    this.position += 2;
    return ((b[p]! << 24) | (b[p + 1]! << 16)) >> 16;
  }

  int32(): number {
    this.need(4, 'int32');
    const n = readInt32(this.buffer, this.position);
    this.position += 4;
    return n;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const n = readInt32(this.buffer, this.position) >>> 0;
    this.position += 4;
    return n;
  }

  /** An int64 that must fit a JS number exactly (offsets, timestamps, ids of -1). */
  int64(what: string): number {
    this.need(8, what);
    const hi = readInt32(this.buffer, this.position);
    const lo = readInt32(this.buffer, this.position + 4) >>> 0;
    this.position += 8;
    if (hi > MAX_SAFE_HIGH_WORD || hi < -MAX_SAFE_HIGH_WORD - 1) {
      throw new CorruptRecordBatchError(`${what} does not fit a safe integer`);
    }
    return hi * TWO_32 + lo;
  }

  varint(what: string): number {
    const buffer = this.buffer;
    let u = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.position >= this.end) throw new CorruptRecordBatchError(`truncated record batch: varint ${what}`);
      const b = buffer[this.position++]!;
      u |= (b & 0x7f) << shift;
      if (b < 0x80) return (u >>> 1) ^ -(u & 1);
    }
    throw new CorruptRecordBatchError(`varint ${what} is longer than 5 bytes`);
  }

  /**
   * A varlong decoded in float arithmetic while that is exact. A zigzag value past 2^53 (a
   * delta over ±2^52, which older releases could write: 0 and 8.64e15 in one batch) is
   * decoded again with BigInt. Beyond ±2^53 the result is the nearest double, not exact: the
   * caller checks what it derives from it (the codec: a timestamp that is not a safe integer
   * reads as -1, Kafka's NO_TIMESTAMP), so no batch becomes unreadable for its timestamps.
   */
  varlong(what: string): number {
    const buffer = this.buffer;
    const start = this.position;
    let u = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.position >= this.end) throw new CorruptRecordBatchError(`truncated record batch: varlong ${what}`);
      const b = buffer[this.position++]!;
      u += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (u > Number.MAX_SAFE_INTEGER) return this.bigVarlong(start, what);
        return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
      }
      scale *= 0x80;
    }
    throw new CorruptRecordBatchError(`varlong ${what} is longer than 10 bytes`);
  }

  private bigVarlong(start: number, what: string): number {
    let u = 0n;
    for (let i = start, shift = 0n; i < this.position; i++, shift += 7n) u |= BigInt(this.buffer[i]! & 0x7f) << shift;
    if (u >= 1n << 64n) throw new CorruptRecordBatchError(`varlong ${what} does not fit 64 bits`);
    return Number((u >> 1n) ^ -(u & 1n));
  }

  /**
   * A view of the next `n` bytes, not a copy: decoded records share the input's memory.
   * A plain Uint8Array, because constructing one is ~3x cheaper than Buffer#subarray and
   * a batch yields up to three views per record.
   */
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const buffer = this.buffer;
    const view = new Uint8Array(buffer.buffer, buffer.byteOffset + this.position, n);
    this.position += n;
    return view;
  }

  utf8(n: number, what: string): string {
    this.need(n, what);
    const buffer = this.buffer;
    const start = this.position;
    const end = start + n;
    this.position = end;
    if (n <= SHORT_STRING) {
      let s = '';
      for (let i = start; i < end; i++) {
        const c = buffer[i]!;
        if (c >= 0x80) return utf8.decode(buffer.subarray(start, end));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return utf8.decode(buffer.subarray(start, end));
  }
}

/** Big-endian int32 at `p`; the caller has bounds-checked. */
export function readInt32(b: Uint8Array, p: number): number {
  return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
}
