import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { startDynamoDbLocal } from '../../shared/local/dynamodb-local.js';
import { EmulatorStartError, launchEmulator, type RunningEmulator } from '../../shared/local/emulator-process.js';
import { S3RVER_CLIENT_SETTINGS } from '../../shared/storage/clients.js';
import { freePort } from '../../shared/local/free-port.js';
import { findJava, JavaMissingError } from '../../shared/local/java.js';
import { startS3Server } from '../../shared/local/s3-server.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

// Everything a test starts is stopped, destroyed or deleted even when the test fails half-way.
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dynamoClient(endpoint: string): DynamoDBClient {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  cleanups.push(() => client.destroy());
  return client;
}

function s3Client(endpoint: string): S3Client {
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    ...S3RVER_CLIENT_SETTINGS,
  });
  cleanups.push(() => client.destroy());
  return client;
}

function track(emulator: RunningEmulator): RunningEmulator {
  cleanups.push(() => emulator.stop());
  return emulator;
}

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** True while some process still holds `pid`. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function refusesConnections(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(2_000) });
    return false;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
  }
}

describe('globalSetup', () => {
  it('provides endpoints that answer', async () => {
    const { dynamoEndpoint, s3Endpoint } = inject('emulators');
    expect((await dynamoClient(dynamoEndpoint).send(new ListTablesCommand({}))).TableNames).toBeInstanceOf(Array);
    expect((await s3Client(s3Endpoint).send(new ListBucketsCommand({}))).$metadata.httpStatusCode).toBe(200);
  });
});

describe('startDynamoDbLocal', () => {
  it('keeps tables and items in dbPath across a restart', async () => {
    const dbPath = await tempDir('freshet-ddb-');
    const key = { pk: { S: 'topic#orders' } };

    const first = track(await startDynamoDbLocal({ dbPath }));
    const before = dynamoClient(first.endpoint);
    await before.send(
      new CreateTableCommand({
        TableName: 'persisted',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await before.send(new PutItemCommand({ TableName: 'persisted', Item: { ...key, partitions: { N: '3' } } }));
    await first.stop();
    expect(await refusesConnections(first.endpoint)).toBe(true);

    const second = track(await startDynamoDbLocal({ dbPath }));
    const after = dynamoClient(second.endpoint);
    expect((await after.send(new ListTablesCommand({}))).TableNames).toEqual(['persisted']);
    const { Item } = await after.send(new GetItemCommand({ TableName: 'persisted', Key: key }));
    expect(Item).toEqual({ ...key, partitions: { N: '3' } });
  });
});

describe('startS3Server', () => {
  it('keeps objects in its directory across a restart on the same port', async () => {
    const directory = await tempDir('freshet-s3-');
    const first = track(await startS3Server({ directory }));
    await s3Client(first.endpoint).send(new CreateBucketCommand({ Bucket: 'persisted' }));
    await s3Client(first.endpoint).send(new PutObjectCommand({ Bucket: 'persisted', Key: 'a/b.txt', Body: 'hello' }));
    await first.stop();
    expect(await refusesConnections(first.endpoint)).toBe(true);

    // Same port: stop() must have released it by the time it resolves.
    const second = track(await startS3Server({ directory, port: first.port }));
    const object = await s3Client(second.endpoint).send(new GetObjectCommand({ Bucket: 'persisted', Key: 'a/b.txt' }));
    expect(await object.Body?.transformToString()).toBe('hello');
  });

  it('round-trips Uint8Array and stream bodies byte for byte', async () => {
    const server = track(await startS3Server({ directory: await tempDir('freshet-s3-') }));
    const s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'bytes' }));
    // Random bytes include CR LF and ';' — what aws-chunked framing would add if it leaked in.
    const bytes = new Uint8Array(randomBytes(200_000));

    await s3.send(new PutObjectCommand({ Bucket: 'bytes', Key: 'array', Body: bytes }));
    await s3.send(
      new PutObjectCommand({
        Bucket: 'bytes',
        Key: 'stream',
        Body: Readable.from([bytes.subarray(0, 70_000), bytes.subarray(70_000)]),
        ContentLength: bytes.length,
      }),
    );

    for (const Key of ['array', 'stream']) {
      const object = await s3.send(new GetObjectCommand({ Bucket: 'bytes', Key }));
      const stored = await object.Body!.transformToByteArray();
      expect(stored.length, Key).toBe(bytes.length);
      expect(Buffer.from(stored).equals(bytes), Key).toBe(true);
    }
  });

  it('pages ListObjectsV2 with MaxKeys and ContinuationToken', async () => {
    const server = track(await startS3Server({ directory: await tempDir('freshet-s3-') }));
    const s3 = s3Client(server.endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: 'paged' }));
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: 'paged', Key, Body: Key }));

    const pages: string[][] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: 'paged', MaxKeys: 2, ContinuationToken }));
      pages.push((page.Contents ?? []).map((object) => object.Key ?? ''));
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken !== undefined && pages.length < 10);

    expect(pages).toEqual([['k1', 'k2'], ['k3', 'k4'], ['k5']]);
  });

  it('refuses a port that is already taken instead of probing whoever holds it', async () => {
    const squatter = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => squatter.close(resolve)));

    await expect(startS3Server({ directory: await tempDir('freshet-s3-'), port })).rejects.toThrow(/port \d+ is already in use/);
  });
});

