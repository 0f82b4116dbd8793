import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Freshet } from '../../client/src/index.js';
import { type ServedStack, serveTestStack } from './http-server.js';

/**
 * README's "First use: the client" examples, run verbatim: the JS files as `node <file>`
 * (importing the built package, as a user of this repo does after `npm ci`), the shell
 * block with bash. Only FRESHET_URL / FRESHET_KEY point at the test's server.
 */
const root = new URL('../../', import.meta.url).pathname;
const workDir = join(root, '.test-data', `readme-client-${process.pid}`);
let served: ServedStack;
let env: NodeJS.ProcessEnv;

async function section(): Promise<string> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## First use: the client');
  return readme.slice(start, readme.indexOf('\n## ', start + 1));
}

function run(file: string, args: string[]): ChildProcess {
  return spawn(file, args, { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function output(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  served = await serveTestStack();
  env = { ...process.env, FRESHET_URL: served.url, FRESHET_KEY: served.key };
  // What `npm ci` does through the root's prepare script: examples import the built package.
  execFileSync(process.execPath, [join(root, 'client/scripts/build.mjs')], { stdio: 'pipe' });
  await mkdir(workDir, { recursive: true });
  for (const [, name, code] of (await section()).matchAll(/```js\n\/\/ (\S+\.mjs)\n([\s\S]*?)```/g)) {
    await writeFile(join(workDir, name!), `// ${name}\n${code}`);
  }
});

afterAll(async () => {
  await served?.close();
  await rm(workDir, { recursive: true, force: true });
});

describe('README client examples', () => {
  it('runs the producer, then the consumer until SIGTERM makes it leave its group', async () => {
    const produced = await output(run(process.execPath, ['producer.mjs']));
    expect(produced.stderr).toBe('');
    expect(produced.code).toBe(0);
    expect(produced.stdout).toMatch(/topic: 'payments', partition: \d, offset: 0/);

    const consumer = run(process.execPath, ['consumer.mjs']);
    const done = output(consumer);
    let seen = '';
    consumer.stdout!.on('data', (d) => {
      seen += d;
    });
    const deadline = Date.now() + 30_000;
    while (seen.trimEnd().split('\n').length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    consumer.kill('SIGTERM');
    const { code, stdout } = await done;
    expect(stdout).toMatch(/customer-42 \{"amount":25\.5\}/);
    expect(stdout).toMatch(/customer-7 \{"amount":12\}/);
    expect(code).toBe(143);
    const group = await new Freshet({ url: served.url, apiKey: served.key }).admin().describeGroup('billing');
    expect(group.members).toEqual([]);
    expect(group.offsets.reduce((n, o) => n + (o.lag ?? 0), 0)).toBe(0);
  });

  it('runs the CLI block', async () => {
    const blocks = [...(await section()).matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const cli = blocks.find((b) => b.includes('npx freshet'))!;
    const result = await output(spawn('bash', ['--norc', '--noprofile', '-eo', 'pipefail', '-c', cli], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^TOPIC\s+PARTITIONS/m);
    expect(result.stdout).toMatch(/produced 1 record\(s\) to payments/);
    expect(result.stdout).toMatch(/"value":\{"customer":"c-9","amount":3\}/);
    expect(result.stdout).toMatch(/^group billing: generation \d+/m);
  }, 180_000); // four `npx freshet` processes, each starting tsx
});
