/**
 * One range of a direct read (direct-read.ts): its presigned GET, and its RecordBatches
 * turned into messages one at a time. A batch's CRC-32C is checked when the reader gets to
 * it, and its records become messages straight from the downloaded bytes through the
 * codec's RecordCursor: no record objects, arrays or copies in between, so a record costs
 * the message it is and the string of its value. Web standards and pure JS only: gzip
 * through DecompressionStream, zstd through fzstd, lz4 through lz4js.
 */
import { decompress as zstdDecompress } from 'fzstd';
import { decompressLz4Frame } from '../../shared/log/lz4-frame.js';
import { type CompressionType, frameRecordBatch, MAX_DECOMPRESSED_BYTES, type RecordBatchFrame, RecordCursor, type RecordHeader, view } from '../../shared/log/record-batch-decode.js';
import type { Encoding } from './encoding.js';
import { FreshetError, InvalidRequestError } from './errors.js';
import type { components } from './generated/openapi.js';
import type { KafkaMessage } from './records.js';

export type DirectRange = components['schemas']['DirectRange'];
export type DirectMessage = KafkaMessage & { partition: number };

/** A range GET answered 403: its URL expired (or was refused); the fetch is asked again for fresh ones. */
export class RangeRefusedError extends Error {}

/**
 * One presigned ranged GET: exactly the range's bytes, or an error. With `into` (at least
 * the range's length) the body is read into it rather than into a new buffer.
 */
export async function downloadRange(fetchImpl: typeof fetch, range: DirectRange, signal?: AbortSignal, into?: Uint8Array): Promise<Uint8Array> {
  const res = await fetchImpl(range.url, { headers: range.headers, ...(signal ? { signal } : {}) });
  if (res.status === 403) {
    await res.body?.cancel();
    throw new RangeRefusedError(`S3 refused the range of ${range.object} (expired URL?)`);
  }
  if (res.status !== 206 && res.status !== 200) {
    await res.body?.cancel();
    throw new FreshetError({ code: 'DIRECT_READ_FAILED', status: res.status, detail: `S3 answered ${res.status} for ${range.object} ${range.headers.range}` }, { retriable: res.status >= 500 });
  }
  const bytes = into && res.body ? await readInto(res.body, into, range) : new Uint8Array(await res.arrayBuffer());
  if (bytes.length !== range.byteLength) throw corrupt(range, `S3 returned ${bytes.length} bytes, the range has ${range.byteLength}`);
  return bytes;
}

async function readInto(body: ReadableStream<Uint8Array>, into: Uint8Array, range: DirectRange): Promise<Uint8Array> {
  const reader = body.getReader();
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return into.subarray(0, length);
    if (length + value.length > into.length) {
      await reader.cancel();
      throw corrupt(range, `S3 returned more than the range's ${range.byteLength} bytes`);
    }
    into.set(value, length);
    length += value.length;
  }
}

/**
 * Buffers for ranges, used again once a range is read: downloaded bytes live outside V8's
 * heap, and allocating a fresh buffer per range (on top of the socket's own chunks) made V8
 * collect garbage for the external memory's growth several times a pass. Only for
 * encodings whose messages copy what they hold (strings, JSON): with 'base64' the messages
 * hold views into the range's bytes, so those buffers are never reused.
 */
export class RangeBuffers {
  private readonly free: Uint8Array[] = [];

  take(size: number): Uint8Array {
    const i = this.free.findIndex((b) => b.length >= size);
    if (i >= 0) return this.free.splice(i, 1)[0]!;
    this.free.pop(); // too small for this range: let it go rather than keep it forever
    // Rounded up, so that ranges of about the same size (batches of like requests) fit each other's buffers.
    return new Uint8Array(Math.ceil(size / BUFFER_GRANULE) * BUFFER_GRANULE);
  }

  /** Takes back a buffer from `take()`, or any view of one: the whole buffer is reused. */
  give(bytes: Uint8Array): void {
    if (this.free.length < MAX_FREE_BUFFERS) this.free.push(new Uint8Array(bytes.buffer));
  }
}

const BUFFER_GRANULE = 64 * 1024;

/** The reader holds one range and the window downloads the next few: buffers beyond that are not needed again. */
const MAX_FREE_BUFFERS = 16;

/**
 * The messages of one downloaded range, in offset order, made as they are asked for.
 * `take()` answers the next message, or `undefined` when the range is used up or its next
 * batch is compressed: then `inflate()` decompresses it (asynchronously, for gzip) and
 * `take()` goes on. Offsets are the index's: objects under batches/ store base offset 0.
 */
export class RangeReader {
  private position = 0;
  private cursor: RecordCursor | null = null;
  /** Index offset minus stored offset, from the range's first batch. */
  private shift: number | undefined;
  private compressed: RecordBatchFrame | null = null;

  constructor(
    readonly range: DirectRange,
    readonly bytes: Uint8Array,
    private readonly encoding: Encoding,
    private readonly partition: number,
  ) {}

