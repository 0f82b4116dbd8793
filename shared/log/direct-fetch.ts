import type { CompressionSetting } from '../model/topic.js';
import { coalesce, entriesToRead, type FetchRequest, positionFetch } from './fetch.js';
import { DIRECT_URL_TTL_SECONDS } from './limits.js';
import type { LogContext } from './log-context.js';

/** One presigned ranged GET and the offsets its bytes hold (whole RecordBatches, Kafka's format). */
export interface DirectRange {
  /** A presigned S3 GET; send it with exactly `headers` (the Range is signed in). */
  url: string;
  headers: { range: string };
  object: string;
  byteOffset: number;
  byteLength: number;
  /** The offsets of the batches in the range; the first batch may start before the requested offset. */
  baseOffset: number;
  lastOffset: number;
  /** The topic's codec; every batch also says its own in its attributes. */
  compression: CompressionSetting;
  /** When the URL stops working, ms since the epoch. */
  expiresAt: number;
}

export interface DirectFetchResult {
  ranges: DirectRange[];
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

/**
 * A fetch answered with where the bytes are instead of the bytes (docs/log.md, "Direct
 * reads"): the same index entries a fetch would read, coalesced the same way, each as a
 * presigned ranged GET. The function reads no object, so its time does not grow with the
 * bytes; the caller decodes the batches and checks their CRCs. `limit` and `maxBytes` are
 * honoured by whole index entries (at least one), as the ranges cannot be cut inside a batch.
 */
export async function fetchDirect(ctx: LogContext, req: FetchRequest): Promise<DirectFetchResult> {
  const { topic, head, offset, bounds } = await positionFetch(ctx, req);
  if (offset >= head.nextOffset) return { ranges: [], nextOffset: offset, ...bounds };
  const entries = await entriesToRead(ctx, topic.topicId, req, offset, head);
  const expiresAt = ctx.clock.now() + DIRECT_URL_TTL_SECONDS * 1000;
  const ranges = await Promise.all(
    coalesce(entries).map(async (r) => {
      const url = await ctx.store.presignRange(r.objectKey, r.byteOffset, r.byteLength, DIRECT_URL_TTL_SECONDS);
      return {
        url,
        headers: { range: `bytes=${r.byteOffset}-${r.byteOffset + r.byteLength - 1}` },
        object: r.objectKey,
        byteOffset: r.byteOffset,
        byteLength: r.byteLength,
        baseOffset: r.baseOffset,
        lastOffset: r.lastOffset,
        compression: topic.compression,
        expiresAt,
      };
    }),
  );
  const last = ranges.at(-1);
  return { ranges, nextOffset: last ? Math.min(last.lastOffset + 1, head.nextOffset) : offset, ...bounds };
}
