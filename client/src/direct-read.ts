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

interface Page {
  from: number;
  res: DirectFetchResponse;
  records: Promise<DecodedRecord[][]>;
}

/**
 * The records of one partition from `offset` on, read straight from S3. One fetch ahead:
 * while the ranges of one answer download, the API is already asked for the next, so the
 * API's round trip hides behind S3's transfer.
 */
export async function* readDirect(http: HttpClient, o: DirectReadOptions): AsyncGenerator<KafkaMessage & { partition: number }> {
  const fetchImpl: typeof fetch = http.options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const open = async (from: number, waitMs: number): Promise<Page> => {
    const res = await http.call<DirectFetchResponse>('GET', `${o.path}/records`, {
      query: { offset: from, limit: o.limit, maxBytes: o.maxBytes, waitMs, direct: 'true' },
      waitMs,
      retry: true,
      signal: o.signal,
    });
    const records = Promise.all(res.ranges.map((range) => readRange(fetchImpl, range, o.signal)));
    records.catch(() => {}); // awaited below; this only keeps an abandoned page from an unhandled rejection
    return { from, res, records };
  };
  const guard = (p: Promise<Page>) => {
    p.catch(() => {});
    return p;
  };
  let next = guard(open(o.offset, o.follow ? o.maxWaitMs : 0));
  let refusals = 0;
  while (!o.signal?.aborted) {
    const page = await next;
    const { nextOffset, highWatermark } = page.res;
    const more = nextOffset < highWatermark;
    if (more || o.follow) next = guard(open(nextOffset, more ? 0 : o.maxWaitMs));
    let chunks: DecodedRecord[][];
    try {
      chunks = await page.records;
    } catch (err) {
      if (!(err instanceof RangeRefusedError) || ++refusals > 3) throw err;
      next = guard(open(page.from, 0)); // fresh URLs for the same offsets
      continue;
    }
    refusals = 0;
    for (const chunk of chunks) {
      for (const r of chunk) {
        if (r.offset < page.from || r.offset >= highWatermark) continue;
        yield { ...toMessage(r, o.encoding), partition: o.partition };
      }
    }
    if (!more && !o.follow) return;
  }
}

/** One presigned ranged GET, decoded: every batch's CRC checked, offsets as the index says. */
export async function readRange(fetchImpl: typeof fetch, range: DirectRange, signal?: AbortSignal): Promise<DecodedRecord[]> {
  const res = await fetchImpl(range.url, { headers: range.headers, ...(signal ? { signal } : {}) });
  if (res.status === 403) {
    await res.body?.cancel();
    throw new RangeRefusedError(`S3 refused the range of ${range.object} (expired URL?)`);
  }
  if (res.status !== 206 && res.status !== 200) {
    throw new FreshetError({ code: 'DIRECT_READ_FAILED', status: res.status, detail: `S3 answered ${res.status} for ${range.object} ${range.headers.range}` }, { retriable: res.status >= 500 });
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (bytes.length !== range.byteLength) throw corrupt(range, `S3 returned ${bytes.length} bytes, the range has ${range.byteLength}`);
  const records: DecodedRecord[] = [];
  let shift: number | undefined;
  try {
    for (let position = 0; position < bytes.length; ) {
      const frame = frameRecordBatch(bytes.subarray(position));
      const plain = frame.compression === 'none' ? frame.recordsSection : await decompress(frame.compression, frame.recordsSection);
      const batch = decodeRecordsSection(frame, plain);
      // Objects under batches/ store base offset 0, segments their real one: the index's offsets count.
      shift ??= range.baseOffset - batch.baseOffset;
      for (const r of batch.records) records.push({ ...r, offset: r.offset + shift });
      position += batch.sizeInBytes;
    }
  } catch (err) {
    if (err instanceof FreshetError) throw err;
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
function toMessage(r: DecodedRecord, encoding: Encoding): KafkaMessage {
  const text = (b: Uint8Array | null, field: string): string | null => {
    if (b === null) return null;
    try {
      return utf8.decode(b);
    } catch {
      throw notDecodable(r.offset, field, 'is not UTF-8');
    }
  };
  if (encoding === 'base64') {
    return { offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value])) };
  }
  let value: unknown = text(r.value, 'value');
  if (encoding === 'json' && value !== null) {
    try {
      value = JSON.parse(value as string);
    } catch {
      throw notDecodable(r.offset, 'value', 'is not JSON');
    }
  }
  return { offset: r.offset, timestamp: r.timestamp, key: text(r.key, 'key'), value, headers: Object.fromEntries(r.headers.map((h) => [h.key, text(h.value, `header ${h.key}`)])) };
}

const notDecodable = (offset: number, field: string, why: string) =>
  new InvalidRequestError({ code: 'RECORD_NOT_DECODABLE', status: 422, detail: `record ${offset}: ${field} ${why}; read it with encoding 'base64'` });

