import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { InvalidRequestError } from '../errors.js';

/**
 * A binary request body (the client's RecordBatches), read into a buffer kept for the next
 * request. Why: a server that receives a 1 MB body per request and lets each go allocates
 * megabytes of memory outside V8's heap per request — @hono/node-server's
 * `arrayBuffer()` concatenates the socket's chunks and then copies them once more — and
 * V8 answers growing external memory with full mark-compact collections. Measured on
 * 1,000 × 1 KiB produce requests (docs/benchmarks.md, "Where a produce spends its time"):
 * ~1.6 ms of garbage collection per request, a mark-compact every ~4 requests; with the
 * body read into a kept buffer, one every ~12.
 *
 * Under @hono/node-server (local mode, the bench, a container) the body is read from the
 * Node request straight into a kept buffer; elsewhere (Lambda, whose event carries the body
 * as base64 text) through `arrayBuffer()`, into a buffer of its own.
 */
export interface BinaryBody {
  bytes: Uint8Array;
  /** A buffer of `length` bytes (for the object a produce assembles), kept and given back with the body. */
  scratch(length: number): Uint8Array;
  /**
   * Called once the request is answered. `reusable` only when nothing can still read the
   * bytes: after a success or a 4xx. A 5xx may leave an upload of them in flight (a produce
   * that ran out of its budget answers 503 while its PUT goes on), so then the buffer is
   * left to the garbage collector.
   */
  done(reusable: boolean): void;
}

/** Bodies below this size are not worth keeping a buffer for. */
const MIN_POOLED_BYTES = 64 * 1024;
/** At most this much memory waits in free buffers. */
const MAX_POOLED_BYTES = 32 * 1024 * 1024;

/** Free buffers, each at least MIN_POOLED_BYTES, taken by the first request they fit. */
class ReceiveBuffers {
  private readonly free: Buffer[] = [];
  private freeBytes = 0;

  take(length: number): Buffer {
    const i = this.free.findIndex((b) => b.length >= length);
    if (i >= 0) {
      const [buffer] = this.free.splice(i, 1);
      this.freeBytes -= buffer!.length;
      return buffer!;
    }
    // Rounded up to a power of two, so that bodies of about one size share buffers.
    return Buffer.allocUnsafeSlow(2 ** Math.ceil(Math.log2(length)));
  }

  give(buffer: Buffer): void {
    if (this.freeBytes + buffer.length > MAX_POOLED_BYTES) return;
    this.free.push(buffer);
    this.freeBytes += buffer.length;
  }
}

const buffers = new ReceiveBuffers();

/**
 * The request's whole body; a 400 when the client sends less than its Content-Length.
 * `arrived(body, length)` is called as chunks land in the kept buffer (a caller checks
 * what it can while the rest is on its way).
 */
export async function readBinaryBody(c: Context, arrived?: (body: Uint8Array, length: number) => void): Promise<BinaryBody> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const declared = Number(c.req.header('content-length'));
  if (!incoming || !Number.isSafeInteger(declared) || declared < MIN_POOLED_BYTES || c.req.header('transfer-encoding') !== undefined) {
    return { bytes: new Uint8Array(await c.req.arrayBuffer()), scratch: (length) => new Uint8Array(length), done: () => {} };
  }
  const buffer = buffers.take(declared);
  let length = 0;
  try {
    for await (const chunk of incoming as AsyncIterable<Buffer>) {
      // Node's parser never delivers more than Content-Length; checked anyway, as a bound on the copy.
      if (length + chunk.length > declared) throw new InvalidRequestError(`the body is longer than its Content-Length (${declared} bytes)`);
      chunk.copy(buffer, length);
      length += chunk.length;
      arrived?.(buffer, length);
    }
  } catch (err) {
    buffers.give(buffer);
    if (err instanceof InvalidRequestError) throw err;
    // The client went away mid-body (Node's request 'aborted'): what it sent is not a request.
    throw new InvalidRequestError(`the body ended after ${length} of its ${declared} bytes (Content-Length): ${(err as Error).message}`);
  }
  if (length !== declared) {
    buffers.give(buffer);
    throw new InvalidRequestError(`the body ended after ${length} of its ${declared} bytes (Content-Length)`);
  }
  const held = [buffer];
  let given = false;
  return {
    bytes: buffer.subarray(0, length),
    scratch(size) {
      const scratch = buffers.take(size);
      held.push(scratch);
      return scratch.subarray(0, size);
    },
    done(reusable) {
      if (given || !reusable) return;
      given = true;
      for (const b of held) buffers.give(b);
    },
  };
}
