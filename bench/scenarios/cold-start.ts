import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { esbuildOptions } from '../../infra/bundling.js';
import { copyHostNatives } from '../../infra/native-modules.js';
import type { Metafile } from 'esbuild';
import { REPO_ROOT } from '../../infra/constructs/function.js';
import { createApp } from '../../shared/http/app.js';
import { startDynamoDbLocal } from '../../shared/local/dynamodb-local.js';
import type { RunningEmulator } from '../../shared/local/emulator-process.js';
import { startS3Server } from '../../shared/local/s3-server.js';
import { createRuntime } from '../../shared/runtime/create-runtime.js';
import { createStorageClients } from '../../shared/storage/clients.js';
import { ensureBucket, ensureTable } from '../../shared/storage/provision.js';
import type { BenchOptions } from '../options.js';
import type { ColdStartResult, FirstRequestResult } from '../results.js';
import { round, spread } from '../stats.js';

/** The functions Lambda starts, by the name of their entry in functions/. */
const FUNCTIONS = ['api', 'dispatcher', 'maintenance'] as const;

/**
 * One Lambda init, as far as the bundle decides it: a fresh `node` imports the module and
 * checks that `handler` is a function. `performance.now()` counts from the process's
 * start, so `readyMs` includes Node's own boot; `importMs` is the import alone (what the
 * bundle costs, the figure the goal is about). `cpuMs` is the CPU time of the import: on a
 * shared machine the wall clock also counts the time other processes had the cores.
 */
const INIT = `
const cpu = process.cpuUsage();
const before = performance.now();
const m = await import(process.argv[2]);
if (typeof m.handler !== 'function') throw new Error('no handler exported');
const ready = performance.now();
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ importMs: ready - before, readyMs: ready, cpuMs: (used.user + used.system) / 1000 }));
`;

/**
 * One cold request, as a Lambda instance serves it: a fresh `node` imports the api bundle
 * and hands its handler one API Gateway event, a produce of one record. `totalMs` and
 * `totalCpuMs` run from just before `import()` to the answer, so what init leaves to the
 * first request (route groups, the SDK's first connection) is counted. The result is the
 * last line of stdout (Powertools writes its metrics there too).
 */
const FIRST_REQUEST = `
const cpu = process.cpuUsage();
const before = performance.now();
const m = await import(process.argv[2]);
const imported = performance.now();
const importCpu = process.cpuUsage(cpu);
const context = { functionName: 'Freshet-ApiHandlerFunction', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:Freshet-ApiHandlerFunction', memoryLimitInMB: '1024', awsRequestId: 'c0ld-5tart', logGroupName: '/aws/lambda/Freshet', logStreamName: 'cold', callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 30000 };
const res = await m.handler(JSON.parse(process.env.COLD_START_EVENT), context);
const done = performance.now();
const used = process.cpuUsage(cpu);
if (res.statusCode !== 200) throw new Error('the first request answered ' + res.statusCode + ': ' + res.body);
process.stdout.write('\\n' + JSON.stringify({ importMs: imported - before, importCpuMs: (importCpu.user + importCpu.system) / 1000, totalMs: done - before, totalCpuMs: (used.user + used.system) / 1000 }) + '\\n');
process.exit(0);
`;

/**
 * The environment a deployed function has, minus what would reach AWS at init: the root
 * key is given directly (no Secrets Manager call), the table and bucket are names only
 * (nothing is called before the first request).
 */
const FUNCTION_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'Freshet-ApiHandlerFunction',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
  FRESHET_TABLE: 'freshet-cold-start',
  FRESHET_BUCKET: 'freshet-cold-start',
  FRESHET_ROOT_KEY: 'cold-start-root-key-0123456789',
  POWERTOOLS_LOG_LEVEL: 'WARN',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/**
 * Bundles every function as the stack does (infra/bundling.ts: the entry, and chunks for what it imports lazily) and imports
 * each bundle in `options.coldStarts` fresh processes, one at a time, interleaving the
 * functions so that a busy moment of the shared machine does not land on one of them.
 */
