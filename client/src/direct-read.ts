/**
 * Direct reads (`readPartition({ direct: true })`): the API answers where a fetch's bytes
 * are (presigned, short-lived S3 GETs of exact byte ranges, docs/log.md "Direct reads"),
 * and this client reads them from S3 itself, decodes the Kafka RecordBatches with the
 * repository's one codec (its node-free half) and checks every batch's CRC-32C. The API
 * function then does no work per byte read. Web standards and pure JS only: gzip through
 * DecompressionStream, zstd through fzstd, lz4 through lz4js.
 */
import { decompress as zstdDecompress } from 'fzstd';
import { decompressLz4Frame } from '../../shared/log/lz4-frame.js';
import { type CompressionType, type DecodedRecord, decodeRecordsSection, frameRecordBatch, MAX_DECOMPRESSED_BYTES } from '../../shared/log/record-batch-decode.js';
import type { Encoding } from './encoding.js';
import { FreshetError, InvalidRequestError } from './errors.js';
import type { components } from './generated/openapi.js';
import type { HttpClient } from './http.js';
import type { KafkaMessage } from './records.js';

type DirectFetchResponse = components['schemas']['DirectFetchResponse'];
type DirectRange = components['schemas']['DirectRange'];

export interface DirectReadOptions {
  /** `/v1/topics/{topic}/partitions/{partition}` */
  path: string;
  partition: number;
  offset: number;
  follow: boolean;
  maxWaitMs: number;
  limit: number;
  maxBytes: number | undefined;
  encoding: Encoding;
  signal: AbortSignal | undefined;
}

/** A range GET answered 403: its URL expired (or was refused); the fetch is asked again for fresh ones. */
class RangeRefusedError extends Error {}

/** Direct fetches answered and downloading ahead of the records being yielded. */
const LOOKAHEAD_PAGES = 3;
/**
 * Ranged GETs in flight at once, in offset order. More only adds connections: on the
 * bench, 8 reach the floor of raw GETs and 50 (every range of three pages) cost the
 * client twice the CPU (docs/benchmarks.md, "Direct reads").
 */
const GET_CONCURRENCY = 8;

interface Page {
  from: number;
  res: DirectFetchResponse;
  /**
   * Each range's bytes, downloading at once. They are decoded only when the reader gets to
   * them: records made ahead of time would outlive the young generation and cost the GC
   * more than the decoding itself (measured: docs/benchmarks.md, "Direct reads").
   */
  ranges: { range: DirectRange; bytes: Promise<Uint8Array> }[];
  /** The page after this one, asked for as soon as this one was answered (while the lookahead has room). */
  next: Promise<Page> | null;
}

/**
 * The records of one partition from `offset` on, read straight from S3. Pages run ahead:
 * as soon as the API answers one direct fetch, its ranges start downloading and the next
 * fetch is sent, up to LOOKAHEAD_PAGES not yet yielded, so API round trips hide behind
 * S3's transfers and S3 always has ranges to send.
 */
export async function* readDirect(http: HttpClient, o: DirectReadOptions): AsyncGenerator<KafkaMessage & { partition: number }> {
  const fetchImpl: typeof fetch = http.options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const gate = fifoLimiter(GET_CONCURRENCY);
  let generation = 0; // a refused range restarts the chain; pages of an older chain are dropped
  let unconsumed = 0;
  let wake: (() => void) | null = null;
  const roomAhead = async (gen: number) => {
    while (unconsumed >= LOOKAHEAD_PAGES && gen === generation) await new Promise<void>((resolve) => (wake = resolve));
    return gen === generation;
  };
  const wakeWaiter = () => {
    const w = wake as (() => void) | null;
    wake = null;
    w?.();
  };
  const consumed = () => {
    unconsumed--;
    wakeWaiter();
  };
  const open = async (from: number, waitMs: number, gen: number): Promise<Page> => {
    unconsumed++;
    const res = await http.call<DirectFetchResponse>('GET', `${o.path}/records`, {
      query: { offset: from, limit: o.limit, maxBytes: o.maxBytes, waitMs, direct: 'true' },
      waitMs,
      retry: true,
      signal: o.signal,
    });
    const ranges = res.ranges.map((range) => ({ range, bytes: quiet(gate(() => downloadRange(fetchImpl, range, o.signal))) }));
    let next: Promise<Page> | null = null;
    if (res.nextOffset < res.highWatermark) {
      next = quiet(
        (async () => {
          if (!(await roomAhead(gen))) throw new RangeRefusedError('superseded');
          return open(res.nextOffset, 0, gen);
        })(),
      );
    }
    return { from, res, ranges, next };
  };

  let current = quiet(open(o.offset, o.follow ? o.maxWaitMs : 0, generation));
  let refusals = 0;
  while (!o.signal?.aborted) {
    const page = await current;
    const { nextOffset, highWatermark } = page.res;
    let refused = false;
    for (const { range, bytes } of page.ranges) {
      let records: DecodedRecord[];
      try {
        records = await decodeRange(range, await bytes);
      } catch (err) {
        if (!(err instanceof RangeRefusedError) || ++refusals > 3) throw err;
        refused = true;
        break;
      }
      for (const r of records) {
        if (r.offset < page.from || r.offset >= highWatermark) continue;
        yield toMessage(r, o.encoding, o.partition);
      }
      // Only the records still to come are asked for again if a later range is refused.
      if (records.length > 0) page.from = Math.max(page.from, records[records.length - 1]!.offset + 1);
    }
    if (refused) {
      generation++; // fresh URLs from the first offset not yet yielded; what ran ahead is dropped
      unconsumed = 0;
      wakeWaiter();
      current = quiet(open(page.from, 0, generation));
      continue;
    }
    refusals = 0;
    consumed();
    if (page.next) current = page.next;
    else if (o.follow) current = quiet(open(nextOffset, o.maxWaitMs, generation));
    else return;
  }
}

