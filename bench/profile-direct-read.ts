/**
 * Where does a direct read spend its time? `npx tsx bench/profile-direct-read.ts [passes] [--profile]`
 * starts the bench's stack, writes the direct-read scenario's 100,000 × 1 KiB records, then
 * alternates passes of the client (`readPartition({ direct: true })`, string encoding) and
 * of raw ranged GETs of the same bytes (8 in flight), printing each pass's wall time, the
 * bench process's CPU time (user + system) and garbage collection, and the CPU time of its
 * emulators (DynamoDB Local, s3rver; read from /proc, so on Linux). The passes are the bench's
 * own (bench/load/direct-read.ts), run here in the process that serves the API. With `--profile` the client passes run under
 * V8's sampling profiler and the profile is written to the temp directory (open it in Chrome
 * DevTools or speedscope). Not part of `npm run bench`.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { ProcessCpuMeter } from './instrument/process-cpu.js';
import { runDirectReadPass } from './load/direct-read.js';
import { collectRanges, fillPartition, RECORDS, VALUE_BYTES } from './scenarios/direct-read.js';
import { MiB } from './stats.js';
import { startBenchStack } from './stack.js';

const passes = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);
const profiling = process.argv.includes('--profile');
const TOPIC = 'profile-direct-read';

const stack = await startBenchStack();
try {
  await fillPartition(stack.log, TOPIC);
  const ranges = await collectRanges(stack.api, TOPIC);
  const bytes = ranges.reduce((n, r) => n + r.byteLength, 0);
  // The bench's own passes (bench/load/direct-read.ts), here in this process with the API, so one profile holds both.
  const command = { kind: 'direct-read', target: stack.api, topic: TOPIC, partition: 0, records: RECORDS, valueBytes: VALUE_BYTES, ranges, concurrency: 8 } as const;
  const client = async () => void (await runDirectReadPass({ ...command, pass: 'client' }));
  const floor = async () => void (await runDirectReadPass({ ...command, pass: 'floor' }));

  let gcMs = 0;
  let gcs = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcs++;
    }
  }).observe({ entryTypes: ['gc'] });
  const emulators = new ProcessCpuMeter([
    { name: 'DynamoDB Local', pid: stack.emulatorPids.dynamodbLocal },
    { name: 's3rver', pid: stack.emulatorPids.s3rver },
  ]);
  const measure = async (what: string, pass: () => Promise<void>) => {
    await new Promise((resolve) => setTimeout(resolve, 50)); // GC entries of the previous pass are delivered
    gcMs = 0;
    gcs = 0;
    const before = emulators.snapshot();
    const cpu = process.cpuUsage();
    const start = performance.now();
    await pass();
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const perHundredMiB = (ms: number) => ((ms * 100 * MiB) / bytes).toFixed(0);
    console.log(`${what.padEnd(7)} ${(bytes / MiB / (wall / 1000)).toFixed(0).padStart(5)} MiB/s, CPU ${perHundredMiB((used.user + used.system) / 1000)} ms per 100 MiB (user ${perHundredMiB(used.user / 1000)}), GC ${perHundredMiB(gcMs)} ms in ${gcs} pauses; ${Object.entries(ProcessCpuMeter.perOperation(before, emulators.snapshot(), 1))
      .filter(([name]) => name !== 'server')
      .map(([name, ms]) => `${name} ${perHundredMiB(ms)}`)
      .join(', ')}`);
  };
  await client(); // warm-up: JIT, connections
  await floor();
  const session = new Session();
  if (profiling) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
  }
  for (let i = 0; i < passes; i++) {
    await measure('floor', floor);
    // Started inside the timed pass, after measure()'s pause, so that the profile holds the pass alone.
    await measure('client', async () => {
      if (profiling) await session.post('Profiler.start');
      await client();
    });
    if (profiling) {
      const { profile } = await session.post('Profiler.stop');
      const file = join(tmpdir(), `freshet-direct-read-${Date.now()}.cpuprofile`);
      await writeFile(file, JSON.stringify(profile));
      console.log(`CPU profile: ${file}`);
    }
  }
  if (profiling) session.disconnect();
} finally {
  await stack.stop();
}
