import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../shared/local/free-port.js';

/** `npm start` as a user runs it (node itself, as readme-examples.test.ts does), with `env` on top. */
const root = new URL('../../', import.meta.url).pathname;
let workDir: string;
const started: ChildProcess[] = [];

function startLocal(env: Record<string, string>) {
  const { FRESHET_ROOT_KEY: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/local.ts'], { cwd: root, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (c: Buffer) => (out.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out.stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  /** Resolves once stdout matches `pattern`; fails if the process exits first or it takes a minute. */
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = pattern.exec(out.stdout);
        if (m) {
          clearInterval(timer);
          resolve(m);
        } else if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`exited ${child.exitCode} before ${pattern}:\n${out.stdout}\n${out.stderr}`));
        }
      }, 50);
      setTimeout(() => {
        clearInterval(timer);
        reject(new Error(`no ${pattern} within a minute:\n${out.stdout}\n${out.stderr}`));
      }, 60_000).unref();
    });
  return { child, out, exited, waitFor };
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'freshet-local-lines-'));
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGINT');
  await Promise.all(started.map((c) => (c.exitCode === null ? new Promise((r) => c.on('exit', r)) : undefined)));
  await rm(workDir, { recursive: true, force: true });
});

describe('npm start on a busy port', () => {
  it('exits 1 with one line naming the port and PORT, no stack, and leaves no emulator running', async () => {
    const port = await freePort();
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const dataDir = join(workDir, 'busy');
      const local = startLocal({ PORT: String(port), FRESHET_DATA_DIR: dataDir });
      expect(await local.exited).toBe(1);
      const errors = local.out.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(errors).toEqual([`port ${port} is already in use (another Freshet?); set PORT to a free one, e.g. PORT=8081 npm start`]);
      expect(local.out.stdout).not.toContain('Freshet is running');
      // Both emulators carry the data dir in their command line.
      expect(() => execFileSync('pgrep', ['-f', dataDir])).toThrow();
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});

describe('npm start prints what happens', () => {
  it('prints an access line per request with FRESHET_LOG_REQUESTS, and a line when a record is dead-lettered', async () => {
    const receiver = createServer((_req, res) => res.writeHead(500).end('down'));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
    try {
      const port = await freePort();
      const local = startLocal({ PORT: String(port), FRESHET_DATA_DIR: join(workDir, 'lines'), FRESHET_LOG_REQUESTS: '1' });
      const key = (await local.waitFor(/API key: (\S+)/))[1]!;
      await local.waitFor(/Freshet is running/);
      const api = (method: string, path: string, body?: unknown) =>
        fetch(`http://127.0.0.1:${port}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      expect((await api('POST', '/v1/topics', { name: 'printed', partitions: 1 })).status).toBe(201);
      await local.waitFor(/^POST \/v1\/topics 201 \d+ms$/m);

      const sub = await api('POST', '/v1/subscriptions', { name: 'down', topic: 'printed', url: receiverUrl, startAt: 'earliest', maxAttempts: 1 });
      expect(sub.status).toBe(201);
      expect((await api('POST', '/v1/topics/printed/records', { records: [{ value: 'never delivered' }] })).status).toBe(200);
      const [line] = await local.waitFor(/^.* WARN records dead-lettered after their last attempt .*$/m);
      expect(line).toMatch(/topic=printed {2}partition=0 {2}offsets=0\.\.0 {2}status=500 .*deadLetterTopic=printed\.dlq/);
      expect(line).not.toContain('never delivered');
      for (const l of local.out.stdout.split('\n').filter((l) => /^(GET|POST|PATCH|DELETE) /.test(l))) expect(l).not.toContain(key);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