describe('launchEmulator', () => {
  const node = process.execPath;
  const neverReady = async () => {
    throw new Error('not yet');
  };

  it('reports an early exit with the tail of the output', async () => {
    const start = launchEmulator({
      name: 'crasher',
      command: node,
      args: ['-e', 'console.log("starting"); console.error("boom: no such table"); process.exit(3)'],
      port: 1,
      endpoint: 'http://127.0.0.1:1',
      probe: neverReady,
    });
    await expect(start).rejects.toThrow(EmulatorStartError);
    await expect(start).rejects.toThrow(/crasher exited before it was ready \(exit code 3\)[\s\S]*starting[\s\S]*boom: no such table/);
  });

  it('gives up on fatal output or a timeout and leaves no process behind', async () => {
    const hangs = 'console.log("pid=" + process.pid); setInterval(() => {}, 1000)';
    const fatal = launchEmulator({
      name: 'half-dead',
      command: node,
      args: ['-e', `${hangs}; console.error('Exception in thread "main" java.io.IOException')`],
      port: 1,
      endpoint: 'http://127.0.0.1:1',
      probe: neverReady,
      fatalOutput: /Exception in thread "main"/,
    });
    const slow = launchEmulator({
      name: 'sleeper',
      command: node,
      args: ['-e', hangs],
      port: 1,
      endpoint: 'http://127.0.0.1:1',
      probe: neverReady,
      readyTimeoutMs: 1_000,
    });

    for (const [start, reason] of [
      [fatal, /half-dead reported a fatal error/],
      [slow, /sleeper did not answer on http:\/\/127.0.0.1:1 within 1 s \(last attempt: Error: not yet\)/],
    ] as const) {
      const error = await start.then(
        () => expect.fail('should not start'),
        (e: unknown) => e as Error,
      );
      expect(error.message).toMatch(reason);
      const pid = Number(/pid=(\d+)/.exec(error.message)?.[1]);
      expect(pid).toBeGreaterThan(0);
      expect(isAlive(pid)).toBe(false);
    }
  });

  it('kills the emulator when its parent exits', async () => {
    const code = [
      `import { startS3Server } from ${JSON.stringify(join(repoRoot, 'shared/local/s3-server.ts'))};`,
      `const server = await startS3Server({ directory: ${JSON.stringify(await tempDir('freshet-s3-'))} });`,
      'console.log(server.endpoint);',
      'process.exit(0);',
    ].join('\n');
    const parent = spawn(node, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    parent.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    parent.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exitCode = await new Promise((resolve) => parent.once('exit', resolve));
    expect(exitCode, stderr).toBe(0);
    const endpoint = stdout.trim();
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    // SIGTERM is delivered synchronously on exit; give s3rver a moment to act on it.
    const deadline = Date.now() + 5_000;
    while (!(await refusesConnections(endpoint)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await refusesConnections(endpoint)).toBe(true);
  });
});

describe('findJava', () => {
  it('returns a java that runs', () => {
    expect(findJava()).toMatch(/java$/);
  });

  it('throws a one-line JavaMissingError when java is not on PATH', () => {
    const env = { PATH: '/nonexistent-freshet-bin' };
    expect(() => findJava(env)).toThrow(JavaMissingError);
    expect(() => findJava(env)).toThrow(/^Java 11\+ is required to run DynamoDB Local \(the `java` command was not found\); install a JDK/);
    try {
      findJava(env);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('names JAVA_HOME when it points at no java', async () => {
    const javaHome = await tempDir('freshet-no-jdk-');
    expect(() => findJava({ PATH: process.env.PATH, JAVA_HOME: javaHome })).toThrow(
      new RegExp(`^Java 11\\+ is required to run DynamoDB Local, but JAVA_HOME=${javaHome} has no working bin/java [^\\n]*$`),
    );
  });
});
