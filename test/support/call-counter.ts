import type { StorageClients } from '../../shared/storage/clients.js';

/**
 * Counts the real SDK calls each client sends, by command name (e.g. PutObjectCommand,
 * TransactWriteItemsCommand), with a middleware at the start of the stack.
 */
export function countCalls(clients: StorageClients) {
  const counts = new Map<string, number>();
  const counter =
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    async (args: unknown) => {
      const name = context.commandName ?? 'unknown';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    };
  // biome-ignore lint/suspicious/noExplicitAny: the two clients' middleware types differ only in their input/output unions
  clients.dynamo.middlewareStack.add(counter as any, { step: 'initialize', name: 'freshetCallCounter' });
  // biome-ignore lint/suspicious/noExplicitAny: as above
  clients.s3.middlewareStack.add(counter as any, { step: 'initialize', name: 'freshetCallCounter' });
  return {
    get: (command: string) => counts.get(command) ?? 0,
    snapshot: () => Object.fromEntries(counts),
    reset: () => counts.clear(),
  };
}
