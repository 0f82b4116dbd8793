import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Freshet } from '../../client/src/index.js';
import { type ServedStack, serveTestStack } from './http-server.js';

const bin = new URL('../../client/bin/freshet.js', import.meta.url).pathname;
let served: ServedStack;

beforeAll(async () => {
  served = await serveTestStack();
});
afterAll(() => served?.close());

function freshet(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, FRESHET_URL: served.url, FRESHET_KEY: served.key, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('freshet topics schema', { timeout: 120_000 }, () => {
  it('sets, gets and lists schema versions, and shows why an incompatible one is refused', async () => {
    const admin = new Freshet({ url: served.url, apiKey: served.key }).admin();
    await admin.createTopic({ name: 'cli-schema', partitions: 1 });
    const v1 = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };
    const set = await freshet(['topics', 'schema', 'set', 'cli-schema', '-', '--compatibility', 'full'], JSON.stringify(v1));
    expect(set.stderr).toBe('');
    expect(set.stdout).toBe('topic cli-schema schema version 1 (full)\n');
    const got = await freshet(['topics', 'schema', 'get', 'cli-schema', '--output', 'json']);
    expect(JSON.parse(got.stdout)).toMatchObject({ version: 1, compatibility: 'full', schema: v1 });
    const refused = await freshet(['topics', 'schema', 'set', 'cli-schema', '-'], JSON.stringify({ ...v1, required: ['id', 'name'] }));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('INCOMPATIBLE_SCHEMA');
    expect(refused.stderr).toContain("requires property 'name'");
    const versions = await freshet(['topics', 'schema', 'versions', 'cli-schema']);
    expect(versions.stdout).toMatch(/VERSION\s+COMPATIBILITY\s+CREATED\n1\s+full\s+/);
  });
});
