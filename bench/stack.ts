import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from '../shared/http/app.js';
import { startDynamoDbLocal } from '../shared/local/dynamodb-local.js';
import type { RunningEmulator } from '../shared/local/emulator-process.js';
import { freePort } from '../shared/local/free-port.js';
import { startS3Server } from '../shared/local/s3-server.js';
import type { LogContext } from '../shared/log/log-context.js';
import { createStorageClients, type StorageClients } from '../shared/storage/clients.js';
import { ensureBucket, ensureTable } from '../shared/storage/provision.js';
import { createRuntime } from '../shared/runtime/create-runtime.js';
import type { SubscriptionsContext } from '../shared/subscriptions/subscriptions-context.js';
import { type CapacityProbe, probeTransactionalCapacity } from './instrument/capacity-probe.js';
import { describeTableShape } from './instrument/transaction-capacity.js';
import { UsageMeter } from './instrument/usage-meter.js';
import type { ApiTarget } from './load/protocol.js';

export interface BenchStack {
  clients: StorageClients;
  table: string;
  bucket: string;
  log: LogContext;
  api: ApiTarget;
  meter: UsageMeter;
  /** The webhook dispatcher's context (same SSRF policy as the API: loopback receivers allowed, as in local mode). */
  subscriptions: SubscriptionsContext;
  /** What DynamoDB Local reports for transactions next to the model the cost uses. */
  capacityProbe: CapacityProbe[];
  /** The emulators' process ids, to charge them their CPU (bench/instrument/process-cpu.ts). */
  emulatorPids: { dynamodbLocal: number | undefined; s3rver: number | undefined };
  stop(): Promise<void>;
}

const TABLE = 'freshet-bench';
const BUCKET = 'freshet-bench';
const ROOT_KEY = 'bench-root-key-0123456789abcdef';

/**
 * The local stack, as `npm start` builds it: DynamoDB Local in memory, s3rver on a fresh
 * temporary directory, the Hono app served over real HTTP on loopback. Every storage call
 * goes through metered clients. `stop()` undoes all of it, and is safe after a partial start.
 */
export async function startBenchStack(): Promise<BenchStack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    const s3Directory = await mkdtemp(join(tmpdir(), 'freshet-bench-s3-'));
    cleanups.push(() => rm(s3Directory, { recursive: true, force: true }));
    const started = await Promise.allSettled([startDynamoDbLocal({}), startS3Server({ directory: s3Directory })]);
    for (const s of started) if (s.status === 'fulfilled') cleanups.push(() => s.value.stop());
    const [dynamo, s3] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined)) as [RunningEmulator | undefined, RunningEmulator | undefined];
    if (!dynamo || !s3) {
      const reasons = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
      throw new Error(`could not start the emulators:\n${reasons.join('\n')}`);
    }

    const clients = createStorageClients({ region: 'us-east-1', dynamoEndpoint: dynamo.endpoint, s3Endpoint: s3.endpoint });
    cleanups.push(async () => {
      clients.dynamo.destroy();
      clients.s3.destroy();
    });
    await Promise.all([ensureTable(clients, TABLE), ensureBucket(clients, BUCKET)]);
    const meter = new UsageMeter();
    meter.attach(clients, new Map([[TABLE, await describeTableShape(clients, TABLE)]]));
    const capacityProbe = await probeTransactionalCapacity(clients, TABLE, meter);

    // Compaction takes batch objects older than compactAfterMs (10 min by default); the bench
    // cannot wait, so every batch is old enough when it asks for a maintenance pass.
    // Webhook receivers are on loopback (the bench's load driver), which local mode allows.
    const subscriptionOptions = { policy: { allowLoopback: true } };
    const runtime = createRuntime({ clients, table: TABLE, bucket: BUCKET, rootKey: ROOT_KEY, maintenance: { compactAfterMs: 0 }, subscriptions: subscriptionOptions });
    const { log, subscriptions } = runtime;
    const app = createApp(runtime);
    const port = await freePort();
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: meter.timeRequests(app.fetch), port, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    return { clients, table: TABLE, bucket: BUCKET, log, api: { baseUrl: `http://127.0.0.1:${port}`, apiKey: ROOT_KEY }, meter, subscriptions, capacityProbe, emulatorPids: { dynamodbLocal: dynamo.pid, s3rver: s3.pid }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
