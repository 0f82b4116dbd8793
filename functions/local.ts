import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { loadConfig } from '../shared/config.js';
import { withAccessLog } from '../shared/http/access-log.js';
import { createApp } from '../shared/http/app.js';
import { makeAcknowledgementsDurable } from '../shared/local/durable-acks.js';
import { findJava, JavaMissingError } from '../shared/local/java.js';
import { loadOrCreateRootKey } from '../shared/local/root-key.js';
import { startLocalStorage } from '../shared/local/local-storage.js';
import { runMaintenance } from '../shared/maintenance/run-maintenance.js';
import { createRuntime } from '../shared/runtime/create-runtime.js';
import { storageFromConfig } from '../shared/runtime/options.js';
import { ensureBucket, ensureTable } from '../shared/storage/provision.js';
import { startDispatcherLoop } from '../shared/subscriptions/dispatcher-loop.js';
import { lineLogger } from './commons/line-logger.js';

/** `npm start`: DynamoDB Local + s3rver + the API on one machine, data under FRESHET_DATA_DIR. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  try {
    findJava();
  } catch (err) {
    if (err instanceof JavaMissingError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  // An emulator that keeps dying stops the whole stack (shutdown is assigned once serving).
  let shutdown = (reason: string, code: number): void => {
    console.error(reason);
    process.exit(code);
  };
  const emulators = await startLocalStorage(dataDir, (message) => shutdown(message, 1));
  const stopEmulators = () => emulators.stop();
  try {
    const storage = storageFromConfig(config, { dynamoEndpoint: emulators.dynamoEndpoint, s3Endpoint: emulators.s3Endpoint });
    const { clients } = storage;
    // An acknowledgement must survive a kill of the emulators (docs/local-mode.md).
    makeAcknowledgementsDurable(clients);
    await Promise.all([ensureTable(clients, config.table), ensureBucket(clients, config.bucket)]);
    const rootKey = config.rootKey ?? (await loadOrCreateRootKey(dataDir));
    const runtime = createRuntime({
      ...storage,
      rootKey,
      commitBudgetMs: config.commitBudgetMs,
      // One line per failed delivery, dead letter, replay step and maintenance action.
      logger: lineLogger(),
      // Local mode may push to receivers on this machine over http (FRESHET_WEBHOOK_ALLOW_LOOPBACK=false turns that off).
      subscriptions: { policy: { allowLoopback: config.webhookAllowLoopback ?? true } },
      maintenance: config.maintenance,
    });
    const { log, maintenance } = runtime;
    const app = createApp(runtime);
    // The maintenance pass the Lambda runs on a schedule, here on a timer (one at a time).
    let maintaining: Promise<unknown> = Promise.resolve();
    const maintenanceTimer = setInterval(() => {
      maintaining = maintaining.then(() => runMaintenance(maintenance)).catch((err: unknown) => console.error('maintenance failed:', err instanceof Error ? err.message : err));
    }, config.maintenance.intervalMs);
    // The same dispatcher as the Lambda: woken right after each commit, and every second for due retries.
    const dispatcher = startDispatcherLoop(runtime.subscriptions, { intervalMs: 1_000 });
    const stopWaking = log.notifier.onAnyAppend(() => dispatcher.wake());
    const fetch = config.logRequests ? withAccessLog(app.fetch, (line) => console.log(line)) : app.fetch;
    const server = serve({ fetch, port: config.port, hostname: '127.0.0.1' }, (info) => {
      const url = `http://localhost:${info.port}`;
      console.log(`Freshet is running at ${url}  (data in ${dataDir})`);
      console.log(`API key: ${rootKey}`);
      console.log(`Try:     curl -H "Authorization: Bearer ${rootKey}" ${url}/v1/topics`);
      console.log(`Console: ${url}/console  (sign in with the API key above)`);
      console.log(`Docs:    ${url}/docs`);
    });
    server.on('error', (err: NodeJS.ErrnoException) => {
      // A port in use is the one start-up failure a newcomer meets: one line, no stack.
      const why = err.code === 'EADDRINUSE' ? `port ${config.port} is already in use (another Freshet?); set PORT to a free one, e.g. PORT=8081 npm start` : `cannot listen on port ${config.port}: ${err.message}`;
      console.error(why);
      clearInterval(maintenanceTimer);
      stopWaking();
      void dispatcher.stop().then(stopEmulators).then(() => process.exit(1));
    });
    let stopping = false;
    shutdown = (reason: string, code: number) => {
      if (stopping) return;
      stopping = true;
      (code === 0 ? console.log : console.error)(`${reason}`);
      server.close();
      stopWaking();
      clearInterval(maintenanceTimer);
      void maintaining
        .then(() => dispatcher.stop())
        .then(stopEmulators)
        .then(() => process.exit(code));
    };
    process.on('SIGINT', () => shutdown('SIGINT: stopping', 0));
    process.on('SIGTERM', () => shutdown('SIGTERM: stopping', 0));
  } catch (err) {
    await stopEmulators();
    throw err;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
