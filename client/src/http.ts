import { errorFromResponse, NetworkError } from './errors.js';
import { type RetryOptions, withRetry } from './retry.js';

export interface ConnectionOptions {
  /** The API's base URL, e.g. http://localhost:8080 or the stack's ApiUrl. */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string | undefined;
  /** A fetch implementation (default: the global one). Tests and odd runtimes inject their own. */
  fetch?: typeof fetch | undefined;
  /** One attempt's timeout, on top of any long-poll wait. Default 30 s. */
  requestTimeoutMs?: number | undefined;
  /** Retry policy for retriable requests (network errors, 429, 5xx). */
  retry?: RetryOptions | undefined;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface CallOptions {
  query?: Query | undefined;
  /** A JSON value, an already serialized JSON text, or bytes (a Uint8Array, sent as `contentType`). */
  body?: unknown;
  /** The media type of a Uint8Array body (required with one); JSON bodies are always application/json. */
  contentType?: string | undefined;
  headers?: Record<string, string> | undefined;
  /** Retry network errors, 429 and 5xx (only for requests that are safe to repeat). */
  retry?: boolean | RetryOptions | undefined;
  /** Added to the attempt timeout, for long polls. */
  waitMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** The one place requests are made: auth, JSON (or bytes), timeouts, problem+json → FreshetError, retries. */
export class HttpClient {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;

  constructor(readonly options: ConnectionOptions) {
    this.baseUrl = options.url.replace(/\/+$/, '');
    // Bound late so a test or polyfill replacing globalThis.fetch is honoured.
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    const once = () => this.once<T>(method, path, options);
    if (!options.retry) return once();
    return withRetry(once, { ...this.options.retry, ...(typeof options.retry === 'object' ? options.retry : {}) }, options.signal, this.reachable);
  }

  /**
   * Resolves when the server next answers a request of this client. Retries waiting out a
   * network error go then (retry.ts): after an outage, every partition's request resumes
   * with the first answer, instead of some waiting up to a whole backoff while the others
   * cycle small batches through a buffer the waiting ones hold.
   */
  private readonly reachable = (): Promise<void> => {
    this.answered ??= deferred();
    return this.answered.promise;
  };
  private answered: { promise: Promise<void>; resolve: () => void } | undefined;

  private async once<T>(method: string, path: string, options: CallOptions): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    let body: string | Uint8Array<ArrayBuffer> | undefined;
    if (options.body instanceof Uint8Array) {
      if (!options.contentType) throw new TypeError(`${method} ${path}: a Uint8Array body needs its contentType`);
      headers['content-type'] = options.contentType;
      body = options.body as Uint8Array<ArrayBuffer>;
    } else if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const timeout = AbortSignal.timeout((this.options.requestTimeoutMs ?? 30_000) + (options.waitMs ?? 0));
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, { method, headers, body, signal });
      const answered = this.answered;
      this.answered = undefined;
      answered?.resolve();
      text = await response.text();
    } catch (err) {
      if (options.signal?.aborted) throw err;
      const why = timeout.aborted ? 'timed out' : err instanceof Error ? err.message : String(err);
      throw new NetworkError(`${method} ${url.origin}${url.pathname}: ${why}`, err);
    }
    const parsed = text === '' ? undefined : safeJson(text);
    if (!response.ok) throw errorFromResponse(response.status, parsed ?? { detail: text.slice(0, 200) }, response.headers.get('retry-after'));
    return parsed as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export const encodePath = (segment: string | number) => encodeURIComponent(String(segment));
