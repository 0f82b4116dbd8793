/**
 * Where does a produce spend its time? `npx tsx bench/profile-produce.ts [records] [partitions] [record-batches|json]`
 * starts the bench's stack, drives one client producing requests of `records` × 1 KiB (as
 * the client's RecordBatches unless `json` is given) for
 * a few seconds, and writes a V8 CPU profile of the server process to the temp directory
 * (open it in Chrome DevTools or speedscope). Not part of `npm run bench`.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTopic } from '../shared/topics/topic-service.js';
import { LoadDriver } from './load/load-driver.js';
import { startBenchStack } from './stack.js';

const records = Number(process.argv[2] ?? 1000);
const partitions = Number(process.argv[3] ?? 1);
const wire = process.argv[4] === 'json' ? 'json' : 'record-batches';
const WARMUP_MS = 3_000;
const PROFILE_MS = 8_000;

const stack = await startBenchStack();
const driver = LoadDriver.start();
try {
  await createTopic(stack.log, { name: 'profile', partitions });
  const command = { kind: 'produce', target: stack.api, topic: 'profile', shape: { records, partitions, valueBytes: 1024, wire }, clients: 1 } as const;
  await driver.run({ ...command, durationMs: WARMUP_MS });
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  stack.meter.reset();
  const outcome = await driver.run({ ...command, durationMs: PROFILE_MS });
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  const file = join(tmpdir(), `freshet-produce-${records}x${partitions}-${Date.now()}.cpuprofile`);
  await writeFile(file, JSON.stringify(profile));
  const { server, calls } = stack.meter.snapshot();
  console.log(`${outcome.operations} requests; server time ${(server.totalMs / server.requests).toFixed(1)} ms per request; calls ${JSON.stringify(calls)}`);
  console.log(`CPU profile: ${file}`);
} finally {
  await driver.stop();
  await stack.stop();
}
