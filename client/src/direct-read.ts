/**
 * Direct reads (`readPartition({ direct: true })`): the API answers where a fetch's bytes
 * are (presigned, short-lived S3 GETs of exact byte ranges, docs/log.md "Direct reads"),
 * and this client reads them from S3 itself, decodes the Kafka RecordBatches with the
 * repository's one codec (its node-free half) and checks every batch's CRC-32C
 * (direct-range.ts). The API function then does no work per byte read.
 */
import { type DirectMessage, type DirectRange, downloadRange, RangeBuffers, RangeReader, RangeRefusedError } from './direct-range.js';
import type { Encoding } from './encoding.js';
import type { components } from './generated/openapi.js';
import type { HttpClient } from './http.js';

type DirectFetchResponse = components['schemas']['DirectFetchResponse'];

export interface DirectReadOptions {
  /** `/v1/topics/{topic}/partitions/{partition}` */
  path: string;
  partition: number;
  /** Where to start: resolved when the first record is asked for. */
  offset: () => Promise<number>;
  follow: boolean;
  maxWaitMs: number;
  limit: number;
  maxBytes: number | undefined;
  encoding: Encoding;
  signal: AbortSignal | undefined;
}

/**
 * A direct read's page when the caller names none: the most a direct fetch answers
 * (shared/log/limits.ts). A page is URLs, not bytes, so a big one costs the API little, and
 * each page is an API call: at a fetch's 1 MiB, a catching-up reader would call the API
 * once per MiB read, which is what direct reads are there to avoid.
 */
export const DIRECT_DEFAULT_LIMIT = 100_000;
export const DIRECT_DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Direct fetches answered and downloading ahead of the records being yielded. */
const LOOKAHEAD_PAGES = 3;
/**
 * Ranges downloading or downloaded and not yet being read, in offset order: a window that
 * moves as the reader takes a range. 8 ranged GETs in flight reach the floor of raw GETs
 * on the bench, and 50 (every range of three pages) cost the client twice the CPU; bytes
 * downloaded far ahead of the reader only add external memory, whose growth makes V8
 * collect garbage more often (docs/benchmarks.md, "Direct reads").
 */
const RANGE_WINDOW = 8;
/**
 * Fresh URLs are asked for this many times in a row when S3 refuses a range (expired), then
 * the error stands. A range read resets the count: a reader slower than the URLs' 5 minutes
 * sees a refusal every few pages' worth of ranges, and must go on.
 */
const MAX_REFUSALS = 3;

interface Page {
  res: DirectFetchResponse;
  /**
   * Each range's bytes, downloading at once. They are decoded only when the reader gets to
   * them: records made ahead of time would outlive the young generation and cost the GC
   * more than the decoding itself (measured: docs/benchmarks.md, "Direct reads").
   */
  ranges: { range: DirectRange; window: RangeWindow; bytes: Promise<Uint8Array> }[];
  /** The page after this one, asked for as soon as this one was answered (while the lookahead has room). */
  next: Promise<Page> | null;
}

/**
 * The records of one partition from `offset` on, read straight from S3. Pages run ahead:
 * as soon as the API answers one direct fetch, its ranges start downloading and the next
 * fetch is sent, up to LOOKAHEAD_PAGES not yet yielded, so API round trips hide behind
 * S3's transfers and S3 always has ranges to send.
 */
export function readDirect(http: HttpClient, o: DirectReadOptions): AsyncGenerator<DirectMessage, void, undefined> {
  return new DirectReader(http, o);
}

const DONE: IteratorReturnResult<void> = Object.freeze({ done: true, value: undefined });

/**
 * An async iterator written out rather than an async generator: a record that is ready
 * (the usual case: its batch is downloaded and checked) is answered by `next()` at once,
 * without a generator's suspension and resumption per record, which at 100,000 records a
 * pass was a tenth of the client's CPU (docs/benchmarks.md, "Direct reads"). Calls of
 * `next()` made while one waits are answered in order, as a generator's would be.
 */
class DirectReader implements AsyncGenerator<DirectMessage, void, undefined> {
  private readonly fetchImpl: typeof fetch;
  /** Closed and replaced when a refusal restarts the chain: the dropped pages' ranges still queued never start. */
  private window = new RangeWindow(RANGE_WINDOW);
  /** Range buffers read again (not with 'base64', whose messages are views into them). */
  private readonly buffers: RangeBuffers | null;
  /** A refused range restarts the chain of pages; pages of an older chain are dropped. */
  private generation = 0;
  private unconsumed = 0;
  private wake: (() => void) | null = null;
  private current: Promise<Page> | null = null;
  private page: Page | null = null;
  private rangeIndex = 0;
  private reader: RangeReader | null = null;
  /** The first offset not yet yielded: records before it are skipped, and a refusal asks again from it. */
  private from = 0;
  private highWatermark = 0;
  private refusals = 0;
  private finished = false;
  /** The last `next()` still waiting; a later call waits behind it. */
  private tail: Promise<IteratorResult<DirectMessage, void>> | null = null;

