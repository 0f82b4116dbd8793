import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { esbuildOptions } from '../../infra/bundling.js';
import type { Metafile } from 'esbuild';
import { REPO_ROOT } from '../../infra/constructs/function.js';
import type { BenchOptions } from '../options.js';
import type { ColdStartResult } from '../results.js';
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
  NODE_OPTIONS: '--enable-source-maps',
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
    }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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

function initOnce(init: string, bundle: string): Promise<InitTiming> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [init, pathToFileURL(bundle).href], { env: FUNCTION_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`importing ${bundle} exited with ${code}: ${err.trim()}`));
      resolve(JSON.parse(out) as InitTiming);
    });
  });
}
