import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../client/src/cli/config.js';
import { parsePosition, table, UsageError } from '../../client/src/cli/output.js';

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'freshet-profiles-'));
  file = join(dir, 'profiles.json');
  await writeFile(file, JSON.stringify({ profiles: { prod: { url: 'https://api.example.com', key: 'prod-key' } } }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('CLI configuration', () => {
  it('takes flags over a profile over FRESHET_URL / FRESHET_KEY over the local default', () => {
    const env = { FRESHET_CONFIG: file, FRESHET_URL: 'http://env:1', FRESHET_KEY: 'env-key' };
    expect(resolveConfig({}, {})).toEqual({ url: 'http://localhost:8080', apiKey: undefined });
    expect(resolveConfig({}, env)).toEqual({ url: 'http://env:1', apiKey: 'env-key' });
    expect(resolveConfig({ profile: 'prod' }, env)).toEqual({ url: 'https://api.example.com', apiKey: 'prod-key' });
    expect(resolveConfig({ profile: 'prod', key: 'flag-key' }, env)).toEqual({ url: 'https://api.example.com', apiKey: 'flag-key' });
  });

  it('refuses an unknown profile as a usage error', () => {
    expect(() => resolveConfig({ profile: 'staging' }, { FRESHET_CONFIG: file })).toThrow(UsageError);
  });

  it('parses --from positions', () => {
    expect(parsePosition('earliest', '--from')).toBe('earliest');
    expect(parsePosition('42', '--from')).toEqual({ offset: 42 });
    expect(parsePosition('2026-12-01T00:00:00Z', '--from')).toEqual({ timestamp: Date.parse('2026-12-01T00:00:00Z') });
    expect(() => parsePosition('yesterday', '--from')).toThrow(UsageError);
  });

  it('fits tables in 80 columns, cutting the widest cells', () => {
    const out = table(['TOPIC', 'PARTITION', 'OWNER'], [['orders', 0, 'm-'.padEnd(120, 'x')], ['payments', 11, null]]);
    for (const line of out.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(out).toContain('…');
    expect(out.split('\n')[2]).toMatch(/^payments\s+11\s+-$/);
  });
});