  /** True when a compressed batch waits for `inflate()`. */
  get needsInflate(): boolean {
    return this.compressed !== null;
  }

  /** The next record at or after `from` and below `below` as a message; undefined when `inflate()` or the next range is due. */
  take(from: number, below: number): DirectMessage | undefined {
    for (;;) {
      const cursor = this.cursor;
      if (cursor !== null) {
        let more: boolean;
        try {
          more = cursor.next();
        } catch (err) {
          throw corrupt(this.range, (err as Error).message);
        }
        if (more) {
          const offset = cursor.offset + this.shift!;
          if (offset < from || offset >= below) continue;
          return toMessage(cursor, offset, this.encoding, this.partition);
        }
        this.cursor = null;
      }
      if (this.compressed !== null || this.position >= this.bytes.length) return undefined;
      let frame: RecordBatchFrame;
      try {
        frame = frameRecordBatch(this.bytes.subarray(this.position)); // checks the CRC-32C
      } catch (err) {
        throw corrupt(this.range, (err as Error).message);
      }
      this.position += frame.sizeInBytes;
      // Objects under batches/ store base offset 0, segments their real one: the index's offsets count.
      this.shift ??= this.range.baseOffset - frame.baseOffset;
      if (frame.compression === 'none') this.open(frame, frame.recordsSection);
      else this.compressed = frame;
    }
  }

  /** Decompresses the batch `take()` stopped at. */
  async inflate(): Promise<void> {
    const frame = this.compressed!;
    this.compressed = null;
    let plain: Uint8Array;
    try {
      plain = await decompress(frame.compression as Exclude<CompressionType, 'none'>, frame.recordsSection);
    } catch (err) {
      throw corrupt(this.range, (err as Error).message);
    }
    this.open(frame, plain);
  }

  private open(frame: RecordBatchFrame, plain: Uint8Array): void {
    try {
      this.cursor = new RecordCursor(frame, plain);
    } catch (err) {
      throw corrupt(this.range, (err as Error).message);
    }
  }
}

const corrupt = (range: DirectRange, why: string) =>
  new FreshetError({ code: 'CORRUPT_RECORD_BATCH', status: 0, detail: `offsets ${range.baseOffset}..${range.lastOffset} (${range.object}) cannot be read: ${why}` });

async function decompress(compression: Exclude<CompressionType, 'none'>, section: Uint8Array): Promise<Uint8Array> {
  let plain: Uint8Array;
  switch (compression) {
    case 'gzip': {
      const stream = new Blob([section as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
      plain = new Uint8Array(await new Response(stream).arrayBuffer());
      break;
    }
    case 'zstd':
      plain = zstdDecompress(section);
      break;
    case 'lz4':
      plain = decompressLz4Frame(section, MAX_DECOMPRESSED_BYTES);
      break;
  }
  if (plain.length > MAX_DECOMPRESSED_BYTES) throw new Error(`${compression} records section inflates past ${MAX_DECOMPRESSED_BYTES} bytes`);
  return plain;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The cursor's record as `readPartition` yields it in `encoding`, the same as a fetch through the API would give. */
function toMessage(c: RecordCursor, offset: number, encoding: Encoding, partition: number): DirectMessage {
  const s = c.section;
  if (encoding === 'base64') {
    const key = c.keyLength < 0 ? null : view(s, c.keyStart, c.keyLength);
    const value = c.valueLength < 0 ? null : view(s, c.valueStart, c.valueLength);
    return { offset, timestamp: c.timestamp, key, value, headers: c.headerCount === 0 ? {} : headersOf(c.headers(), offset, false), partition };
  }
  let value: unknown = c.valueLength < 0 ? null : text(s, c.valueStart, c.valueLength, offset, 'value');
  if (encoding === 'json' && value !== null) {
    try {
      value = JSON.parse(value as string);
    } catch {
      throw notDecodable(offset, 'value', 'is not JSON');
    }
  }
  const key = c.keyLength < 0 ? null : text(s, c.keyStart, c.keyLength, offset, 'key');
  return { offset, timestamp: c.timestamp, key, value, headers: c.headerCount === 0 ? {} : headersOf(c.headers(), offset, true), partition };
}

function text(s: Uint8Array, start: number, length: number, offset: number, field: string): string {
  try {
    return utf8.decode(view(s, start, length));
  } catch {
    throw notDecodable(offset, field, 'is not UTF-8');
  }
}

/** Headers folded by key (the last of a repeated key wins, and `__proto__` is a key like any other), as the API's JSON has them. */
function headersOf(headers: RecordHeader[], offset: number, asText: boolean): Record<string, string | Uint8Array | null> {
  return Object.fromEntries(headers.map((h) => [h.key, asText && h.value !== null ? text(h.value, 0, h.value.length, offset, `header ${h.key}`) : h.value]));
}

const notDecodable = (offset: number, field: string, why: string) =>
  new InvalidRequestError({ code: 'RECORD_NOT_DECODABLE', status: 422, detail: `record ${offset}: ${field} ${why}; read it with encoding 'base64'` });
