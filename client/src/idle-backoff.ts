/**
 * How long a consumer pauses between fetches that come back empty (docs/client.md, "Idle
 * consumers"). Fetching with `waitMs=0` and pausing on the client is far cheaper than a
 * long-poll, because Lambda bills an open poll's whole wait (docs/benchmarks.md).
 */
export interface IdleBackoffOptions {
  /** The pause after the first empty answer; doubles per empty answer. Default 250. */
  initialMs?: number;
  /** The cap while records arrived within `flowingWindowMs`: end-to-end latency stays under 1 s. Default 750. */
  flowingMaxMs?: number;
  /** The cap once no record has arrived for `flowingWindowMs`. Default 5,000. */
  idleMaxMs?: number;
  /** How long after the last records the consumer still counts as flowing. Default 60,000. */
  flowingWindowMs?: number;
}

export const IDLE_BACKOFF_DEFAULTS: Required<IdleBackoffOptions> = { initialMs: 250, flowingMaxMs: 750, idleMaxMs: 5_000, flowingWindowMs: 60_000 };

/**
 * The backoff decisions, apart from any timer so they can be checked with a given clock.
 * A consumer counts as flowing from its start, so a new consumer answers quickly at first.
 */
export class IdleBackoff {
  private readonly opts: Required<IdleBackoffOptions>;
  private lastRecordsAt: number;
  private pauseMs = 0;

  constructor(
    options: IdleBackoffOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.opts = { ...IDLE_BACKOFF_DEFAULTS, ...options };
    this.lastRecordsAt = now();
  }

  /** After a fetch that answered with `records` records: the pause before the next fetch. */
  next(records: number): number {
    const now = this.now();
    if (records > 0) {
      this.lastRecordsAt = now;
      this.pauseMs = 0;
      return 0;
    }
    const cap = now - this.lastRecordsAt < this.opts.flowingWindowMs ? this.opts.flowingMaxMs : this.opts.idleMaxMs;
    this.pauseMs = Math.min(cap, this.pauseMs === 0 ? this.opts.initialMs : this.pauseMs * 2);
    return this.pauseMs;
  }
}
