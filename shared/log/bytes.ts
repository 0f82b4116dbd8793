/**
 * The writing half of the record batch codec's byte layer (server only: it writes into a
 * Buffer): big-endian fixed-width integers and Kafka's zigzag varints. Sizes are computed
 * up front (`sizeOfVarint`…) so a batch is written into one exactly-sized allocation.
 * The reading half is byte-reader.ts, which is node-free because the client reads
 * batches straight from S3 with it.
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
