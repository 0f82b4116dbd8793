import { createServer } from 'node:net';

/**
 * Asks the kernel for a port nobody on loopback is using. There is a short window between
 * closing our probe socket and the emulator binding it; on a dev machine or CI box that race
 * is rare enough, and the emulator start fails loudly if it is lost.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      // A TCP listener always reports an AddressInfo; the string form is for pipes.
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new Error('could not read the port of a loopback listener')) : resolve(port)));
    });
  });
}

/**
 * True when nothing is listening on `port` on loopback (a wildcard listener counts, since it
 * also answers on 127.0.0.1). Checked before starting an emulator on a fixed port, because a
 * stale emulator left there would pass our readiness probe in place of the new one.
 */
export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(false) : reject(error)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
