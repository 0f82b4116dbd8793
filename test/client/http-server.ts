import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { freePort } from '../../shared/local/free-port.js';
import { createTestStack, ROOT_KEY, type TestStack } from '../support/test-stack.js';

/**
 * The real app on the emulator-backed test stack, served over HTTP on a free loopback
 * port, as the client meets it in production. `stop()` / `start()` take the server down
 * and bring it back on the same port (an outage); requests are counted by route.
 */
export interface ServedStack {
  stack: TestStack;
  url: string;
  port: number;
  key: string;
  /** Produce requests (POST …/records) that reached the app, by topic. */
  produceRequests(topic: string): number;
  /** The largest request + answer body of a produce request to the topic, in bytes (what API Gateway meters). */
  largestProduceExchange(topic: string): number;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function serveTestStack(options: Parameters<typeof createTestStack>[0] = {}): Promise<ServedStack> {
  const stack = await createTestStack(options);
  const port = await freePort();
  const produced = new Map<string, number>();
  const largest = new Map<string, number>();
  // `env` is @hono/node-server's (the Node request and response): the app reads binary bodies from it.
  const fetch = async (req: Request, env: unknown) => {
    const m = /^\/v1\/topics\/([^/]+)\/records$/.exec(new URL(req.url).pathname);
    if (!m || req.method !== 'POST') return stack.app.fetch(req, env);
    const topic = m[1]!;
    produced.set(topic, (produced.get(topic) ?? 0) + 1);
    const requestBytes = Number(req.headers.get('content-length') ?? 0);
    const res = await stack.app.fetch(req, env);
    const responseBytes = (await res.clone().arrayBuffer()).byteLength;
    largest.set(topic, Math.max(largest.get(topic) ?? 0, requestBytes + responseBytes));
    return res;
  };
  let server: ServerType | undefined;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      const s = serve({ fetch, port, hostname: '127.0.0.1' }, () => resolve());
      s.once('error', reject);
      server = s;
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      if (!s) return resolve();
      s.close(() => resolve());
      // Cut keep-alive and in-flight connections too: clients see a dead server, as in a crash.
      (s as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    });
  await start();
  const address = server!.address() as AddressInfo;
  return {
    stack,
    url: `http://127.0.0.1:${address.port}`,
    port,
    key: ROOT_KEY,
    produceRequests: (topic) => produced.get(topic) ?? 0,
    largestProduceExchange: (topic) => largest.get(topic) ?? 0,
    stop,
    start,
    close: stop,
  };
}
