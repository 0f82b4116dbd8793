import { readdir, rm, truncate } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../shared/local/emulator-process.js';
import { freePort } from '../../shared/local/free-port.js';
import { repairS3rverDirectory } from '../../shared/local/s3-repair.js';
import { startS3Server } from '../../shared/local/s3-server.js';
import { createStorageClients, type StorageClients } from '../../shared/storage/clients.js';
import { ensureBucket } from '../../shared/storage/provision.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'freshet-torn-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function s3rver(directory: string, port?: number): Promise<{ server: RunningEmulator; clients: StorageClients }> {
  const server = await startS3Server({ directory, ...(port ? { port } : {}) });
  cleanups.push(() => server.stop());
  // The S3 client only; no DynamoDB call is made here.
  const clients = createStorageClients({ region: 'us-east-1', s3Endpoint: server.endpoint, dynamoEndpoint: 'http://127.0.0.1:9' });
  cleanups.push(() => clients.s3.destroy());
  return { server, clients };
}

/** The metadata file s3rver keeps beside an object (`<key>._S3rver_metadata.json`). */
async function metadataFileOf(directory: string, bucket: string, dir: string): Promise<string> {
  const names = await readdir(join(directory, bucket, dir));
  const name = names.find((n) => n.endsWith('._S3rver_metadata.json'));
  if (!name) throw new Error(`no metadata file in ${names.join(', ')}`);
  return join(directory, bucket, dir, name);
}

describe('ensureBucket on a data dir left by a kill (issue 12, item 2)', () => {
  it('creates a missing bucket, and accepts one that exists or that a concurrent start created', async () => {
    const { clients } = await s3rver(await tempDir());
    await ensureBucket(clients, 'fresh');
    await Promise.all([ensureBucket(clients, 'fresh'), ensureBucket(clients, 'fresh')]);
    expect((await clients.s3.send(new HeadBucketCommand({ Bucket: 'fresh' }))).$metadata.httpStatusCode).toBe(200);
  });

  it('throws what HEAD answered when storage fails, instead of trying to create the bucket', async () => {
    // A port nobody listens on: a real refused connection, not a 404.
    const clients = createStorageClients({ region: 'us-east-1', s3Endpoint: `http://127.0.0.1:${await freePort()}`, dynamoEndpoint: 'http://127.0.0.1:9' });
    cleanups.push(() => clients.s3.destroy());
    await expect(ensureBucket(clients, 'freshet')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a zero-byte s3rver metadata file is set aside and replaced, and the object reads again', async () => {
    const directory = await tempDir();
    const setAside = join(await tempDir(), 'set-aside');
    const first = await s3rver(directory);
    await first.clients.s3.send(new CreateBucketCommand({ Bucket: 'freshet' }));
    await first.clients.s3.send(new PutObjectCommand({ Bucket: 'freshet', Key: 'batches/t/x', Body: new Uint8Array([1, 2, 3]) }));
    await first.server.stop();
    // What a kill between s3rver's truncate and write of the metadata leaves behind.
    await truncate(await metadataFileOf(directory, 'freshet', 'batches/t'));

    // Without the repair the object is unreadable (s3rver parses the empty file and answers 500).
    const torn = await s3rver(directory);
    await expect(torn.clients.s3.send(new GetObjectCommand({ Bucket: 'freshet', Key: 'batches/t/x' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 500 },
    });
    await torn.server.stop();

    const repairs = await repairS3rverDirectory(directory, setAside);
    expect(repairs).toHaveLength(1);
    expect(repairs[0]).toMatch(/torn s3rver metadata freshet\/batches\/t\/x\._S3rver_metadata\.json set aside/);
    expect(await readdir(join(setAside, 'freshet', 'batches', 't'))).toHaveLength(1);

    const repaired = await s3rver(directory);
    await ensureBucket(repaired.clients, 'freshet');
    const object = await repaired.clients.s3.send(new GetObjectCommand({ Bucket: 'freshet', Key: 'batches/t/x' }));
    expect([...(await object.Body!.transformToByteArray())]).toEqual([1, 2, 3]);
    // A second pass finds nothing more to do.
    expect(await repairS3rverDirectory(directory, setAside)).toEqual([]);
  });
});
