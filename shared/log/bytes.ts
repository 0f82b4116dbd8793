/**
 * Big-endian fixed-width integers and Kafka's zigzag varints over a Buffer, for the
 * record batch codec. Sizes are computed up front (`sizeOfVarint`…) so a batch is written
 * into one exactly-sized allocation; the reader bounds-checks every read, because its
 * input comes from storage and a bad length must fail loudly rather than read garbage.
 */
import { CorruptRecordBatchError } from '../errors.js';

const TWO_32 = 0x1_0000_0000;
/** Header keys are short; below this a JS loop beats Buffer#toString's per-call overhead. */
const SHORT_STRING = 32;
// Above this the high word would push hi * 2^32 + lo past Number.MAX_SAFE_INTEGER.
const MAX_SAFE_HIGH_WORD = 0x1f_ffff;

function zigzag32(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}

/** Zigzag in plain arithmetic: timestamp deltas can exceed 32 bits, where `<<` would wrap. */
function zigzag64(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function sizeOfUnsignedVarint(u: number): number {
  let size = 1;
  while (u >= 0x80) {
    u = Math.floor(u / 0x80);
    size++;
  }
  return size;
}

/** Encoded size of a zigzag varint (an int32: lengths, counts, offsetDelta). */
export function sizeOfVarint(n: number): number {
  const u = zigzag32(n);
  if (u < 0x80) return 1;
  if (u < 0x4000) return 2;
  if (u < 0x20_0000) return 3;
  if (u < 0x1000_0000) return 4;
  return 5;
}

/** Past this |n|, zigzag64's 2n would leave the doubles' exact integers: BigInt takes over. */
const MAX_FLOAT_ZIGZAG = 2 ** 52;

/** Zigzag of a large delta (two timestamps far apart) as a BigInt, exact. */
function zigzagBig(n: number): bigint {
  const b = BigInt(n);
  return b >= 0n ? b << 1n : (-b << 1n) - 1n;
}

/** Encoded size of a zigzag varlong (timestampDelta); exact for any integer. */
export function sizeOfVarlong(n: number): number {
  if (Math.abs(n) < MAX_FLOAT_ZIGZAG) return sizeOfUnsignedVarint(zigzag64(n));
  let u = zigzagBig(n);
  let size = 1;
  while (u >= 0x80n) {
    u >>= 7n;
    size++;
  }
  return size;
}

/** Writes into a Buffer the caller sized exactly beforehand; no growth, no bounds checks. */
export class ByteWriter {
  readonly buffer: Buffer;
  position: number;

  constructor(buffer: Buffer, position = 0) {
    this.buffer = buffer;
    this.position = position;
  }

  int8(n: number): void {
    this.buffer[this.position++] = n & 0xff;
  }

  int16(n: number): void {
    this.buffer.writeInt16BE(n, this.position);
    this.position += 2;
  }

  int32(n: number): void {
    this.buffer.writeInt32BE(n, this.position);
    this.position += 4;
  }

  uint32(n: number): void {
    this.buffer.writeUInt32BE(n, this.position);
    this.position += 4;
  }

  /** A safe integer as int64, split into words so no BigInt is allocated per field. */
  int64(n: number): void {
    const hi = Math.floor(n / TWO_32);
    this.buffer.writeInt32BE(hi, this.position);
    this.buffer.writeUInt32BE(n - hi * TWO_32, this.position + 4);
    this.position += 8;
  }

  varint(n: number): void {
    this.unsignedVarint32(zigzag32(n));
  }

  varlong(n: number): void {
    if (Math.abs(n) >= MAX_FLOAT_ZIGZAG) {
      this.bigVarlong(n);
      return;
    }
    let u = zigzag64(n);
    if (u < TWO_32) {
      this.unsignedVarint32(u); // the common case stays in int32 bit operations
      return;
    }
    const buffer = this.buffer;
    while (u >= 0x80) {
      buffer[this.position++] = (u % 0x80) | 0x80;
      u = Math.floor(u / 0x80);
    }
    buffer[this.position++] = u;
  }

  /** The rare delta past ±2^52, where float zigzag would round (a negative one to the wrong value). */
  private bigVarlong(n: number): void {
    let u = zigzagBig(n);
    const buffer = this.buffer;
    while (u >= 0x80n) {
      buffer[this.position++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    buffer[this.position++] = Number(u);
  }

  bytes(data: Uint8Array): void {
    this.buffer.set(data, this.position);
    this.position += data.length;
  }

  /** UTF-8; the caller passes the byte length it already measured for the size pass. */
  utf8(s: string, byteLength: number): void {
    this.buffer.write(s, this.position, byteLength, 'utf8');
    this.position += byteLength;
  }

  private unsignedVarint32(u: number): void {
    const buffer = this.buffer;
    while (u >= 0x80) {
      buffer[this.position++] = (u & 0x7f) | 0x80;
      u >>>= 7;
    }
    buffer[this.position++] = u;
  }
}

/** Reads from `buffer[position, end)`; anything that would cross `end` is corruption. */
export class ByteReader {
  readonly buffer: Buffer;
  position: number;
  end: number;

  constructor(buffer: Buffer, position = 0, end = buffer.length) {
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
    return this.buffer.readInt8(this.position++);
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.position += n;
  }

  int16(): number {
    this.need(2, 'int16');
    const n = this.buffer.readInt16BE(this.position);
    this.position += 2;
    return n;
  }

  int32(): number {
    this.need(4, 'int32');
    const n = this.buffer.readInt32BE(this.position);
    this.position += 4;
    return n;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const n = this.buffer.readUInt32BE(this.position);
    this.position += 4;
    return n;
  }

  /** An int64 that must fit a JS number exactly (offsets, timestamps, ids of -1). */
  int64(what: string): number {
    this.need(8, what);
    const hi = this.buffer.readInt32BE(this.position);
    const lo = this.buffer.readUInt32BE(this.position + 4);
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
        if (c >= 0x80) return buffer.toString('utf8', start, end);
        s += String.fromCharCode(c);
      }
      return s;
    }
    return buffer.toString('utf8', start, end);
  }
}