  constructor(
    private readonly http: HttpClient,
    private readonly o: DirectReadOptions,
  ) {
    this.fetchImpl = http.options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.buffers = o.encoding === 'base64' ? null : new RangeBuffers();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<DirectMessage, void>> {
    if (this.tail === null && this.reader !== null && !this.finished) {
      try {
        const m = this.reader.take(this.from, this.highWatermark);
        if (m !== undefined) {
          this.from = m.offset + 1;
          return Promise.resolve({ done: false, value: m });
        }
      } catch (err) {
        this.finish();
        return Promise.reject(err);
      }
    }
    const previous = this.tail;
    const step = (previous ? previous.then(() => this.advance()) : this.advance()).catch((err: unknown) => {
      this.finish();
      throw err;
    });
    this.tail = step;
    const clear = () => {
      if (this.tail === step) this.tail = null;
    };
    step.then(clear, clear);
    return step;
  }

  async return(): Promise<IteratorResult<DirectMessage, void>> {
    await this.tail?.catch(() => {});
    this.finish();
    return DONE;
  }

  async throw(err: unknown): Promise<IteratorResult<DirectMessage, void>> {
    await this.tail?.catch(() => {});
    this.finish();
    throw err;
  }

  /** The next message, downloading, decompressing and asking the API for pages as needed. */
  private async advance(): Promise<IteratorResult<DirectMessage, void>> {
    if (this.current === null && !this.finished) {
      this.from = await this.o.offset();
      this.current = this.open(this.from, this.o.follow ? this.o.maxWaitMs : 0, this.generation);
    }
    for (;;) {
      if (this.finished) return DONE;
      const reader = this.reader;
      if (reader !== null) {
        const m = reader.take(this.from, this.highWatermark);
        if (m !== undefined) {
          this.from = m.offset + 1;
          return { done: false, value: m };
        }
        if (reader.needsInflate) {
          await reader.inflate();
          continue;
        }
        this.reader = null;
        this.buffers?.give(reader.bytes); // the messages made from it hold copies
      }
      if (!(await this.nextRange())) {
        this.finish();
        return DONE;
      }
    }
  }

  /** Makes `reader` the next range's; false at the end of the read. */
  private async nextRange(): Promise<boolean> {
    for (;;) {
      if (this.page === null) {
        if (this.o.signal?.aborted) return false;
        this.page = await this.current!;
        this.rangeIndex = 0;
        this.highWatermark = this.page.res.highWatermark;
      }
      const page = this.page;
      const entry = page.ranges[this.rangeIndex];
      if (entry !== undefined) {
        let bytes: Uint8Array;
        try {
          bytes = await entry.bytes;
        } catch (err) {
          if (!(err instanceof RangeRefusedError) || ++this.refusals > MAX_REFUSALS) throw err;
          // Fresh URLs from the first offset not yet yielded; what ran ahead is dropped.
          this.window.close();
          this.window = new RangeWindow(RANGE_WINDOW);
          this.generation++;
          this.unconsumed = 0;
          this.wakeWaiter();
          this.page = null;
          this.current = this.open(this.from, 0, this.generation);
          continue;
        }
        this.refusals = 0; // only refusals with no range read in between count towards the limit
        this.rangeIndex++;
        entry.window.release(); // the reader has it: the next range may start downloading
        this.reader = new RangeReader(entry.range, bytes, this.o.encoding, this.o.partition);
        return true;
      }
      this.page = null;
      this.unconsumed--;
      this.wakeWaiter();
      if (page.next) this.current = page.next;
      else if (this.o.follow) this.current = this.open(page.res.nextOffset, this.o.maxWaitMs, this.generation);
      else return false;
    }
  }

  /** Asks the API for the page at `from`; its ranges start downloading, and the next page is asked for while there is room ahead. */
  private open(from: number, waitMs: number, gen: number): Promise<Page> {
    this.unconsumed++;
    return quiet(
      (async () => {
        const o = this.o;
        const res = await this.http.call<DirectFetchResponse>('GET', `${o.path}/records`, {
          query: { offset: from, limit: o.limit, maxBytes: o.maxBytes, waitMs, direct: 'true' },
          waitMs,
          retry: true,
          signal: o.signal,
        });
        const window = this.window;
        const ranges = res.ranges.map((range) => ({ range, window, bytes: quiet(window.run(() => downloadRange(this.fetchImpl, range, o.signal, this.buffers?.take(range.byteLength)))) }));
        let next: Promise<Page> | null = null;
        if (res.nextOffset < res.highWatermark) {
          next = quiet(
            (async () => {
              if (!(await this.roomAhead(gen))) throw new RangeRefusedError('superseded');
              return this.open(res.nextOffset, 0, gen);
            })(),
          );
        }
        return { res, ranges, next };
      })(),
    );
  }

  private async roomAhead(gen: number): Promise<boolean> {
    while (this.unconsumed >= LOOKAHEAD_PAGES && gen === this.generation) await new Promise<void>((resolve) => (this.wake = resolve));
    return gen === this.generation;
  }

  private wakeWaiter(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Stops for good: nothing more is yielded, and pages waiting for room ahead give up. */
  private finish(): void {
    this.finished = true;
    this.window.close();
    this.reader = null;
    this.page = null;
    this.generation++;
    this.wakeWaiter();
  }
}

/**
 * At most `size` ranges between the start of their download and the reader taking them,
 * started in the order they were queued. A range's slot is freed by `release()` when the
 * reader takes its bytes; a failed download keeps its slot, since the reader stops at that
 * range anyway (and drops the window when it asks for fresh URLs). `close()` starts
 * nothing more: the ranges still queued belong to pages that were dropped.
 */
class RangeWindow {
  private used = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly size: number) {}

  run<T>(download: () => Promise<T>): Promise<T> {
    return new Promise<void>((resolve) => {
      if (this.used < this.size) {
        this.used++;
        resolve();
      } else this.queue.push(resolve);
    }).then(download);
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next(); // the slot passes straight to the next range
    else this.used--;
  }

  close(): void {
    this.queue.length = 0;
  }
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
