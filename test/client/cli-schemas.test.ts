import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Freshet } from '../../client/src/index.js';
import { runCli } from './cli-process.js';
import { type ServedStack, serveTestStack } from './http-server.js';

let served: ServedStack;

beforeAll(async () => {
  served = await serveTestStack();
});
afterAll(() => served?.close());

const freshet = (args: string[], input = '') => runCli({ url: served.url, key: served.key }, args, input);

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
