import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../shared/local/dynamodb-local.js';
import { startS3Server } from '../../shared/local/s3-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoints of the emulators every test file shares; read with `inject('emulators')`. */
    emulators: { dynamoEndpoint: string; s3Endpoint: string };
  }
}

/**
 * The emulator project's globalSetup: starts DynamoDB Local (in memory) and s3rver (on a
 * fresh temp directory) once for the whole run, on free ports, so parallel test runs on
 * one machine do not collide. Tests isolate themselves by table and bucket names.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const s3Directory = await mkdtemp(join(tmpdir(), 'freshet-test-s3-'));
  const started = await Promise.allSettled([startDynamoDbLocal({}), startS3Server({ directory: s3Directory })]);
  const running = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const teardown = async () => {
    await Promise.all(running.map((emulator) => emulator.stop()));
    await rm(s3Directory, { recursive: true, force: true });
  };

  const [dynamo, s3] = started;
  if (dynamo?.status !== 'fulfilled' || s3?.status !== 'fulfilled') {
    await teardown();
    const failures = started.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    throw failures.length === 1 ? failures[0] : new AggregateError(failures, 'both emulators failed to start');
  }

  project.provide('emulators', { dynamoEndpoint: dynamo.value.endpoint, s3Endpoint: s3.value.endpoint });
  return teardown;
}
