import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { launchEmulator } from '../../shared/local/emulator-process.js';
import { freePort } from '../../shared/local/free-port.js';
import { supervise } from '../../shared/local/supervisor.js';

/** A real child process that serves `port` and dies on its own after `lifeMs` (as a crashing emulator would). */
async function shortLived(port: number | undefined, lifeMs: number) {
  const p = port ?? (await freePort());
  const script = `require('node:net').createServer().listen(${p}, '127.0.0.1'); setTimeout(() => process.exit(3), ${lifeMs});`;
  return launchEmulator({
    name: 'flaky',
    command: process.execPath,
    args: ['-e', script],
    port: p,
    endpoint: `http://127.0.0.1:${p}`,
    probe: (signal) =>
      new Promise<void>((resolve, reject) => {
        const socket = connect(p, '127.0.0.1', () => {
          socket.end();
          resolve();
        });
        socket.once('error', reject);
        signal.addEventListener('abort', () => socket.destroy(new Error('aborted')));
      }),
  });
}

describe('supervise', () => {
  it('restarts an emulator that dies, on the same port, saying so each time; past maxRestarts it gives up with a message', async () => {
    const lines: string[] = [];
    const ports: number[] = [];
    let gaveUp!: (message: string) => void;
    const givenUp = new Promise<string>((resolve) => (gaveUp = resolve));
    const supervised = await supervise({
      name: 'flaky',
      start: async (port) => {
        const emulator = await shortLived(port, 400);
        ports.push(emulator.port);
        return emulator;
      },
      maxRestarts: 2,
      windowMs: 60_000,
      onGiveUp: gaveUp,
      log: (line) => lines.push(line),
    });
    const message = await givenUp;
    await supervised.stop();

    expect(message).toMatch(/^flaky died 3 times within 60 s \(last: exit code 3\); stopping local mode$/);
    expect(lines.filter((l) => /^flaky on port \d+ died \(exit code 3\); restarting it \(\d of 2 within 60 s\)$/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => l.startsWith('flaky is running again'))).toHaveLength(2);
    expect(new Set(ports).size).toBe(1);
    expect(ports).toHaveLength(3);
  });
});
