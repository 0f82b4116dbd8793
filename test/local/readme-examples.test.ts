import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../shared/local/free-port.js';

/**
 * What a new user does: `npm start`, then the README's curl examples as printed. The only
 * change made to them is the port in FRESHET_URL, so the test can't collide with a
 * Freshet already running on 8080.
 */
const root = new URL('../../', import.meta.url).pathname;
let workDir: string;
let dataDir: string;
let port: number;
let local: ChildProcess | undefined;

async function startLocal(): Promise<{ key: string; process: ChildProcess }> {
  // What `npm start` runs (node itself, so Ctrl-C reaches our handler with no relay in between).
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/local.ts'], {
    cwd: root,
    env: { ...withoutRootKey(process.env), PORT: String(port), FRESHET_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const key = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /API key: (\S+)/.exec(output);
      if (match && output.includes('Freshet is running')) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  return { key, process: child };
}

async function stopLocal(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

function withoutRootKey(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FRESHET_ROOT_KEY: _ignored, ...rest } = env;
  return rest;
}

function runBash(script: string): string {
  try {
    return execFileSync('bash', ['--norc', '--noprofile', '-eo', 'pipefail', '-c', script], {
      cwd: workDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BASH_ENV: '' },
    });
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    throw new Error(`exit ${e.status} from:\n${script}\nstdout: ${e.stdout}\nstderr: ${e.stderr}`);
  }
}

/** The README's bash blocks from "Using the API" on, in order. */
async function readmeBlocks(): Promise<string[]> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the API'));
  return [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'freshet-readme-'));
  dataDir = join(workDir, '.freshet');
  port = await freePort();
  local = (await startLocal()).process;
});

afterAll(async () => {
  if (local && local.exitCode === null) await stopLocal(local);
  await rm(workDir, { recursive: true, force: true });
});

describe('README on a fresh start', () => {
  it('runs every curl example as printed, each answering as the README says', async () => {
    const blocks = await readmeBlocks();
    expect(blocks.length).toBeGreaterThan(10);
    const [exports, ...examples] = blocks;
    expect(exports).toContain('export FRESHET_KEY');
    const setup = exports!.replace('http://localhost:8080', `http://localhost:${port}`);
    // Blocks build on each other's shell variables (MEMBER, SUB, …), as in one terminal.
    const names = [...new Set(examples.flatMap((b) => [...b.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]!)))];
    const state = join(workDir, 'shell-state');
    for (const block of examples) {
      const carry = names.length > 0 ? `\ndeclare -p ${names.join(' ')} 2>/dev/null > ${state} || true` : '';
      const output = runBash(`${setup}\n[ -f ${state} ] && source ${state}\n${block}${carry}`);
      const codes = [...output.matchAll(/"code":"([A-Z_]+)"/g)].map((m) => m[1]!);
      // An error answer is fine only where the README says it is expected.
      for (const code of codes) expect(block, `unexpected ${code} from:\n${block}\n${output}`).toContain(code);
      expect(output, block).not.toMatch(/"status":5\d\d/);
      if (block.includes('/topics/orders/records')) expect(output).toMatch(/"offsets":\[/);
      if (block.includes('?offset=999')) expect(codes).toEqual(['OFFSET_OUT_OF_RANGE']);
    }
  });

  it('keeps data and the key across a restart, and Ctrl-C leaves no process behind', async () => {
    const key = (await readFile(join(dataDir, 'root-key'), 'utf8')).trim();
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
      });
    expect((await api('/v1/topics', { method: 'POST', body: JSON.stringify({ name: 'kept', partitions: 1 }) })).status).toBe(201);
    expect((await api('/v1/topics/kept/records', { method: 'POST', body: JSON.stringify({ records: [{ value: 'still here' }] }) })).status).toBe(200);

    expect(await stopLocal(local!)).toBe(0);
    // Both emulators carry the data dir in their command line.
    expect(() => execFileSync('pgrep', ['-f', dataDir])).toThrow();

    const restarted = await startLocal();
    local = restarted.process;
    expect(restarted.key).toBe(key);
    const body = (await (await api('/v1/topics/kept/partitions/0/records')).json()) as { records: { value: unknown }[] };
    expect(body.records.map((r) => r.value)).toEqual(['still here']);
  });
});
