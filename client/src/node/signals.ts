/**
 * Node-only: disconnect clients on SIGTERM / SIGINT, so a consumer leaves its group (its
 * partitions move at once, not after the session timeout) and a producer flushes.
 * Kept out of the core so that it imports nothing from Node.
 */
export interface Disconnectable {
  disconnect(): Promise<void>;
}

export function disconnectOnSignals(clients: Disconnectable[], signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled(clients.map((c) => c.disconnect())).then(() => {
      for (const s of signals) process.off(s, handler);
      // Exit as the signal would have: 128 + its number.
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
