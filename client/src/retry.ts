import { DeadlineExceededError, FreshetError, NetworkError, ServerUnavailableError } from './errors.js';

export interface RetryOptions {
  /** Give up this long after the first attempt started (Kafka's delivery.timeout.ms). Default 120 s. */
  deadlineMs?: number;
  /** First backoff; doubles per attempt up to `maxBackoffMs`, with full jitter. Default 100 ms. */
  initialBackoffMs?: number;
  /** Default 5 s. */
  maxBackoffMs?: number;
}

export const RETRY_DEFAULTS: Required<RetryOptions> = { deadlineMs: 120_000, initialBackoffMs: 100, maxBackoffMs: 5_000 };

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Runs `attempt` until it succeeds, fails with a non-retriable error, or the deadline
 * passes. Waits the server's Retry-After when given (never past the deadline), else a
 * jittered exponential backoff, so a crowd of clients does not come back in step.
 * `reachable`, if given, resolves when the server answers another request of the same
 * client: a wait after a network error then ends early (the server is back, as a Kafka
 * client sends a reconnected broker's requests at once), while a 429/5xx still waits.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  options: RetryOptions = {},
  signal?: AbortSignal,
  reachable?: () => Promise<void>,
): Promise<T> {
  const { deadlineMs, initialBackoffMs, maxBackoffMs } = { ...RETRY_DEFAULTS, ...options };
  const deadline = Date.now() + deadlineMs;
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof FreshetError) || !err.retriable || signal?.aborted) throw err;
      const backoff = Math.random() * Math.min(maxBackoffMs, initialBackoffMs * 2 ** n);
      const wait = err instanceof ServerUnavailableError && err.retryAfterMs !== undefined ? Math.max(err.retryAfterMs, backoff) : backoff;
      if (Date.now() + wait >= deadline) {
        throw new DeadlineExceededError(`gave up after ${n + 1} attempt(s) in ${deadlineMs} ms: ${err.detail || err.title}`, err);
      }
      if (reachable && err instanceof NetworkError) await sleepUntilReachable(wait, reachable, signal);
      else await sleep(wait, signal);
    }
  }
}

async function sleepUntilReachable(ms: number, reachable: () => Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  const woken = new AbortController();
  void reachable().then(() => woken.abort());
  await sleep(ms, signal ? AbortSignal.any([signal, woken.signal]) : woken.signal);
  woken.abort(); // settles nothing more; the reachable promise is shared and stays for the others
}

export function isRetriable(err: unknown): boolean {
  return err instanceof NetworkError || err instanceof ServerUnavailableError;
}
