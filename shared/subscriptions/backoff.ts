import type { Backoff } from '../model/subscription.js';

/** Retry-After is honoured up to this long; a larger value is treated as this. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Delay before the retry that follows failed attempt number `attempts` (1-based):
 * exponential (`initialMs · 2^(attempts-1)`, capped at `maxMs`) with "equal jitter" —
 * uniformly in the upper half of that bound. Jitter spreads retries of many partitions
 * apart; keeping the lower half out guarantees each wait is at least as long as the
 * previous bound, so intervals grow and a failing endpoint is never hammered right after
 * a long wait (which full jitter allows). A Retry-After longer than that is honoured.
 */
export function retryDelayMs(backoff: Backoff, attempts: number, retryAfterMs: number | null, random: () => number = Math.random): number {
  const bound = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
  const jittered = Math.ceil(bound / 2 + random() * (bound / 2));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/** Retry-After as delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d{1,10}$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
