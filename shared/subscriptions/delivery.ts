import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { FreshetError } from '../errors.js';
import { parseRetryAfter } from './backoff.js';
import { forbiddenReason, type UrlPolicy, vetWebhookUrl } from './ssrf-guard.js';

/** At most this much of a response is read; the rest is discarded unread. */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface DeliveryRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  policy: UrlPolicy;
  now: number;
}

/** One attempt's outcome: an HTTP status, or null when no response came (with `error` saying why). */
export interface DeliveryResult {
  status: number | null;
  error: string | null;
  retryAfterMs: number | null;
}

/**
 * One POST, no retries, no redirects (a 3xx is returned as is). The SSRF guard resolves
 * the host first; the socket then connects to exactly that address (custom lookup), and
 * the peer address of the connected socket is checked once more before anything is sent.
 */
export async function deliverOnce(req: DeliveryRequest): Promise<DeliveryResult> {
  let target: Awaited<ReturnType<typeof vetWebhookUrl>>;
  try {
    target = await vetWebhookUrl(req.url, req.policy);
  } catch (err) {
    return { status: null, error: err instanceof FreshetError ? err.message : 'the webhook URL could not be checked', retryAfterMs: null };
  }
  const { url, address } = target;
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  };
  return new Promise<DeliveryResult>((resolve) => {
    let settled = false;
    const finish = (result: DeliveryResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = send(url, {
      method: 'POST',
      headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)), 'user-agent': 'Freshet-Webhooks/1' },
      lookup: pinned,
      agent: false,
    });
    const timer = setTimeout(() => {
      outgoing.destroy();
      finish({ status: null, error: `no response within ${req.timeoutMs} ms`, retryAfterMs: null });
    }, req.timeoutMs);
    outgoing.on('socket', (socket) => {
      socket.once('connect', () => {
        const peer = socket.remoteAddress;
        const reason = peer ? forbiddenReason(peer, req.policy) : 'the peer address is unknown';
        if (reason) {
          outgoing.destroy();
          finish({ status: null, error: `refused to talk to the connected address: ${reason}`, retryAfterMs: null });
        }
      });
    });
    outgoing.on('error', (err: NodeJS.ErrnoException) => finish({ status: null, error: `connection failed: ${err.code ?? err.message}`, retryAfterMs: null }));
    outgoing.on('response', (res) => readCapped(res, (text) => finish(toResult(res, text, req.now))));
    outgoing.end(req.body);
  });
}

function readCapped(res: IncomingMessage, done: (text: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    if (size >= MAX_RESPONSE_BYTES) return;
    chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
    size += chunk.length;
    // Enough read: stop the download rather than let a receiver stream at us forever.
    if (size >= MAX_RESPONSE_BYTES) {
      res.destroy();
      done(Buffer.concat(chunks).toString('utf8'));
    }
  });
  res.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
  res.on('error', () => done(Buffer.concat(chunks).toString('utf8')));
}

function toResult(res: IncomingMessage, text: string, now: number): DeliveryResult {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) return { status, error: null, retryAfterMs: null };
  const retryAfter = res.headers['retry-after'];
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  const error =
    status >= 300 && status < 400
      ? `redirect (${status}) to ${String(res.headers.location ?? 'nowhere').slice(0, 200)} not followed; configure the final URL`
      : `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
  return { status, error, retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, now) };
}
