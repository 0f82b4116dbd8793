import type { StorageClients } from '../../shared/storage/clients.js';

export type FaultMode = 'before' | 'after';

/**
 * Makes the Nth SDK call (counted over both clients from `arm()`) fail for real:
 * 'before' — the call never reaches storage; 'after' — storage applies it and the answer
 * is lost, the nastier case (a transaction that committed, reported as an error).
 */
export function injectFaults(clients: StorageClients) {
  let count = 0;
  let target = 0;
  let mode: FaultMode = 'before';
  const calls: string[] = [];
  const middleware =
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: unknown) => {
      count++;
      calls.push(context.commandName ?? 'unknown');
      const hit = count === target;
      if (hit && mode === 'before') throw new Error(`injected fault before call ${count} (${context.commandName})`);
      const result = await next(args);
      if (hit && mode === 'after') throw new Error(`injected fault after call ${count} (${context.commandName})`);
      return result;
    };
  // biome-ignore lint/suspicious/noExplicitAny: the two clients' middleware types differ only in their input/output unions
  clients.dynamo.middlewareStack.add(middleware as any, { step: 'initialize', name: 'freshetFaultInjector' });
  // biome-ignore lint/suspicious/noExplicitAny: as above
  clients.s3.middlewareStack.add(middleware as any, { step: 'initialize', name: 'freshetFaultInjector' });
  return {
    /** Fail call number `n` from now on (1-based); 0 disarms. */
    arm(n: number, how: FaultMode = 'before') {
      count = 0;
      target = n;
      mode = how;
      calls.length = 0;
    },
    disarm() {
      target = 0;
    },
    get calls() {
      return [...calls];
    },
  };
}
