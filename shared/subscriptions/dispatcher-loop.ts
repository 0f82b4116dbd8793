import { dispatchOnce } from './dispatcher.js';
import type { SubscriptionsContext } from './subscriptions-context.js';

export interface DispatcherLoop {
  /** Run a pass soon (after a commit); passes never overlap. */
  wake(): void;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * Local mode's (and the tests') way to run the dispatcher: a pass when woken, again at
 * once while work remains, at the earliest due retry, and at least every `intervalMs`.
 */
export function startDispatcherLoop(ctx: SubscriptionsContext, options: { intervalMs?: number; budgetMs?: number } = {}): DispatcherLoop {
  const intervalMs = options.intervalMs ?? 1_000;
  let stopped = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;

  const schedule = (dueAt: number | null) => {
    clearTimeout(timer);
    if (stopped) return;
    const delay = dueAt === null ? intervalMs : Math.min(intervalMs, Math.max(0, dueAt - ctx.log.clock.now()));
    timer = setTimeout(run, delay);
  };
  const loop = async () => {
    let dueAt: number | null = null;
    do {
      again = false;
      try {
        const pass = await dispatchOnce(ctx, { budgetMs: options.budgetMs ?? 5_000 });
        dueAt = pass.nextDueAt;
        if (dueAt !== null && dueAt <= ctx.log.clock.now()) again = true;
      } catch (err) {
        console.error(JSON.stringify({ level: 'error', msg: 'dispatcher pass failed', error: err instanceof Error ? `${err.name}: ${err.message}` : 'unknown' }));
      }
    } while (again && !stopped);
    current = undefined;
    schedule(dueAt);
  };
  function run(): void {
    if (stopped) return;
    if (current) {
      again = true;
      return;
    }
    current = loop();
  }
  schedule(0);
  return {
    wake: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
