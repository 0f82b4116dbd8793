/**
 * Where does a direct read spend its time? `npx tsx bench/profile-direct-read.ts [passes] [--profile]`
 * starts the bench's stack, writes the direct-read scenario's 100,000 × 1 KiB records, then
 * alternates passes of the client (`readPartition({ direct: true })`, string encoding) and
 * of raw ranged GETs of the same bytes (8 in flight), printing each pass's wall time, the
 * bench process's CPU time (user + system) and garbage collection, and the CPU time of its
 * child processes (DynamoDB Local, s3rver; read from /proc, so on Linux). With `--profile` the client passes run under
 * V8's sampling profiler and the profile is written to the temp directory (open it in Chrome
 * DevTools or speedscope). Not part of `npm run bench`.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { DIRECT_DEFAULT_LIMIT, DIRECT_DEFAULT_MAX_BYTES } from '../client/src/direct-read.js';
import { Freshet } from '../client/src/index.js';
import { mapWithConcurrency } from '../shared/concurrency.js';
import { produce } from '../shared/log/produce.js';
import { createTopic } from '../shared/topics/topic-service.js';
import { MiB } from './stats.js';
import { startBenchStack } from './stack.js';
import { workloadRecords } from './workload.js';

const passes = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5);
const profiling = process.argv.includes('--profile');
const TOPIC = 'profile-direct-read';
const RECORDS = 100_000;
const VALUE_BYTES = 1024;
const PER_REQUEST = 1000;
/** The client's default pages, as the bench's direct-read scenario reads. */
const LIMIT = DIRECT_DEFAULT_LIMIT;
const MAX_BYTES = DIRECT_DEFAULT_MAX_BYTES;

const stack = await startBenchStack();
try {
  await createTopic(stack.log, { name: TOPIC, partitions: 1 });
  await mapWithConcurrency(
    Array.from({ length: RECORDS / PER_REQUEST }, (_, i) => i),
    4,
    async (i) => {
      const records = workloadRecords({ records: PER_REQUEST, partitions: 1, valueBytes: VALUE_BYTES }, i).map((r) => ({ key: null, value: Buffer.from(r.value), headers: [], partition: 0 }));
      await produce(stack.log, { topic: TOPIC, records });
    },
  );
  const freshet = new Freshet({ url: stack.api.baseUrl, apiKey: stack.api.apiKey });
  const ranges: { url: string; headers: { range: string }; byteLength: number }[] = [];
  for (let offset = 0; offset < RECORDS; ) {
    const res = await fetch(`${stack.api.baseUrl}/v1/topics/${TOPIC}/partitions/0/records?direct=true&offset=${offset}&limit=${LIMIT}&maxBytes=${MAX_BYTES}`, {
      headers: { authorization: `Bearer ${stack.api.apiKey}` },
    });
    const answer = (await res.json()) as { ranges: typeof ranges; nextOffset: number };
    ranges.push(...answer.ranges);
    offset = answer.nextOffset;
  }
  const bytes = ranges.reduce((n, r) => n + r.byteLength, 0);

  let gcMs = 0;
  let gcs = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcs++;
    }
  }).observe({ entryTypes: ['gc'] });
  const children = childProcesses();
  const measure = async (what: string, pass: () => Promise<void>) => {
    await new Promise((resolve) => setTimeout(resolve, 50)); // GC entries of the previous pass are delivered
    gcMs = 0;
    gcs = 0;
    const childCpu = children.map((c) => cpuMs(c.pid));
    const cpu = process.cpuUsage();
    const start = performance.now();
    await pass();
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    const perHundredMiB = (ms: number) => ((ms * 100 * MiB) / bytes).toFixed(0);
    console.log(`${what.padEnd(7)} ${(bytes / MiB / (wall / 1000)).toFixed(0).padStart(5)} MiB/s, CPU ${perHundredMiB((used.user + used.system) / 1000)} ms per 100 MiB (user ${perHundredMiB(used.user / 1000)}), GC ${perHundredMiB(gcMs)} ms in ${gcs} pauses; ${children.map((c, i) => `${c.name} ${perHundredMiB(cpuMs(c.pid) - childCpu[i]!)}`).join(', ')}`);
  };
  const client = async () => {
    let count = 0;
    let valueBytes = 0;
    for await (const m of freshet.readPartition({ topic: TOPIC, partition: 0, direct: true, follow: false, encoding: 'string' })) {
      count++;
      valueBytes += (m.value as string).length;
    }
    if (count !== RECORDS || valueBytes !== RECORDS * VALUE_BYTES) throw new Error(`direct read returned ${count} records, ${valueBytes} value bytes`);
  };
  const floor = async () => {
    const got = await mapWithConcurrency(ranges, 8, async (r) => (await (await fetch(r.url, { headers: r.headers })).arrayBuffer()).byteLength);
    if (got.reduce((a, b) => a + b, 0) !== bytes) throw new Error('floor GETs returned other bytes');
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

/** This process's children (DynamoDB Local, s3rver) by pid and a short name, from /proc (none elsewhere). */
function childProcesses(): { pid: string; name: string }[] {
  try {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d) && procStat(d)?.[1] === String(process.pid))
      .map((pid) => {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return { pid, name: /DynamoDBLocal/.test(command) ? 'DynamoDB Local' : /s3/i.test(command) ? 's3rver' : '' };
      })
      .filter((c) => c.name !== '');
  } catch {
    return [];
  }
}

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, …]. */
function procStat(pid: string): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
  } catch {
    return undefined;
  }
}

/** User + system CPU of a process in ms (clock ticks of 10 ms). */
function cpuMs(pid: string): number {
  const f = procStat(pid);
  return f ? (Number(f[11]) + Number(f[12])) * 10 : 0;
}
