/**
 * In-process mutual exclusion per key. Commits to one partition from the same process
 * queue here instead of racing each other through DynamoDB's conditional writes, which
 * would only make all but one of them retry. Across processes the condition still rules.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  /**
   * Runs `fn` holding every key; keys are taken in sorted order so two callers can't deadlock.
   * With `deadline` (a `performance.now()` time), gives up waiting at that time and returns
   * `timedOut` without running `fn`: the wait for the lock is part of a caller's budget.
   */
  async withKeys<T>(keys: readonly string[], fn: () => Promise<T>, deadline = Number.POSITIVE_INFINITY): Promise<T | typeof timedOut> {
    const sorted = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    try {
      for (const key of sorted) {
        const release = await this.acquire(key, deadline);
        if (release === undefined) return timedOut;
        releases.push(release);
      }
      return await fn();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  private async acquire(key: string, deadline: number): Promise<(() => void) | undefined> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => current);
    this.tails.set(key, tail);
    const done = () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    const waitMs = deadline - performance.now();
    if (waitMs === Number.POSITIVE_INFINITY) {
      await previous;
      return done;
    }
    let timer: NodeJS.Timeout | undefined;
    const acquired = await Promise.race([
      previous.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), Math.max(0, waitMs));
      }),
    ]);
    clearTimeout(timer);
    if (acquired) return done;
    // Giving up: our place in the queue passes straight on to whoever waits behind us
    // (their turn comes when `previous` settles, as `current` is already resolved). The
    // tail may be forgotten only then: the holder ahead of us still has the key.
    release();
    void previous.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return undefined;
  }
}

/** What `withKeys` returns when the deadline passed before every lock was held. */
export const timedOut: unique symbol = Symbol('timed out waiting for the lock');
