import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { partitionOf } from '../../client/src/index.js';
import { createTestStack } from '../support/test-stack.js';

const root = new URL('../../', import.meta.url).pathname;

describe('@freshet/client package', () => {
  it('bundles its core for the browser: nothing imported from node:, only the repo partitioner, the node-free codec and the body framing shared', async () => {
    const result = await build({
      entryPoints: [join(root, 'client/src/index.ts')],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    // The producer encodes and the direct reads decode RecordBatches with the server's codec: its node-free halves, and pure-JS decompressors.
    expect(inputs.filter((i) => !i.startsWith('client/src/') && !i.startsWith('node_modules/')).sort()).toEqual([
      'shared/errors.ts',
      'shared/log/byte-reader.ts',
      'shared/log/byte-writer.ts',
      'shared/log/crc32c.ts',
      'shared/log/lz4-frame.ts',
      'shared/log/murmur2.ts',
      'shared/log/partitioner.ts',
      'shared/log/record-batch-decode.ts',
      'shared/log/record-batch-encode.ts',
      'shared/log/record-batches-body.ts',
    ]);
    expect(new Set(inputs.filter((i) => i.startsWith('node_modules/')).map((i) => i.split('/')[1]))).toEqual(new Set(['fzstd', 'lz4js']));
    expect(inputs.some((i) => i.startsWith('client/src/cli/') || i.startsWith('client/src/node/'))).toBe(false);
    expect(result.outputFiles[0]!.text).not.toMatch(/from\s*["']node:|require\(["']node:/);
  });

  it('checks in request and response types that match openapi.yaml (regenerate with npm run generate-types -w client)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'freshet-types-'));
    try {
      // The package's exports hide bin/; it sits beside dist/ where the main entry lives.
      const main = createRequire(join(root, 'client/package.json')).resolve('openapi-typescript');
      const bin = join(dirname(dirname(main)), 'bin/cli.js');
      execFileSync(process.execPath, [bin, join(root, 'openapi.yaml'), '-o', join(dir, 'openapi.ts')], { stdio: 'pipe' });
      const fresh = await readFile(join(dir, 'openapi.ts'), 'utf8');
      const checkedIn = await readFile(join(root, 'client/src/generated/openapi.ts'), 'utf8');
      expect(checkedIn === fresh, 'client/src/generated/openapi.ts is stale: run npm run generate-types -w client').toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('puts a key on the partition the server would choose (one partitioner for both)', async () => {
    const stack = await createTestStack();
    await stack.request('POST', '/v1/topics', { name: 'keys', partitions: 7 });
    const keys = Array.from({ length: 50 }, (_, i) => `customer-${i}-ü`);
    const res = await stack.request('POST', '/v1/topics/keys/records', { records: keys.map((key) => ({ key, value: 1 })) });
    const { offsets } = (await res.json()) as { offsets: { partition: number }[] };
    expect(offsets.map((o) => o.partition)).toEqual(keys.map((k) => partitionOf(new TextEncoder().encode(k), 7)));
  });
});
