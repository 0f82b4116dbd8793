import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { startDispatcherLoop } from '../../shared/subscriptions/dispatcher-loop.js';
import { createTestStack, ROOT_KEY, type TestStack } from '../support/test-stack.js';

export interface ConsoleStack {
  stack: TestStack;
  /** The API (and the console at /console, the docs at /docs) over HTTP on a free port. */
  url: string;
  /** A webhook receiver that always answers 500 with a body that is hostile HTML. */
  failingReceiverUrl: string;
  /** A request to the API, authenticated with the root key; the body is parsed as JSON. */
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export const RECEIVER_ERROR = '<b>receiver down</b>';

/** What `npm start` runs, on the test emulators: the app over HTTP and the dispatcher loop. */
export async function startConsoleStack(): Promise<ConsoleStack> {
  const stack = await createTestStack({ subscriptions: { policy: { allowLoopback: true } } });
  const dispatcher = startDispatcherLoop(stack.subscriptions, { intervalMs: 100 });
  const stopWaking = stack.log.notifier.onAnyAppend(() => dispatcher.wake());
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: stack.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  const receiver = createServer((_req, res) => {
    _req.resume();
    res.writeHead(500, { 'content-type': 'text/html' }).end(RECEIVER_ERROR);
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (a: Server) => (a.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port(server)}`;
  return {
    stack,
    url,
    failingReceiverUrl: `http://127.0.0.1:${port(receiver)}/hook`,
    async call<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${ROOT_KEY}`, 'content-type': 'application/json' },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (res.status === 204 ? undefined : await res.json()) as T;
    },
    async stop() {
      stopWaking();
      await dispatcher.stop();
      await Promise.all([new Promise((r) => server.close(r)), new Promise((r) => receiver.close(r))]);
    },
  };
}
