import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { S3RVER_CLIENT_SETTINGS } from '../storage/clients.js';
import { EmulatorStartError, launchEmulator, type RunningEmulator } from './emulator-process.js';
import { freePort, isPortFree } from './free-port.js';

export interface S3ServerOptions {
  /** Defaults to a free port. */
  port?: number;
  /** Buckets and objects live here (created if missing) and survive a restart. */
  directory: string;
}

/**
 * Starts s3rver on loopback as a child process and resolves once it answers ListBuckets.
 *
 * A child rather than in-process because s3rver needs Node's --openssl-legacy-provider
 * (without it, paginated ListObjectsV2 answers 500), and that flag has no business on the
 * process serving our API.
 */
export async function startS3Server(options: S3ServerOptions): Promise<RunningEmulator> {
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  if (!(await isPortFree(port))) {
    throw new EmulatorStartError(`cannot start s3rver: port ${port} is already in use (an earlier emulator still running?)`);
  }
  const directory = resolve(options.directory);
  await mkdir(directory, { recursive: true });

  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    ...S3RVER_CLIENT_SETTINGS,
    maxAttempts: 1,
  });
  try {
    return await launchEmulator({
      name: 's3rver',
      command: process.execPath,
      args: ['--openssl-legacy-provider', s3rverBin(), '--directory', directory, '--port', String(port), '--address', '127.0.0.1', '--silent'],
      port,
      endpoint,
      probe: async (abortSignal) => {
        await client.send(new ListBucketsCommand({}), { abortSignal });
      },
    });
  } finally {
    client.destroy();
  }
}

/** s3rver's CLI script, found through the "bin" field of its package.json. */
function s3rverBin(): string {
  const packageJson = createRequire(import.meta.url).resolve('s3rver/package.json');
  const { bin } = JSON.parse(readFileSync(packageJson, 'utf8')) as { bin?: string | Record<string, string> };
  const script = typeof bin === 'string' ? bin : bin?.['s3rver'];
  if (script === undefined) throw new EmulatorStartError(`s3rver's package.json (${packageJson}) names no "s3rver" bin`);
  return join(dirname(packageJson), script);
}