/** Runs at most `limit` tasks at once, starting them in the order they were queued. */
function fifoLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const queue: (() => void)[] = [];
  const done = () => {
    running--;
    queue.shift()?.();
  };
  return (task) =>
    new Promise((resolve, reject) => {
      const start = () => {
        running++;
        task().then(resolve, reject).finally(done);
      };
      if (running < limit) start();
      else queue.push(start);
    });
}

/**
 * A promise started ahead of its use: it is awaited when its page is consumed, but a page
 * that never is (the reader stopped, was aborted, or dropped the chain) must not surface as
 * an unhandled rejection.
 */
function quiet<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** One presigned ranged GET: exactly the range's bytes, or an error. */
export async function downloadRange(fetchImpl: typeof fetch, range: DirectRange, signal?: AbortSignal): Promise<Uint8Array> {
  const res = await fetchImpl(range.url, { headers: range.headers, ...(signal ? { signal } : {}) });
  if (res.status === 403) {
    await res.body?.cancel();
    throw new RangeRefusedError(`S3 refused the range of ${range.object} (expired URL?)`);
  }
  if (res.status !== 206 && res.status !== 200) {
    await res.body?.cancel();
    throw new FreshetError({ code: 'DIRECT_READ_FAILED', status: res.status, detail: `S3 answered ${res.status} for ${range.object} ${range.headers.range}` }, { retriable: res.status >= 500 });
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length !== range.byteLength) throw corrupt(range, `S3 returned ${bytes.length} bytes, the range has ${range.byteLength}`);
  return bytes;
}

/** The records of a downloaded range: every batch's CRC checked, offsets as the index says. */
export async function decodeRange(range: DirectRange, bytes: Uint8Array): Promise<DecodedRecord[]> {
  const records: DecodedRecord[] = [];
  let shift: number | undefined;
  try {
    for (let position = 0; position < bytes.length; ) {
      const frame = frameRecordBatch(bytes.subarray(position));
      const plain = frame.compression === 'none' ? frame.recordsSection : await decompress(frame.compression, frame.recordsSection);
      const batch = decodeRecordsSection(frame, plain);
      // Objects under batches/ store base offset 0, segments their real one: the index's offsets count.
      shift ??= range.baseOffset - batch.baseOffset;
      for (const r of batch.records) {
        r.offset += shift;
        records.push(r);
      }
      position += batch.sizeInBytes;
    }
  } catch (err) {
    throw corrupt(range, (err as Error).message);
  }
  return records;
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

/** The record as `readPartition` yields it in `encoding`, the same as a fetch through the API would give. */
function toMessage(r: DecodedRecord, encoding: Encoding, partition: number): KafkaMessage & { partition: number } {
  if (encoding === 'base64') return { offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: headersOf(r, false), partition };
  let value: unknown = text(r.value, r.offset, 'value');
  if (encoding === 'json' && value !== null) {
    try {
      value = JSON.parse(value as string);
    } catch {
      throw notDecodable(r.offset, 'value', 'is not JSON');
    }
  }
  return { offset: r.offset, timestamp: r.timestamp, key: text(r.key, r.offset, 'key'), value, headers: headersOf(r, true), partition };
}

function text(b: Uint8Array | null, offset: number, field: string): string | null {
  if (b === null) return null;
  try {
    return utf8.decode(b);
  } catch {
    throw notDecodable(offset, field, 'is not UTF-8');
  }
}

/** Headers folded by key (the last of a repeated key wins, and `__proto__` is a key like any other), as the API's JSON has them. */
function headersOf(r: DecodedRecord, asText: boolean): Record<string, string | Uint8Array | null> {
  if (r.headers.length === 0) return {};
  return Object.fromEntries(r.headers.map((h) => [h.key, asText ? text(h.value, r.offset, `header ${h.key}`) : h.value]));
}

const notDecodable = (offset: number, field: string, why: string) =>
  new InvalidRequestError({ code: 'RECORD_NOT_DECODABLE', status: 422, detail: `record ${offset}: ${field} ${why}; read it with encoding 'base64'` });

