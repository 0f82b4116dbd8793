import { DIRECT_DEFAULT_LIMIT, DIRECT_DEFAULT_MAX_BYTES, readDirect } from './direct-read.js';
import type { Encoding } from './encoding.js';
import type { components } from './generated/openapi.js';
import { encodePath, type HttpClient } from './http.js';
import { type KafkaMessage, toMessage } from './records.js';

export interface ReadPartitionOptions {
  topic: string;
  partition: number;
  /** An offset, or 'earliest' (the log start, the default) / 'latest' (the high watermark). */
  fromOffset?: number | 'earliest' | 'latest';
  /** The first record appended at or after this time (ms since the epoch, or a Date). */
  fromTimestamp?: number | Date;
  /** Keep long-polling at the end of the log. Default true; false stops at the high watermark. */
  follow?: boolean;
  /** Long-poll wait per fetch while following. Default 5 s. */
  maxWaitMs?: number;
  /** Records per fetch. Default 1,000; for direct reads 100,000 (a direct fetch's most). */
  limit?: number;
  /** Bytes per fetch (whole batches, at least one). Default the API's (1 MiB); for direct reads 64 MiB (a direct fetch's most). */
  maxBytes?: number;
  encoding?: Encoding;
  signal?: AbortSignal;
  /**
   * Read the records' bytes straight from S3 (presigned ranged GETs the API hands out),
   * decoding and CRC-checking the RecordBatches here. Default false. See direct-read.ts.
   */
  direct?: boolean;
}

type FetchResponse = components['schemas']['FetchResponse'];

/** The records of one partition, in offset order, as an async iterator (no group, no commits). */
export function readPartition(http: HttpClient, o: ReadPartitionOptions): AsyncGenerator<KafkaMessage & { partition: number }, void, undefined> {
  const path = `/v1/topics/${encodePath(o.topic)}/partitions/${o.partition}`;
  const encoding = o.encoding ?? 'json';
  const follow = o.follow ?? true;
  const offset = () => startingOffset(http, path, o);
  // Direct reads: their own iterator (direct-read.ts), returned as it is so that no generator stands between it and the caller.
  if (o.direct) return readDirect(http, { path, partition: o.partition, offset, follow, maxWaitMs: o.maxWaitMs ?? 5_000, limit: o.limit ?? DIRECT_DEFAULT_LIMIT, maxBytes: o.maxBytes ?? DIRECT_DEFAULT_MAX_BYTES, encoding, signal: o.signal });
  return readFetched(http, o, path, offset, encoding, follow);
}

async function* readFetched(http: HttpClient, o: ReadPartitionOptions, path: string, start: () => Promise<number>, encoding: Encoding, follow: boolean): AsyncGenerator<KafkaMessage & { partition: number }, void, undefined> {
  let offset = await start();
  while (!o.signal?.aborted) {
    const waitMs = follow ? (o.maxWaitMs ?? 5_000) : 0;
    const res = await http.call<FetchResponse>('GET', `${path}/records`, {
      query: { offset, limit: o.limit ?? 1_000, maxBytes: o.maxBytes, waitMs, encoding },
      waitMs,
      retry: true,
      signal: o.signal,
    });
    for (const r of res.records) yield { ...toMessage(r, encoding), partition: o.partition };
    offset = res.nextOffset;
    if (!follow && offset >= res.highWatermark) return;
  }
}

/** Where a read starts: `fromTimestamp`, `fromOffset`, or the log start / high watermark. */
async function startingOffset(http: HttpClient, path: string, o: ReadPartitionOptions): Promise<number> {
  if (o.fromTimestamp !== undefined) {
    const timestamp = o.fromTimestamp instanceof Date ? o.fromTimestamp.getTime() : o.fromTimestamp;
    return (await http.call<{ offset: number }>('GET', `${path}/offsets`, { query: { timestamp }, retry: true, signal: o.signal })).offset;
  }
  if (typeof o.fromOffset === 'number') return o.fromOffset;
  const { partitions } = await http.call<components['schemas']['Partitions']>('GET', `/v1/topics/${encodePath(o.topic)}/partitions`, { retry: true, signal: o.signal });
  const p = partitions.find((x) => x.partition === o.partition);
  return o.fromOffset === 'latest' ? (p?.highWatermark ?? 0) : (p?.logStartOffset ?? 0);
}