export async function runColdStartSection(options: BenchOptions, progress: (m: string) => void): Promise<ColdStartResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'freshet-cold-start-'));
  try {
    const init = join(dir, 'init.mjs');
    await writeFile(init, INIT);
    const bundles = new Map<string, { file: string; bytes: number; initBytes: number; mapBytes: number; importMs: number[]; readyMs: number[]; cpuMs: number[] }>();
    for (const name of FUNCTIONS) {
      const out = join(dir, name);
      const { metafile } = await build({ ...esbuildOptions(join(REPO_ROOT, `functions/${name}.ts`), out), metafile: true });
      // Lambda's bundle carries its native CRC-32C (infra/native-modules.ts); here, this machine's, so that its load is timed too.
      await copyHostNatives(out);
      const files = await readdir(out);
      const size = async (suffix: string) => (await Promise.all(files.filter((f) => f.endsWith(suffix)).map(async (f) => (await stat(join(out, f))).size))).reduce((a, b) => a + b, 0);
      bundles.set(name, { file: join(out, 'index.mjs'), bytes: await size('.mjs'), initBytes: initBytes(metafile), mapBytes: await size('.mjs.map'), importMs: [], readyMs: [], cpuMs: [] });
    }
    // One untimed start each: the first read of a new file is served from disk, later ones from the page cache, as on Lambda's warm worker hosts.
    for (const b of bundles.values()) await initOnce(init, b.file);
    for (let i = 0; i < options.coldStarts; i++) {
      for (const b of bundles.values()) {
        const t = await initOnce(init, b.file);
        b.importMs.push(t.importMs);
        b.readyMs.push(t.readyMs);
        b.cpuMs.push(t.cpuMs);
      }
    }
    const api = bundles.get('api')!;
    const [firstRequest] = (await measureFirstRequests(join(dir, 'first-request.mjs'), [{ file: api.file }], options.coldStarts)) as [FirstRequestTimings];
    progress(`cold start: api import + first produce ${round(spread(firstRequest.totalMs).median)} ms (CPU ${round(spread(firstRequest.totalCpuMs).median)} ms), ${options.coldStarts} starts`);
    progress(
      `cold start: ${[...bundles].map(([n, b]) => `${n} ${round(spread(b.importMs).median)} ms (CPU ${round(spread(b.cpuMs).median)} ms)`).join(', ')} (median import, ${options.coldStarts} starts each)`,
    );
    return [...bundles].map(([name, b]) => ({
      function: name,
      bundleBytes: b.bytes,
      initBytes: b.initBytes,
      sourceMapBytes: b.mapBytes,
      starts: b.importMs.length,
      importMs: roundSpread(b.importMs),
      importCpuMs: roundSpread(b.cpuMs),
      processStartToReadyMs: roundSpread(b.readyMs),
      ...(name === 'api'
        ? {
            firstRequest: {
              request: 'POST /v1/topics/{topic}/records, 1 record',
              starts: firstRequest.totalMs.length,
              importMs: roundSpread(firstRequest.importMs),
              importCpuMs: roundSpread(firstRequest.importCpuMs),
              totalMs: roundSpread(firstRequest.totalMs),
              totalCpuMs: roundSpread(firstRequest.totalCpuMs),
            } satisfies FirstRequestResult,
          }
        : {}),
    }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface FirstRequestTimings {
  importMs: number[];
  importCpuMs: number[];
  totalMs: number[];
  totalCpuMs: number[];
}

/**
 * `starts` fresh processes for each api bundle (interleaved, when comparing builds; `env` adds
 * to the function's environment) that each
 * import it and serve one produce, against DynamoDB Local and s3rver started for the purpose
 * (the table, bucket and topic are made first, so the request writes: one PUT and one
 * transaction, as on AWS).
 */
export async function measureFirstRequests(script: string, bundles: { file: string; env?: Record<string, string> }[], starts: number): Promise<FirstRequestTimings[]> {
  await writeFile(script, FIRST_REQUEST);
  const s3Directory = await mkdtemp(join(tmpdir(), 'freshet-cold-start-s3-'));
  const emulators: RunningEmulator[] = [];
  try {
    emulators.push(await startDynamoDbLocal({}), await startS3Server({ directory: s3Directory }));
    const [dynamo, s3] = emulators as [RunningEmulator, RunningEmulator];
    const clients = createStorageClients({ region: FUNCTION_ENV.AWS_REGION, dynamoEndpoint: dynamo.endpoint, s3Endpoint: s3.endpoint });
    try {
      const location = { clients, table: FUNCTION_ENV.FRESHET_TABLE, bucket: FUNCTION_ENV.FRESHET_BUCKET };
      await Promise.all([ensureTable(clients, location.table), ensureBucket(clients, location.bucket)]);
      const app = createApp(createRuntime({ ...location, rootKey: FUNCTION_ENV.FRESHET_ROOT_KEY }));
      const created = await app.request('/v1/topics', {
        method: 'POST',
        headers: { authorization: `Bearer ${FUNCTION_ENV.FRESHET_ROOT_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: COLD_TOPIC, partitions: 1 }),
      });
      if (created.status !== 201) throw new Error(`creating the cold-start topic answered ${created.status}: ${await created.text()}`);
    } finally {
      clients.dynamo.destroy();
      clients.s3.destroy();
    }
    const env = { ...FUNCTION_ENV, FRESHET_DYNAMODB_ENDPOINT: dynamo.endpoint, FRESHET_S3_ENDPOINT: s3.endpoint, COLD_START_EVENT: JSON.stringify(produceEvent()) };
    const timings = bundles.map((): FirstRequestTimings => ({ importMs: [], importCpuMs: [], totalMs: [], totalCpuMs: [] }));
    // One untimed start each, as for the imports (page cache; the topic's first batch).
    for (const bundle of bundles) await runNode(script, bundle.file, { ...env, ...bundle.env });
    for (let i = 0; i < starts; i++) {
      for (const [b, bundle] of bundles.entries()) {
        const out = await runNode(script, bundle.file, { ...env, ...bundle.env });
        const t = JSON.parse(out.trim().split('\n').at(-1)!) as Record<keyof FirstRequestTimings, number>;
        for (const k of Object.keys(t) as (keyof FirstRequestTimings)[]) timings[b]![k].push(t[k]);
      }
    }
    return timings;
  } finally {
    for (const e of emulators) await e.stop().catch(() => undefined);
    await rm(s3Directory, { recursive: true, force: true });
  }
}

const COLD_TOPIC = 'cold-start';

/** An API Gateway HTTP API (payload format 2.0) event: a produce of one small JSON record. */
function produceEvent() {
  const body = JSON.stringify({ records: [{ key: 'order-1', value: { orderId: 1, amount: 42.5, currency: 'EUR' } }] });
  const path = `/v1/topics/${COLD_TOPIC}/records`;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {
      authorization: `Bearer ${FUNCTION_ENV.FRESHET_ROOT_KEY}`,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      host: 'abc123.execute-api.us-east-1.amazonaws.com',
      'x-forwarded-proto': 'https',
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'freshet-bench' },
      requestId: 'cold-start-request',
      routeKey: '$default',
      stage: '$default',
      time: '01/Dec/2026:12:00:00 +0000',
      timeEpoch: 1_795_000_000_000,
    },
    body,
    isBase64Encoded: false,
  };
}

/** The bytes of the entry and of every chunk it reaches through static imports: what Node loads and compiles before the handler exists. */
function initBytes(metafile: Metafile): number {
  const outputs = metafile.outputs;
  const entry = Object.keys(outputs).find((f) => f.endsWith('/index.mjs'));
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !outputs[file]) return;
    seen.add(file);
    for (const i of outputs[file].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  if (entry) visit(entry);
  return [...seen].reduce((sum, f) => sum + outputs[f]!.bytes, 0);
}

const roundSpread = (values: number[]) => {
  const s = spread(values);
  return { min: round(s.min), median: round(s.median), max: round(s.max) };
};

interface InitTiming {
  importMs: number;
  readyMs: number;
  cpuMs: number;
}

async function initOnce(init: string, bundle: string): Promise<InitTiming> {
  return JSON.parse(await runNode(init, bundle, FUNCTION_ENV)) as InitTiming;
}

/** Runs `script` with the bundle's URL as its argument in a fresh `node`; its stdout. */
function runNode(script: string, bundle: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, pathToFileURL(bundle).href], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`importing ${bundle} exited with ${code}: ${err.trim()}`));
      resolve(out);
    });
  });
}
