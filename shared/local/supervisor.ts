import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningEmulator } from './emulator-process.js';

export interface SupervisorOptions {
  /** For messages: "DynamoDB Local", "s3rver". */
  name: string;
  /** Starts the emulator on `port` (the same every time: the SDK clients keep their endpoint). */
  start(port: number | undefined): Promise<RunningEmulator>;
  /** Restarts allowed within `windowMs` before giving up. */
  maxRestarts?: number;
  windowMs?: number;
  /** Called once, when the emulator keeps dying: the owner stops the whole stack. */
  onGiveUp(message: string): void;
  log?: (line: string) => void;
}

export interface SupervisedEmulator {
  endpoint: string;
  /** The emulator running now (it changes after a restart). */
  current(): RunningEmulator;
  stop(): Promise<void>;
}

const RESTART_PAUSE_MS = 200;

/**
 * Keeps a local emulator running: when it dies unasked, says so on stderr and starts it
 * again on the same port and data; after `maxRestarts` deaths or failed starts within
 * `windowMs` it gives up and lets the owner stop everything with a clear message, rather
 * than leave a stack that answers 503 forever.
 */
export async function supervise(options: SupervisorOptions): Promise<SupervisedEmulator> {
  const log = options.log ?? ((line: string) => console.error(line));
  const maxRestarts = options.maxRestarts ?? 5;
  const windowMs = options.windowMs ?? 60_000;
  let running = await options.start(undefined);
  const port = running.port;
  let stopping = false;
  const restarts: number[] = [];

  const watch = async (): Promise<void> => {
    for (;;) {
      const status = await running.exited;
      if (stopping) return;
      for (;;) {
        const now = performance.now();
        while (restarts.length > 0 && now - restarts[0]! > windowMs) restarts.shift();
        if (restarts.length >= maxRestarts) {
          options.onGiveUp(`${options.name} died ${restarts.length + 1} times within ${Math.round(windowMs / 1000)} s (last: ${status}); stopping local mode`);
          return;
        }
        restarts.push(now);
        log(`${options.name} on port ${port} died (${status}); restarting it (${restarts.length} of ${maxRestarts} within ${Math.round(windowMs / 1000)} s)`);
        await sleep(RESTART_PAUSE_MS);
        if (stopping) return;
        try {
          running = await options.start(port);
          log(`${options.name} is running again on port ${port}`);
          break;
        } catch (err) {
          log(`${options.name} failed to restart: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        }
      }
    }
  };
  void watch();

  return {
    endpoint: running.endpoint,
    current: () => running,
    stop: async () => {
      stopping = true;
      await running.stop();
    },
  };
}
