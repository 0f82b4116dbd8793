/**
 * The writing half of the record batch codec's byte layer: big-endian fixed-width integers
 * and Kafka's zigzag varints into a Uint8Array. Sizes are computed up front
 * (`sizeOfVarint`…) so a batch is written into one exactly-sized allocation. Node-free, like
 * the reading half (byte-reader.ts): the client encodes the batches it produces with it.
 */

const TWO_32 = 0x1_0000_0000;

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

/**
 * Writes UTF-8 text into a buffer the encoder allocated: measuring and writing, so a runtime
 * can plug in a faster one than TextEncoder (the server's is Node's Buffer, see
 * record-batch-codec.ts).
 */
export interface Utf8Writer {
  /** UTF-8 byte length of well-formed text (a lone surrogate counts 3: it is written as U+FFFD). */
  byteLength(text: string): number;
  /** Writes the `byteLength` bytes of `text` (as measured) into `target` from `position`. */
  write(target: Uint8Array, text: string, position: number, byteLength: number): void;
}

/** Anything outside U+0000–U+007F: the one case where UTF-8 bytes and UTF-16 units differ. */
const NON_ASCII = /[\u0080-\uffff]/;
const encoder = new TextEncoder();

/** UTF-8 length without allocating (lone surrogates count 3, as TextEncoder writes U+FFFD). */
export function utf8Length(text: string): number {
  // Most text is ASCII: one native scan answers, and only other text is counted by hand.
  if (!NON_ASCII.test(text)) return text.length;
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

/** The web-standard writer: TextEncoder.encodeInto, straight into the batch. */
export const WEB_UTF8: Utf8Writer = {
  byteLength: utf8Length,
  write(target, text, position, byteLength) {
    const { read, written } = encoder.encodeInto(text, target.subarray(position, position + byteLength));
    // A wrong measure would leave bytes of the batch unwritten: fail rather than send garbage.
    if (written !== byteLength || read !== text.length) throw new RangeError(`UTF-8 of a ${text.length}-character string measured ${byteLength} bytes, wrote ${written}`);
  },
};

/** Writes into a buffer the caller sized exactly beforehand; no growth, no bounds checks. */
export class ByteWriter {
  readonly buffer: Uint8Array;
  position: number;
  private readonly text: Utf8Writer;

  constructor(buffer: Uint8Array, position = 0, text: Utf8Writer = WEB_UTF8) {
    this.buffer = buffer;
    this.position = position;
    this.text = text;
  }

  int8(n: number): void {
    this.buffer[this.position++] = n & 0xff;
  }

  int16(n: number): void {
    const b = this.buffer;
    b[this.position] = n >>> 8;
    b[this.position + 1] = n;
    this.position += 2;
  }

  /** Signed or unsigned: the low 32 bits of `n`, big-endian. */
  int32(n: number): void {
    const b = this.buffer;
    const p = this.position;
    b[p] = n >>> 24;
    b[p + 1] = n >>> 16;
    b[p + 2] = n >>> 8;
    b[p + 3] = n;
    this.position = p + 4;
  }

  uint32(n: number): void {
    this.int32(n);
  }

  /** A safe integer as int64, split into words so no BigInt is allocated per field. */
  int64(n: number): void {
    const hi = Math.floor(n / TWO_32);
    this.int32(hi);
    this.int32(n - hi * TWO_32);
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

  /** UTF-8; the caller passes the byte length it already measured (with the same Utf8Writer) for the size pass. */
  utf8(s: string, byteLength: number): void {
    this.text.write(this.buffer, s, this.position, byteLength);
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
